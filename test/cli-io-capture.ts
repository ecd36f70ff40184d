// Captures what the CLI writes, so end-to-end tests can run `main()` in process.
import type { CliIo } from '@worldloop/cli';

/** A `CliIo` that keeps stdout and stderr as strings. */
export interface CapturedIo extends CliIo {
  readonly output: () => string;
  readonly errors: () => string;
}

/** A captured, non-terminal IO rooted at `cwd`. */
export function captureIo(cwd: string): CapturedIo {
  let output = '';
  let errors = '';
  return {
    stdout: { write: (text: string) => (output += text) },
    stderr: { write: (text: string) => (errors += text) },
    isTTY: false,
    cwd,
    output: () => output,
    errors: () => errors,
  };
}
