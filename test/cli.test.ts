// End-to-end tests of the `worldloop` command: runs recorded to a real SQLite file, listings,
// `show`, clear errors with exit code 2 for usage mistakes, and nothing recorded lost on errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '@worldloop/cli';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { captureIo } from './cli-io-capture.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-cli-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const TASKS = ['GoToLocal-v0', 'PickupLoc-v0', 'OpenDoor-v0', 'UnlockPickup-v0', 'GoToObjMaze-v0'];

async function successRate(io: ReturnType<typeof captureIo>): Promise<number> {
  const match = /(\d+\.\d)%/.exec(io.output());
  expect(match, io.output() + io.errors()).not.toBeNull();
  return Number(match![1]);
}

describe('worldloop CLI', () => {
  it('lists the registered environments', async () => {
    const io = captureIo(directory);
    expect(await main(['envs'], io)).toBe(0);
    for (const task of TASKS) expect(io.output()).toContain(`gridworld/${task}`);
  });

  it.each(TASKS)('runs the expert on %s at 100% success and random far lower, recorded to the default db', async (task) => {
    const expert = captureIo(directory);
    expect(await main(['run', '--env', `gridworld/${task}`, '--policy', 'expert', '--episodes', '60', '--concurrency', '8', '--seed', '1'], expert)).toBe(0);
    expect(await successRate(expert)).toBe(100);
    expect(expert.output()).toContain(join(directory, '.worldloop/worldloop.db'));
    const random = captureIo(directory);
    expect(await main(['run', '--env', `gridworld/${task}`, '--policy', 'random', '--episodes', '60', '--concurrency', '8', '--seed', '1'], random)).toBe(0);
    expect(await successRate(random)).toBeLessThan(60);

    const store = new SqliteTrajectoryStore({ path: join(directory, '.worldloop/worldloop.db') });
    const episodes = await store.listEpisodes({ runId: 1, limit: 1000 });
    expect(episodes).toHaveLength(60);
    expect(episodes.every((episode) => episode.status === 'finished' && episode.success === true)).toBe(true);
    await store.close();
  });

  it('lists episodes and shows one step by step with its map', async () => {
    const db = join(directory, 'runs.db');
    expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--episodes', '3', '--db', db], captureIo(directory))).toBe(0);
    const listing = captureIo(directory);
    expect(await main(['episodes', '--db', db], listing)).toBe(0);
    expect(listing.output()).toMatch(/episode\s+run\s+index/);
    expect(listing.output().trim().split('\n')).toHaveLength(2 + 3);
    const shown = captureIo(directory);
    expect(await main(['show', '1', '--db', db], shown)).toBe(0);
    expect(shown.output()).toMatch(/Episode 1 \(run 1, index 0\) of gridworld\/GoToLocal-v0/);
    expect(shown.output()).toMatch(/Mission: go to the/);
    expect(shown.output()).toMatch(/── step 0 ──/);
    expect(shown.output()).toMatch(/[><^v]/);
    expect(shown.output()).toMatch(/── final ──/);
  });

  it('lists the newest episodes, oldest of them first, when there are more than --limit', async () => {
    const db = join(directory, 'runs.db');
    expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'random', '--episodes', '3', '--max-steps', '2', '--db', db], captureIo(directory))).toBe(0);
    expect(await main(['run', '--env', 'gridworld/OpenDoor-v0', '--policy', 'random', '--episodes', '4', '--max-steps', '2', '--db', db], captureIo(directory))).toBe(0);
    const listed = async (...flags: string[]): Promise<number[]> => {
      const io = captureIo(directory);
      expect(await main(['episodes', '--db', db, ...flags], io)).toBe(0);
      return io.output().trim().split('\n').slice(2).map((line) => Number(line.trim().split(/\s+/)[0]));
    };
    expect(await listed('--limit', '5')).toEqual([3, 4, 5, 6, 7]);
    expect(await listed('--limit', '1')).toEqual([7]);
    expect(await listed('--limit', '50')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await listed('--limit', '2', '--run', '1')).toEqual([2, 3]);
    expect(await listed('--limit', '2', '--env', 'gridworld/GoToLocal-v0')).toEqual([2, 3]);
  });

  it('honours --max-steps: episodes stop there, truncated', async () => {
    const db = join(directory, 'short.db');
    expect(await main(['run', '--env', 'gridworld/GoToObjMaze-v0', '--policy', 'random', '--episodes', '5', '--max-steps', '7', '--db', db], captureIo(directory))).toBe(0);
    const store = new SqliteTrajectoryStore({ path: db });
    const episodes = await store.listEpisodes();
    expect(episodes.map((episode) => episode.stepCount)).toEqual([7, 7, 7, 7, 7]);
    expect(episodes.every((episode) => episode.truncated === true && episode.success === false)).toBe(true);
    expect((await store.getRun(1))!.config).toMatchObject({ maxSteps: 7, policy: 'random', episodes: 5 });
    await store.close();
  });

  describe('bad input gets a clear message, exit code 2, and loses nothing', () => {
    async function recordOne(db: string): Promise<void> {
      expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--episodes', '2', '--db', db], captureIo(directory))).toBe(0);
    }
    async function countEpisodes(db: string): Promise<number> {
      const store = new SqliteTrajectoryStore({ path: db });
      const count = (await store.listEpisodes({ limit: 10_000 })).length;
      await store.close();
      return count;
    }

    it.each([
      [['run', '--env', 'gridworld/NoSuchTask-v0'], /Unknown environment "gridworld\/NoSuchTask-v0"/],
      [['run', '--env', 'GoToLocal'], /Did you mean gridworld\/GoToLocal-v0/],
      [['run', '--env', 'gridworld/GoToLocal-v0', '--episodes', 'many'], /--episodes must be an integer between 1 and 1000000, got "many"/],
      [['run', '--env', 'gridworld/GoToLocal-v0', '--episodes', '5000000000'], /--episodes must be an integer between 1 and 1000000, got "5000000000"/],
      [['run', '--env', 'gridworld/GoToLocal-v0', '--concurrency', '0'], /--concurrency must be an integer between 1 and 1024, got "0"/],
      [['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'genius'], /--policy must be one of expert, random, random-valid, llm, planner, got "genius"/],
      [['run', '--env', 'gridworld/GoToLocal-v0', '--speed', '3'], /Unknown option '--speed'/],
      [['run'], /--env is required/],
      [['teleport'], /Unknown command "teleport"/],
      [['show', 'abc'], /--episode must be an integer/],
      [['show', '999'], /No episode 999/],
    ])('%j', async (argv, message) => {
      const db = join(directory, 'kept.db');
      await recordOne(db);
      const io = captureIo(directory);
      const args = argv.includes('--db') || argv[0] === 'teleport' ? argv : [...argv, '--db', db];
      expect(await main(args, io)).toBe(2);
      expect(io.errors()).toMatch(message);
      expect(io.errors()).toMatch(/^worldloop: /);
      expect(await countEpisodes(db)).toBe(2);
    });

    it('an unwritable --db path', async () => {
      const blocker = join(directory, 'a-file');
      writeFileSync(blocker, 'not a directory');
      const io = captureIo(directory);
      expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--db', join(blocker, 'runs.db')], io)).toBe(2);
      expect(io.errors()).toMatch(/Cannot open the database --db .*a-file\/runs\.db/);
    });
  });

  describe('flags are used or refused, never silently ignored', () => {
    it.each([
      [['--temperature', '0.5'], /--temperature, --max-tokens and --action-mode apply to --policy llm \(with --model\) only/],
      [['--max-tokens', '64'], /--temperature, --max-tokens and --action-mode apply to --policy llm/],
      [['--action-mode', 'text'], /--temperature, --max-tokens and --action-mode apply to --policy llm/],
    ])('run refuses the sampling flag %j without a model, with exit code 2', async (flags, message) => {
      const io = captureIo(directory);
      expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'random', '--episodes', '1', ...flags, '--db', join(directory, 'runs.db')], io)).toBe(2);
      expect(io.errors()).toMatch(message);
    });

    it.each([
      [['--probe', 'openai-compatible:http://127.0.0.1:9/v1', '--threads', '4'], /--threads applies to in-process models \(--probe llama-cpp:<file.gguf>\) only/],
      [['--probe', 'llama-cpp:model.gguf', '--threads', 'abc'], /--threads must be an integer between 1 and 512, got "abc"/],
      [['--probe', 'llama-cpp:model.gguf', '--threads', '1.5'], /--threads must be an integer between 1 and 512, got "1.5"/],
      [['--probe', 'llama-cpp:model.gguf', '--threads', '0'], /--threads must be an integer between 1 and 512, got "0"/],
    ])('models checks --threads: %j', async (flags, message) => {
      const io = captureIo(directory);
      expect(await main(['models', ...flags], io)).toBe(2);
      expect(io.errors()).toMatch(message);
    });

    it('resolves a llama-cpp: model path against the working directory, like --db and --memory', async () => {
      const elsewhere = join(directory, 'elsewhere');
      mkdirSync(elsewhere);
      writeFileSync(join(elsewhere, 'empty.gguf'), '');
      const io = captureIo(elsewhere);
      expect(await main(['models', '--probe', 'llama-cpp:empty.gguf'], io)).toBe(2);
      expect(io.errors()).toContain(`Model file ${join(elsewhere, 'empty.gguf')} is empty`);
    });
  });

  it('stops at once when the abort signal it is given has already fired: the run is recorded as aborted, exit code 130', async () => {
    const db = join(directory, 'runs.db');
    const io = captureIo(directory);
    expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'random', '--episodes', '5', '--db', db], io, AbortSignal.abort())).toBe(130);
    const store = new SqliteTrajectoryStore({ path: db });
    expect((await store.getRun(1))!.status).toBe('aborted');
    expect(await store.listEpisodes({ runId: 1, status: 'finished' })).toHaveLength(0);
    await store.close();
  });
});
