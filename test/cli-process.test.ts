// The `worldloop` command as a real process: killed with SIGKILL mid-run, everything it recorded
// stays readable; interrupted with SIGINT or SIGTERM, it ends the run as aborted with exit code 130.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';

const BIN = resolve(fileURLToPath(import.meta.url), '../../packages/cli/bin/worldloop.js');
let directory: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-process-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

/** Starts a long run and resolves once its first progress line has been printed. */
function startLongRun(db: string) {
  const child = spawn(process.execPath, [BIN, 'run', '--env', 'gridworld/GoToObjMaze-v0', '--policy', 'random', '--episodes', '100000', '--concurrency', '4', '--db', db], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  const progressed = new Promise<void>((done) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (/progress: [1-9]\d*\//.test(stderr)) done();
    });
  });
  return { child, exited, progressed, output: () => stdout, errors: () => stderr };
}

describe('worldloop run as a process', () => {
  it('keeps every committed step when killed with SIGKILL', async () => {
    const db = join(directory, 'killed.db');
    const run = startLongRun(db);
    await run.progressed;
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');

    const store = new SqliteTrajectoryStore({ path: db });
    const [recordedRun] = await store.listRuns();
    expect(recordedRun).toMatchObject({ status: 'running', episodesRequested: 100000 });
    const finished = await store.listEpisodes({ runId: recordedRun!.id, status: 'finished', limit: 100_000 });
    expect(finished.length).toBeGreaterThan(0);
    for (const episode of finished.slice(0, 20)) {
      let count = 0;
      for await (const step of store.readSteps(episode.id)) {
        expect(step.stepIndex).toBe(count++);
      }
      expect(count).toBe(episode.stepCount);
    }
    await store.close();
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('ends the run as aborted with exit code 130 on %s', async (signalName) => {
    const db = join(directory, 'interrupted.db');
    const run = startLongRun(db);
    await run.progressed;
    run.child.kill(signalName);
    const { code } = await run.exited;
    expect(code, run.errors()).toBe(130);
    expect(run.output()).toContain('(run aborted)');
    const store = new SqliteTrajectoryStore({ path: db });
    const [recordedRun] = await store.listRuns();
    expect(recordedRun!.status).toBe('aborted');
    const episodes = await store.listEpisodes({ runId: recordedRun!.id, limit: 100_000 });
    expect(episodes.some((episode) => episode.status === 'running')).toBe(false);
    await store.close();
  });
});
