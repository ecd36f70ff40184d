// Ctrl-C for long-running commands: the first SIGINT or SIGTERM (what `timeout`, systemd and
// container runtimes send before a kill), or the caller's abort signal, aborts the command's own
// signal so it can stop cleanly; the handlers are removed afterwards, so a second one falls through
// to Node's default and kills the process.
import type { CliIo } from './cli-io.js';

/**
 * Runs `command` with a signal that aborts on the first SIGINT or SIGTERM, or when `outer` aborts.
 * `notice`, when given, is written to stderr on such a signal (what the command does now, how to
 * force it).
 */
export async function interruptible<Result>(
  io: CliIo,
  outer: AbortSignal | undefined,
  command: (signal: AbortSignal) => Promise<Result>,
  notice?: string,
): Promise<Result> {
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (notice !== undefined) io.stderr.write(`\n${notice}\n`);
    controller.abort();
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  };
  const onOuterAbort = (): void => controller.abort();
  // An abort event fires once: a signal aborted before now never calls the listener.
  if (outer?.aborted) controller.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    return await command(controller.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}
