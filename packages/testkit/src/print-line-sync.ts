// Writing a line to stdout synchronously, for child processes that tests kill: a line printed this
// way is in the pipe before the call returns, never queued in process.stdout when SIGKILL lands.
import { writeSync } from 'node:fs';

/** Writes `line` and a newline to stdout before returning, waiting while the pipe is full (EAGAIN). */
export function printLineSync(line: string): void {
  let data = Buffer.from(`${line}\n`);
  while (data.length > 0) {
    try {
      data = data.subarray(writeSync(1, data));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}
