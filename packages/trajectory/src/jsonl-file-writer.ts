// Writes JSON Lines synchronously in 1 MiB chunks: memory stays flat however many lines, and a
// file that exists is refused unless overwriting was asked for (the check and the create are one step).
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Characters buffered before a write to the file. */
const chunkCharacters = 1 << 20;

/** A JSON Lines file being written: one `JSON.stringify` per line. */
export class JsonlFileWriter {
  readonly path: string;
  /** Lines written so far. */
  lines = 0;
  readonly #descriptor: number;
  #chunk = '';

  /** Creates the file (and its directory); throws EEXIST when it exists and `overwrite` is false. */
  constructor(path: string, overwrite: boolean) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.#descriptor = openSync(path, overwrite ? 'w' : 'wx');
  }

  /** Appends one line holding `value` as JSON. */
  write(value: unknown): void {
    this.writeLine(JSON.stringify(value));
  }

  /** Appends one line already serialised as JSON (without its newline). */
  writeLine(line: string): void {
    this.#chunk += `${line}\n`;
    this.lines++;
    if (this.#chunk.length >= chunkCharacters) this.#flush();
  }

  /** Writes what is buffered and closes the file. */
  close(): void {
    this.#flush();
    closeSync(this.#descriptor);
  }

  #flush(): void {
    if (this.#chunk === '') return;
    writeSync(this.#descriptor, this.#chunk);
    this.#chunk = '';
  }
}
