// The resume crash test: a child collecting 200 gridworld episodes is killed with SIGKILL at seeded
// random moments 20 times and resumed each time, while a second process records its own run into
// the same file. At the end the file is intact, every episode a child reported durable is there
// with all its steps, and each run has exactly its requested episodes, indices 0..N-1, once each.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { deriveSeed, SeededRandom } from '@worldloop/core';
import { ConfigError } from '@worldloop/spec';
import { resumeRun, SqliteTrajectoryStore } from '@worldloop/trajectory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const testDirectory = fileURLToPath(new URL('.', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/resume-crash-child.ts', import.meta.url));
const EPISODES = 200;
const KILLS = 20;
const BASE_SEED = 7; // as the child records

/** An episode a child reported once its endEpisode resolved. */
interface ReportedEpisode {
  readonly episodeId: number;
  readonly episodeIndex: number;
  readonly steps: number;
}

interface Child {
  readonly reported: ReportedEpisode[];
  /** Resolves once the child printed `line` (a prefix) `count` times; rejects if it exits first. */
  printed(prefix: string, count?: number): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

let directory: string;
const children: Child[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-resume-crash-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill();
    await child.exited;
  }
  rmSync(directory, { recursive: true, force: true });
});

function startChild(path: string, label: string, episodes: number): Child {
  const process_ = spawn(process.execPath, ['--import', 'tsx', childScript, path, label, String(episodes), '3'], {
    cwd: testDirectory,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const reported: ReportedEpisode[] = [];
  const counts = new Map<string, number>();
  const waiters: { prefix: string; count: number; resolve: () => void }[] = [];
  let pending = '';
  let stderr = '';
  process_.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const [kind, ...values] = line.split(' ');
      counts.set(kind!, (counts.get(kind!) ?? 0) + 1);
      if (kind === 'ended') reported.push({ episodeId: Number(values[0]), episodeIndex: Number(values[1]), steps: Number(values[2]) });
    }
    for (const waiter of waiters) if ((counts.get(waiter.prefix) ?? 0) >= waiter.count) waiter.resolve();
  });
  process_.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    process_.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  const child: Child = {
    reported,
    printed: (prefix, count = 1) =>
      new Promise<void>((resolve, reject) => {
        if ((counts.get(prefix) ?? 0) >= count) return resolve();
        waiters.push({ prefix, count, resolve });
        void exited.then(({ code, signal, stderr: errors }) => reject(new Error(`child exited (${code ?? signal}) before printing ${count} × ${prefix}: ${errors}`)));
      }),
    exited,
    kill: () => {
      if (process_.exitCode === null && process_.signalCode === null) process_.kill('SIGKILL');
    },
  };
  children.push(child);
  return child;
}

function query<Row>(path: string, sql: string, ...parameters: unknown[]): Row[] {
  const database = new Database(path, { readonly: true });
  try {
    return database.prepare(sql).all(...parameters) as Row[];
  } finally {
    database.close();
  }
}

describe('resume after SIGKILL', () => {
  it(`collects exactly ${EPISODES} episodes through ${KILLS} kills at random moments, losing nothing reported, beside another writer`, async () => {
    const path = join(directory, 'crash.db');
    const random = new SeededRandom(2024);
    const reported: ReportedEpisode[] = [];
    // Another process records its own run into the same file meanwhile; it is never killed.
    const bystander = startChild(path, 'bystander', 150);
    let killsThatInterrupted = 0;

    for (let kill = 0; kill < KILLS; kill++) {
      const child = startChild(path, 'crash', EPISODES);
      // Where to kill: while it opens and claims the run, right after it started, or after k more episodes.
      const moment = random.integer(10);
      if (moment === 0) await child.printed('ready');
      else if (moment === 1) await child.printed('started');
      else await child.printed('ended', 1 + random.integer(5));
      if (kill === 0) {
        await child.printed('started');
        // A second process may not resume a run that a live one is writing.
        const store = SqliteTrajectoryStore.open(path);
        const runId = Number((await store.listRuns()).find((run) => (run.config as { label?: string }).label === 'crash')!.id);
        await expect(resumeRun(store, runId)).rejects.toThrow(ConfigError);
        await expect(resumeRun(store, runId)).rejects.toThrow(/still being recorded by a live process/);
        await store.close();
      }
      child.kill();
      const { signal, stderr } = await child.exited;
      expect(signal, `kill ${kill} came too late: the child ended on its own. ${stderr}`).toBe('SIGKILL');
      reported.push(...child.reported);
      killsThatInterrupted++;
    }
    const last = startChild(path, 'crash', EPISODES);
    const ending = await last.exited;
    expect(ending, ending.stderr).toMatchObject({ code: 0, signal: null });
    reported.push(...last.reported);
    const bystanderEnd = await bystander.exited;
    expect(bystanderEnd, bystanderEnd.stderr).toMatchObject({ code: 0, signal: null });
    expect(killsThatInterrupted).toBe(KILLS);

    expect(query<{ integrity_check: string }>(path, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);

    // Every episode a child reported durable is there, finished, with all its steps.
    // A kill can land between an episode's commit and its line: at most one per episode in flight (3).
    expect(new Set(reported.map((episode) => episode.episodeId)).size).toBe(reported.length);
    expect(reported.length).toBeGreaterThanOrEqual(EPISODES - 3 * KILLS);
    for (const episode of reported) {
      const [row] = query<{ status: string; episodeIndex: number; stepRows: number; lastStep: number | null }>(
        path,
        `SELECT status, episode_index AS episodeIndex, (SELECT count(*) FROM steps WHERE episode_id = e.id) AS stepRows,
                (SELECT max(step_index) FROM steps WHERE episode_id = e.id) AS lastStep
         FROM episodes e WHERE id = ?`,
        episode.episodeId,
      );
      expect(row, `episode ${episode.episodeId}`).toEqual({ status: 'finished', episodeIndex: episode.episodeIndex, stepRows: episode.steps, lastStep: episode.steps - 1 });
    }

    // Each run: exactly its requested episodes finished, indices 0..N-1 once each, seeds from the index.
    const runs = query<{ id: number; status: string; requested: number; label: string }>(
      path,
      "SELECT id, status, episodes_requested AS requested, json_extract(config, '$.label') AS label FROM runs ORDER BY id",
    );
    expect(runs.map(({ label, status }) => ({ label, status })).sort((a, b) => a.label.localeCompare(b.label))).toEqual([
      { label: 'bystander', status: 'finished' },
      { label: 'crash', status: 'finished' },
    ]);
    for (const run of runs) {
      const finished = query<{ episodeIndex: number; seed: number; stepCount: number; stepRows: number }>(
        path,
        `SELECT episode_index AS episodeIndex, seed, step_count AS stepCount, (SELECT count(*) FROM steps WHERE episode_id = e.id) AS stepRows
         FROM episodes e WHERE run_id = ? AND status = 'finished' ORDER BY episode_index`,
        run.id,
      );
      expect(finished.map((episode) => episode.episodeIndex)).toEqual(Array.from({ length: run.requested }, (_, index) => index));
      for (const episode of finished) {
        expect(episode.seed).toBe(deriveSeed(BASE_SEED, episode.episodeIndex));
        expect(episode.stepRows).toBe(episode.stepCount);
      }
      const others = query<{ status: string; error: string | null }>(path, "SELECT status, error FROM episodes WHERE run_id = ? AND status != 'finished'", run.id);
      for (const other of others) expect(other.status).toBe('aborted');
      if (run.label === 'crash') {
        // Kills land mid-episode (3 in flight, 1 ms per step): interrupted attempts were marked and re-run.
        expect(others.length).toBeGreaterThan(0);
        for (const other of others) expect(other.error).toMatch(/^interrupted: /);
        const reruns = query<{ count: number }>(path, 'SELECT count(*) AS count FROM episodes WHERE run_id = ? AND attempt > 1 AND status = ?', run.id, 'finished');
        expect(reruns[0]!.count).toBeGreaterThan(0);
      } else {
        expect(others).toEqual([]);
      }
    }
  }, 120_000); // ~30 s on 2 busy cores: 22 child processes start under tsx
});
