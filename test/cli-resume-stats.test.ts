// `worldloop run --resume` and `worldloop stats` end to end: a stopped or killed run continued to
// exactly its episodes with its recorded flags, bad resumes refused clearly, run metadata recorded,
// and statistics per environment and task with their definitions.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '@worldloop/cli';
import { deriveSeed } from '@worldloop/core';
import { SqliteTrajectoryStore, WriterProcess } from '@worldloop/trajectory';
import { captureIo } from './cli-io-capture.js';

const BIN = resolve(fileURLToPath(import.meta.url), '../../packages/cli/bin/worldloop.js');
let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-cli-resume-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** Every episode of run 1: its status counts, and the finished indices and seeds. */
async function runEpisodes(db: string, runId = 1) {
  const store = new SqliteTrajectoryStore({ path: db });
  const episodes = await store.listEpisodes({ runId, limit: 100_000 });
  const run = await store.getRun(runId);
  await store.close();
  const finished = episodes.filter((episode) => episode.status === 'finished');
  return {
    run: run!,
    episodes,
    finishedIndices: finished.map((episode) => episode.episodeIndex).sort((a, b) => a - b),
    seedsMatch: finished.every((episode) => episode.seed === deriveSeed(run!.baseSeed, episode.episodeIndex)),
  };
}

const indices = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

/** Runs `worldloop run` and stops it, as Ctrl-C would, once `episodes` episodes are done; expects exit code 130. */
async function stoppedRun(flags: readonly string[], episodes: number): Promise<void> {
  const controller = new AbortController();
  const io = captureIo(directory);
  const progress = /progress: (\d+)\//;
  const stopping = {
    ...io,
    stderr: { write: (text: string) => (Number(progress.exec(text)?.[1] ?? 0) >= episodes ? controller.abort() : undefined, io.stderr.write(text)) },
  };
  expect(await main(['run', ...flags], stopping, controller.signal), io.errors()).toBe(130);
}

describe('worldloop run --resume', () => {
  it('continues a run stopped with Ctrl-C to exactly its episodes, with its recorded flags', async () => {
    const db = join(directory, 'stopped.db');
    await stoppedRun(['--env', 'gridworld/GoToObjMaze-v0', '--policy', 'random', '--episodes', '60', '--concurrency', '4', '--seed', '3', '--max-steps', '12', '--db', db], 5);
    const stopped = await runEpisodes(db);
    expect(stopped.run.status).toBe('aborted');
    expect(stopped.finishedIndices.length).toBeLessThan(60);

    const resumed = captureIo(directory);
    // Flags given again are accepted when they match the recorded ones.
    expect(await main(['run', '--resume', '1', '--db', db, '--env', 'gridworld/GoToObjMaze-v0', '--seed', '03'], resumed)).toBe(0);
    expect(resumed.output()).toMatch(/resumed run 1.*; ran \d+ episodes left of 60:/);
    const after = await runEpisodes(db);
    expect(after.run.status).toBe('finished');
    expect(after.finishedIndices).toEqual(indices(60));
    expect(after.seedsMatch).toBe(true);
    expect(after.episodes.every((episode) => episode.stepCount! <= 12)).toBe(true);
    expect(after.episodes.filter((episode) => episode.status !== 'finished').every((episode) => episode.status === 'aborted')).toBe(true);

    const again = captureIo(directory);
    expect(await main(['run', '--resume', '1', '--db', db], again)).toBe(0);
    expect(again.output()).toBe('Run 1 is already finished (60 of 60 episodes finished); nothing to resume.\n');
  });

  it('continues a run killed with SIGKILL: interrupted episodes are marked aborted and re-run as new attempts', async () => {
    const db = join(directory, 'killed.db');
    const child = spawn(process.execPath, [BIN, 'run', '--env', 'gridworld/GoToObjMaze-v0', '--policy', 'random', '--episodes', '400', '--concurrency', '4', '--max-steps', '30', '--db', db], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    await new Promise<void>((done) => {
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/progress: [1-9]\d*\//.test(stderr)) done();
      });
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const killed = await runEpisodes(db);
    expect(killed.run.status).toBe('running');
    expect(WriterProcess.parse(killed.run.writer)).toMatchObject({ pid: child.pid });

    const io = captureIo(directory);
    expect(await main(['run', '--resume', '1', '--db', db], io), io.errors()).toBe(0);
    const after = await runEpisodes(db);
    expect(after.run.status).toBe('finished');
    expect(after.finishedIndices).toEqual(indices(400));
    expect(after.seedsMatch).toBe(true);
    const interrupted = after.episodes.filter((episode) => episode.status === 'aborted');
    for (const episode of interrupted) expect(episode.error).toMatch(/^interrupted: the process recording the run \(pid \d+ on .+\) died/);
    for (const episode of interrupted) {
      expect(after.episodes.some((other) => other.episodeIndex === episode.episodeIndex && other.status === 'finished' && other.attempt! > episode.attempt!)).toBe(true);
    }
  });

  describe('bad resumes get a clear message', () => {
    async function recordRun(db: string): Promise<void> {
      expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'random', '--episodes', '3', '--db', db], captureIo(directory))).toBe(0);
    }

    it('refuses a run that does not exist, naming the latest one', async () => {
      const db = join(directory, 'runs.db');
      await recordRun(db);
      const io = captureIo(directory);
      expect(await main(['run', '--resume', '7', '--db', db], io)).toBe(2);
      expect(io.errors()).toMatch(/--resume 7: no run 7 is recorded in .*runs\.db \(the latest run is 1\)/);
      const empty = captureIo(directory);
      await new SqliteTrajectoryStore({ path: join(directory, 'empty.db') }).close();
      expect(await main(['run', '--resume', '1', '--db', join(directory, 'empty.db')], empty)).toBe(2);
      expect(empty.errors()).toMatch(/it holds no run yet/);
      // A mistyped --db is named, and no empty database is left there.
      const missing = captureIo(directory);
      expect(await main(['run', '--resume', '1', '--db', join(directory, 'typo.db')], missing)).toBe(2);
      expect(missing.errors()).toMatch(/No database at .*typo\.db: nothing is recorded there/);
      expect(existsSync(join(directory, 'typo.db'))).toBe(false);
      for (const command of [['show', '1'], ['episodes'], ['stats']]) {
        const io = captureIo(directory);
        expect(await main([...command, '--db', join(directory, 'typo.db')], io)).toBe(2);
        expect(io.errors()).toMatch(/No database at .*typo\.db/);
      }
      expect(existsSync(join(directory, 'typo.db'))).toBe(false);
      const bad = captureIo(directory);
      expect(await main(['run', '--resume', 'last', '--db', db], bad)).toBe(2);
      expect(bad.errors()).toMatch(/--resume must be an integer/);
    });

    it('says a finished run has nothing to do, and exits 0', async () => {
      const db = join(directory, 'runs.db');
      await recordRun(db);
      const io = captureIo(directory);
      expect(await main(['run', '--resume', '1', '--db', db], io)).toBe(0);
      expect(io.output()).toMatch(/Run 1 is already finished \(3 of 3 episodes finished\); nothing to resume/);
    });

    it('refuses flags that differ from the recorded run: another environment, another seed, a flag it was recorded without', async () => {
      const db = join(directory, 'runs.db');
      await stoppedRun(['--env', 'gridworld/GoToLocal-v0', '--episodes', '30', '--db', db], 1);
      for (const [flags, message] of [
        [['--env', 'gridworld/OpenDoor-v0'], /run 1 was recorded with --env gridworld\/GoToLocal-v0, not gridworld\/OpenDoor-v0/],
        [['--seed', '5'], /run 1 was recorded with --seed 0, so --seed 5 conflicts/],
        [['--policy', 'random'], /run 1 was recorded with --policy planner, so --policy random conflicts/],
        [['--temperature', '0.5'], /run 1 was recorded without --temperature/],
      ] as const) {
        const io = captureIo(directory);
        expect(await main(['run', '--resume', '1', '--db', db, ...flags], io)).toBe(2);
        expect(io.errors()).toMatch(message);
      }
      expect((await runEpisodes(db)).run.status).toBe('aborted');
    });

    it('accepts --memory off and --reflect off again for a run recorded without memory: off is their default', async () => {
      const db = join(directory, 'runs.db');
      expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'random', '--episodes', '2', '--db', db], captureIo(directory), AbortSignal.abort())).toBe(130);
      const on = captureIo(directory);
      expect(await main(['run', '--resume', '1', '--db', db, '--memory', 'memory.db'], on)).toBe(2);
      expect(on.errors()).toMatch(/run 1 was recorded without --memory, so --memory memory\.db conflicts/);
      const off = captureIo(directory);
      expect(await main(['run', '--resume', '1', '--db', db, '--memory', 'off', '--reflect', 'off'], off), off.errors()).toBe(0);
      expect(off.output()).toMatch(/resumed run 1; ran 2 episodes left of 2/);
      expect(off.output()).not.toMatch(/memory at/);
    });
  });
});

describe('run metadata', () => {
  it('records environment, policy, seeds, flags, versions, the writer process and the git commit of the source', async () => {
    const db = join(directory, 'meta.db');
    expect(await main(['run', '--env', 'gridworld/PickupLoc-v0', '--policy', 'random-valid', '--episodes', '2', '--seed', '9', '--db', db], captureIo(directory))).toBe(0);
    const { run, episodes } = await runEpisodes(db);
    expect(run).toMatchObject({ environmentId: 'gridworld/PickupLoc-v0', policy: 'random-valid', episodesRequested: 2, baseSeed: 9, concurrency: 1 });
    expect(run.worldloopVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(run.gitCommit).toMatch(/^[0-9a-f]{40}$/); // this checkout is a git repository
    expect(WriterProcess.parse(run.writer)).toMatchObject({ pid: process.pid });
    expect(run.config).toMatchObject({
      env: 'gridworld/PickupLoc-v0',
      seed: 9,
      model: null,
      modelId: null,
      runtime: { node: process.version },
      flags: { env: 'gridworld/PickupLoc-v0', policy: 'random-valid', episodes: '2', concurrency: '1', seed: '9' },
    });
    expect(episodes.map((episode) => episode.seed)).toEqual([deriveSeed(9, 0), deriveSeed(9, 1)]);
  });
});

describe('worldloop stats', () => {
  it('prints episodes, success rate, reward, steps and invalid actions per environment and task, with the definitions', async () => {
    const db = join(directory, 'stats.db');
    expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'expert', '--episodes', '6', '--db', db], captureIo(directory))).toBe(0);
    expect(await main(['run', '--env', 'gridworld/OpenDoor-v0', '--policy', 'random', '--episodes', '4', '--max-steps', '5', '--db', db], captureIo(directory))).toBe(0);
    const io = captureIo(directory);
    expect(await main(['stats', '--db', db], io)).toBe(0);
    const lines = io.output().split('\n');
    expect(lines[0]).toMatch(/^environment\s+task\s+episodes\s+failed\s+success rate\s+mean reward\s+mean score\s+mean steps\s+invalid\s+tokens/);
    expect(lines[2]).toMatch(/^gridworld\s+GoToLocal-v0\s+6\s+0\s+100\.0%\s+0\.\d{3}\s+-\s+\d+\.\d\s+0\.0%\s+-/);
    expect(lines[3]).toMatch(/^gridworld\s+OpenDoor-v0\s+4\s+0\s+0\.0%\s+0\.000\s+-\s+5\.0\s+\d+\.\d%\s+-/);
    for (const term of ['success:', 'reward:', 'score:', 'invalid:', 'tokens:']) expect(io.output()).toContain(term);

    const filtered = captureIo(directory);
    expect(await main(['stats', '--db', db, '--env', 'gridworld/OpenDoor-v0'], filtered)).toBe(0);
    expect(filtered.output()).not.toContain('GoToLocal');
    const byRun = captureIo(directory);
    expect(await main(['stats', '--db', db, '--run', '1'], byRun)).toBe(0);
    expect(byRun.output()).not.toContain('OpenDoor');
    const none = captureIo(directory);
    expect(await main(['stats', '--db', db, '--run', '9'], none)).toBe(0);
    expect(none.output()).toMatch(/No ended episodes match run 9 in .*stats\.db/);
    const bad = captureIo(directory);
    expect(await main(['stats', '--db', db, '--limit', '3'], bad)).toBe(2);
    expect(bad.errors()).toMatch(/worldloop stats does not take --limit/);
  });

  it('does not split an environment id holding a URL (an AgentGym server) into family and task', async () => {
    const db = join(directory, 'agentgym.db');
    const store = new SqliteTrajectoryStore({ path: db });
    const environmentId = 'agentgym:http://127.0.0.1:38411#textcraft';
    const run = await store.createRun({ environmentId, policy: 'random', episodesRequested: 1, baseSeed: 0, concurrency: 1, config: {}, worldloopVersion: '0' });
    const episode = await store.startEpisode({ runId: run.id, episodeIndex: 0, seed: 0, environmentId });
    await store.endEpisode(episode.id, { status: 'finished', success: true, totalReward: 1, stepCount: 0, invalidActionCount: 0, terminated: true, truncated: false });
    await store.close();
    const io = captureIo(directory);
    expect(await main(['stats', '--db', db], io)).toBe(0);
    expect(io.output().split('\n')[2]).toMatch(/^agentgym:http:\/\/127\.0\.0\.1:38411#textcraft\s+-\s+1\s+0\s+100\.0%/);
  });
});
