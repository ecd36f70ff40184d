// Tests across processes: what a writer reported durable survives SIGKILL, and it loses fewer than
// groupCommitSteps appended steps; several processes write one file at once (all of them racing, from
// a barrier, to create, configure and migrate it). Children run under tsx.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { StepRecord } from '@worldloop/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultGroupCommitSteps, SqliteTrajectoryStore } from './sqlite-trajectory-store.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/append-steps-process.ts', import.meta.url));

let directory: string;
/** Every writer started by the current test, killed after it so that none outlives a failure. */
const writers: Writer[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-processes-'));
});
afterEach(async () => {
  for (const writer of writers.splice(0)) {
    writer.kill();
    await writer.exited;
  }
  rmSync(directory, { recursive: true, force: true });
});

/** What a writer printed about one episode (see fixtures/append-steps-process.ts). */
interface EpisodeReport {
  readonly episodeId: number;
  /** Steps whose appendStep resolved: buffered, maybe not committed. */
  appended: number;
  /** Steps reported committed by a resolved flush (`durable <i>` means i + 1 of them). */
  durable: number;
  /** Whether endEpisode resolved: every appended step is committed. */
  ended: boolean;
}

interface Writer {
  /** Complete lines printed so far. */
  readonly lines: string[];
  /** Resolves when the process has exited and its output is read. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves once `count` `step` lines have been printed (0: once the first episode id is). */
  printedSteps(count: number): Promise<void>;
  /** Resolves once a gated writer waits at its first barrier, before opening the store. */
  printedReady(): Promise<void>;
  /** Lets a gated writer open the store. */
  open(): void;
  /** Lets a gated writer start appending. */
  go(): void;
  kill(): void;
}

/**
 * Starts a child that records `count` steps in one episode, or episodes of 100 steps forever when
 * `count` is absent; a gated one waits for `open()` before opening the store and for `go()` after
 * printing its episode id.
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
  let stepLines = 0;
  let episodeLines = 0;
  let readyLines = 0;
  const waiters: { reached: () => boolean; resolve: () => void }[] = [];
  const reached = (count: number) => (count === 0 ? episodeLines > 0 : stepLines >= count);
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
    for (const line of parts) {
      if (line.startsWith('step ')) stepLines += 1;
      if (line.startsWith('episode ')) episodeLines += 1;
      if (line === 'ready') readyLines += 1;
    }
    for (const waiter of waiters) if (waiter.reached()) waiter.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  const printed = (done: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      waiters.push({ reached: done, resolve });
      void exited.then(({ code, signal, stderr: errors }) => reject(new Error(`writer exited (${code ?? signal}) after ${lines.length} lines: ${errors}`)));
    });
  const writer: Writer = {
    lines,
    exited,
    printedSteps: (wanted) => printed(() => reached(wanted)),
    printedReady: () => printed(() => readyLines > 0),
    open: () => child.stdin.write('open\n'),
    go: () => child.stdin.end('go\n'),
    kill: () => child.kill('SIGKILL'),
  };
  writers.push(writer);
  return writer;
}

/** The episodes a writer reported, in the order it started them. */
function episodeReports(writer: Writer): EpisodeReport[] {
  const reports: EpisodeReport[] = [];
  for (const line of writer.lines) {
    const [kind, value] = line.split(' ');
    const number = Number(value);
    const current = reports[reports.length - 1];
    if (kind === 'episode') reports.push({ episodeId: number, appended: 0, durable: 0, ended: false });
    else if (kind === 'step' && current?.appended === number) current.appended += 1;
    else if (kind === 'durable' && current !== undefined) current.durable = number + 1;
    else if (kind === 'ended' && current?.episodeId === number) current.ended = true;
    else throw new Error(`unexpected line from the writer: ${line} (after ${JSON.stringify(current)})`);
  }
  return reports;
}

function episodeIdOf(writer: Writer): number {
  const match = /^episode (\d+)$/.exec(writer.lines.find((line) => line.startsWith('episode ')) ?? '');
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

async function episodeStatus(path: string, episodeId: number): Promise<string | undefined> {
  const store = SqliteTrajectoryStore.open(path);
  const episode = await store.getEpisode(episodeId);
  await store.close();
  return episode?.status;
}

function integrity(path: string): unknown {
  const database = new Database(path, { readonly: true });
  const result = database.pragma('integrity_check', { simple: true });
  database.close();
  return result;
}

describe('SqliteTrajectoryStore across processes', () => {
  it('keeps every ended episode and every flushed step, and loses fewer than groupCommitSteps appended steps, when killed with SIGKILL', async () => {
    const path = join(directory, 'killed.db');
    for (const killAfter of [150, 300, 450]) {
      const writer = startWriter(path);
      await writer.printedSteps(killAfter);
      writer.kill();
      const { signal } = await writer.exited;
      expect(signal).toBe('SIGKILL');

      const reports = episodeReports(writer);
      expect(reports.filter((report) => report.ended).length).toBeGreaterThanOrEqual(1);
      for (const report of reports) {
        const stored = await stepIndices(path, report.episodeId);
        expect(stored).toEqual(Array.from({ length: stored.length }, (_, index) => index));
        if (report.ended) {
          // endEpisode resolved: the episode and all its steps are on disk.
          expect(stored).toHaveLength(report.appended);
          expect(await episodeStatus(path, report.episodeId)).toBe('finished');
        } else {
          // Every step a resolved flush covered is on disk; of the steps whose appendStep resolved,
          // only those since the last commit are lost, fewer than groupCommitSteps. At most the one
          // in flight when the kill landed is stored without having been reported.
          expect(stored.length).toBeGreaterThanOrEqual(report.durable);
          expect(report.appended - stored.length).toBeLessThan(defaultGroupCommitSteps);
          expect(stored.length - report.appended).toBeLessThanOrEqual(1);
        }
      }
      expect(integrity(path)).toBe('ok');
    }
  });

  it('lets several processes create and write one file at once', async () => {
    const path = join(directory, 'shared', 'concurrent.db');
    const stepsEach = 1000;
    // Released together, they race to create, configure (the switch to WAL) and migrate the fresh
    // file; then they wait again so that their appends overlap.
    const concurrent = Array.from({ length: 4 }, () => startWriter(path, { count: stepsEach, gated: true }));
    await Promise.all(concurrent.map((writer) => writer.printedReady()));
    for (const writer of concurrent) writer.open();
    await Promise.all(concurrent.map((writer) => writer.printedSteps(0)));
    for (const writer of concurrent) writer.go();
    const results = await Promise.all(concurrent.map((writer) => writer.exited));
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0, signal: null });

    const episodeIds = concurrent.map(episodeIdOf);
    expect(new Set(episodeIds).size).toBe(concurrent.length);
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
    expect(order.filter((episodeId, index) => index > 0 && episodeId !== order[index - 1]).length).toBeGreaterThan(concurrent.length);
  });
});
