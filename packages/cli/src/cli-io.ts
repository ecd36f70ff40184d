// Where the CLI writes, injected so tests can capture output and pretend to be a terminal.

/** Output streams and terminal facts of one CLI invocation. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Whether stderr is a terminal (progress bar) or not (plain progress lines). */
  readonly isTTY: boolean;
  /** Working directory, for the default database path. */
  readonly cwd: string;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stderr.isTTY), cwd: process.cwd() };
}
