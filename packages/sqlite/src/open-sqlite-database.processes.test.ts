// Several processes (under tsx) open the same fresh files at once. Without the retried switch to WAL this
// failed 8 runs of 8 on the 2-core development machine: an immediate SQLITE_BUSY despite busy_timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startGatedChild, type GatedChildProcess } from '@worldloop/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/open-fresh-files-process.ts', import.meta.url));

let directory: string;
const children: GatedChildProcess[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-sqlite-race-'));
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
  rmSync(directory, { recursive: true, force: true });
});

function startOpener(count: number): GatedChildProcess {
  const child = startGatedChild(childScript, [join(directory, 'files'), String(count)], { cwd: packageDirectory });
  children.push(child);
  return child;
}

describe('openSqliteDatabase across processes', () => {
  it('lets several processes open the same fresh files at once, every one ending in WAL mode', async () => {
    const processes = 4;
    const files = 600;
    const openers = Array.from({ length: processes }, () => startOpener(files));
    await Promise.all(openers.map((opener) => opener.ready));
    for (const opener of openers) opener.go();
    for (const result of await Promise.all(openers.map((opener) => opener.exited))) {
      expect(result, result.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining(`opened ${files}`) });
    }
    for (let index = 0; index < files; index += 1) {
      const database = new Database(join(directory, 'files', `fresh-${index}.db`), { readonly: true });
      expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
      database.close();
    }
  });
});
