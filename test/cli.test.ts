// End-to-end tests of the `worldloop` command: runs recorded to a real SQLite file, listings,
// `show`, clear errors with exit code 2 for usage mistakes, and nothing recorded lost on errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
      [['run', '--env', 'gridworld/GoToLocal-v0', '--episodes', 'many'], /--episodes must be an integer at least 1, got "many"/],
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
});
