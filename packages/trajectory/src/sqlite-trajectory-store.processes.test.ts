// Tests across processes: steps survive SIGKILL of the writer, and several processes write one
// file at once (the first ones racing to create and migrate it). Children run under tsx.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { StepRecord } from '@worldloop/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTrajectoryStore } from './sqlite-trajectory-store.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/append-steps-process.ts', import.meta.url));

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-processes-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

interface Writer {
  /** Complete lines printed so far: `episode <id>`, then one step index per line. */
  readonly lines: string[];
  /** Resolves when the process has exited and its output is read. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves once `count` step indices have been printed (0: once the episode id is). */
  printedSteps(count: number): Promise<void>;
  /** Lets a gated writer start appending. */
  go(): void;
  kill(): void;
}

/**
 * Starts a child that appends `count` steps (forever when absent) to a new episode in `path`;
 * a gated one waits for `go()` after printing its episode id.
 */
function startWriter(path: string, options: { count?: number; gated?: boolean } = {}): Writer {
  const argumentsAfterPath = [options.count === undefined ? 'forever' : String(options.count), ...(options.gated === true ? ['gated'] : [])];
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, path, ...argumentsAfterPath], {
    cwd: packageDirectory,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let pending = '';
  let stderr = '';
  const waiters: { count: number; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
    for (const waiter of waiters) if (lines.length - 1 >= waiter.count) waiter.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    lines,
    exited,
    printedSteps: (wanted) =>
      new Promise<void>((resolve, reject) => {
        if (lines.length - 1 >= wanted) return resolve();
        waiters.push({ count: wanted, resolve });
        void exited.then(({ code, signal, stderr: errors }) => reject(new Error(`writer exited (${code ?? signal}) after ${lines.length} lines: ${errors}`)));
      }),
    go: () => child.stdin.end('go\n'),
    kill: () => child.kill('SIGKILL'),
  };
}

function episodeIdOf(writer: Writer): number {
  const match = /^episode (\d+)$/.exec(writer.lines[0] ?? '');
  if (match === null) throw new Error(`writer printed no episode id: ${writer.lines.slice(0, 3).join(' | ')}`);
  return Number(match[1]);
}

async function stepIndices(path: string, episodeId: number): Promise<number[]> {
  const store = SqliteTrajectoryStore.open(path);
  const indices: number[] = [];
  const steps: AsyncIterable<StepRecord> = store.readSteps(episodeId);
  for await (const step of steps) indices.push(step.stepIndex);
  await store.close();
  return indices;
}

function integrity(path: string): unknown {
  const database = new Database(path, { readonly: true });
  const result = database.pragma('integrity_check', { simple: true });
  database.close();
  return result;
}

describe('SqliteTrajectoryStore across processes', () => {
  it('keeps every step whose appendStep resolved when the writer is killed with SIGKILL', async () => {
    const path = join(directory, 'killed.db');
    for (const killAfter of [150, 300, 450]) {
      const writer = startWriter(path);
      await writer.printedSteps(killAfter);
      writer.kill();
      const { signal } = await writer.exited;
      expect(signal).toBe('SIGKILL');

      const printed = writer.lines.slice(1).map(Number);
      expect(printed.length).toBeGreaterThanOrEqual(killAfter);
      expect(printed).toEqual(Array.from({ length: printed.length }, (_, index) => index));
      const stored = await stepIndices(path, episodeIdOf(writer));
      // Every printed step is stored; at most the one in flight when the kill landed is extra.
      expect(stored.slice(0, printed.length)).toEqual(printed);
      expect(stored.length - printed.length).toBeLessThanOrEqual(1);
      expect(integrity(path)).toBe('ok');
    }
  });

  it('lets several processes create and write one file at once', async () => {
    const path = join(directory, 'shared', 'concurrent.db');
    const stepsEach = 1000;
    // They race to create and migrate the file, then wait so that their appends overlap.
    const writers = Array.from({ length: 4 }, () => startWriter(path, { count: stepsEach, gated: true }));
    await Promise.all(writers.map((writer) => writer.printedSteps(0)));
    for (const writer of writers) writer.go();
    const results = await Promise.all(writers.map((writer) => writer.exited));
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0, signal: null });

    const episodeIds = writers.map(episodeIdOf);
    expect(new Set(episodeIds).size).toBe(writers.length);
    for (const episodeId of episodeIds) {
      expect(await stepIndices(path, episodeId)).toEqual(Array.from({ length: stepsEach }, (_, index) => index));
    }
    const store = SqliteTrajectoryStore.open(path);
    expect((await store.listRuns()).map((run) => run.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    expect(await store.listEpisodes({ status: 'finished', success: true })).toHaveLength(4);
    await store.close();
    expect(integrity(path)).toBe('ok');
    // Insertion order (rowid) switching between episodes shows the writers really overlapped.
    const database = new Database(path, { readonly: true });
    const order = (database.prepare('SELECT episode_id AS episodeId FROM steps ORDER BY rowid').all() as { episodeId: number }[]).map((row) => row.episodeId);
    database.close();
    expect(order.filter((episodeId, index) => index > 0 && episodeId !== order[index - 1]).length).toBeGreaterThan(writers.length);
  });
});
