// Several processes (under tsx) open the same fresh files at once. Without the retried switch to WAL this
// failed 8 runs of 8 on the 2-core development machine: an immediate SQLITE_BUSY despite busy_timeout.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/open-fresh-files-process.ts', import.meta.url));

let directory: string;
const children: ReturnType<typeof spawn>[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-sqlite-race-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

interface Opener {
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  go(): void;
}

function startOpener(count: number): Opener {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, join(directory, 'files'), String(count)], { cwd: packageDirectory, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (signalReady = resolve));
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('ready\n')) signalReady();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { ready: Promise.race([ready, exited.then(({ stderr: errors }) => Promise.reject(new Error(`opener exited before ready: ${errors}`)))]), exited, go: () => child.stdin!.end('go\n') };
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
