// Tests of SqliteTrajectoryStore in one process: round trips, listing, files, misuse, two instances,
// group commit (batching, what commits the buffer, step order, failures of a deferred commit).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError, type Observation, type StepRecord } from '@worldloop/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { minimalStep, sampleEpisode, sampleOutcome, sampleRun, sampleStep } from './fixtures/sample-records.js';
import { SqliteTrajectoryStore } from './sqlite-trajectory-store.js';

let directory: string;
const opened: SqliteTrajectoryStore[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-trajectory-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function openStore(path = join(directory, 'trajectories.db'), now?: () => number): SqliteTrajectoryStore {
  const store = new SqliteTrajectoryStore(now === undefined ? { path } : { path, now });
  opened.push(store);
  return store;
}

async function collect(steps: AsyncIterable<StepRecord>): Promise<StepRecord[]> {
  const all: StepRecord[] = [];
  for await (const step of steps) all.push(step);
  return all;
}

/** A clock that ticks one millisecond per call from 1000. */
function tickingClock(): () => number {
  let time = 999;
  return () => (time += 1);
}

describe('SqliteTrajectoryStore round trip', () => {
  it('gives back runs, episodes and steps equal to what was recorded', async () => {
    const store = openStore(undefined, tickingClock());
    const run = await store.createRun(sampleRun());
    expect(run).toEqual({ ...sampleRun(), id: 1, status: 'running', startedAt: 1000 });
    expect(await store.getRun(run.id)).toEqual(run);

    const episode = await store.startEpisode(sampleEpisode(run.id));
    expect(episode).toEqual({ ...sampleEpisode(run.id), id: 1, attempt: 1, status: 'running', startedAt: 1001 });
    expect(Object.keys(episode)).not.toContain('success');

    const steps = [sampleStep(0), minimalStep(1), sampleStep(2, { executedAction: undefined, feedback: undefined, reasoning: undefined })];
    for (const step of steps) await store.appendStep(episode.id, step);
    const read = await collect(store.readSteps(episode.id));
    expect(read).toStrictEqual(JSON.parse(JSON.stringify(steps)));
    expect(read).toEqual(steps);
    expect(Object.keys(read[1]!)).not.toContain('executedAction');
    expect(Object.keys(read[1]!)).not.toContain('worldModel');
    expect(read[1]!.accepted).toBe(false);
    expect(read[1]!.truncated).toBe(true);

    await store.endEpisode(episode.id, sampleOutcome());
    const { status, ...outcomeFields } = sampleOutcome();
    expect(await store.getEpisode(episode.id)).toEqual({ ...episode, ...outcomeFields, status, endedAt: 1002 });

    await store.endRun(run.id, 'finished');
    expect(await store.getRun(run.id)).toEqual({ ...run, status: 'finished', endedAt: 1003 });
  });

  it('keeps absent optional fields absent, not null', async () => {
    const store = openStore();
    const { maxSteps: _maxSteps, gitCommit: _gitCommit, ...bare } = sampleRun();
    const run = await store.createRun(bare);
    expect(Object.keys(run).sort()).toEqual(
      ['baseSeed', 'concurrency', 'config', 'environmentId', 'episodesRequested', 'id', 'policy', 'startedAt', 'status', 'worldloopVersion'],
    );
    const episode = await store.startEpisode({ runId: run.id, episodeIndex: 0, seed: 5, environmentId: 'e' });
    await store.endEpisode(episode.id, { status: 'failed', success: false, totalReward: 0, stepCount: 0, invalidActionCount: 0, terminated: false, truncated: false, error: 'model backend down' });
    const ended = await store.getEpisode(episode.id);
    expect(ended).not.toHaveProperty('mission');
    expect(ended).not.toHaveProperty('finalObservation');
    expect(ended).toMatchObject({ status: 'failed', success: false, terminated: false, error: 'model backend down' });
  });

  it('stores only the observation fields of a lazy observation', async () => {
    const store = openStore();
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    const lazy = {
      get text() { return 'lazy text'; },
      get validActions() { return ['a', 'b']; },
      environment: {} as Record<string, unknown>,
    } satisfies Observation & { environment: unknown };
    lazy.environment.observation = lazy; // a cycle JSON.stringify(observation) would choke on
    await store.appendStep(episode.id, { ...minimalStep(0), observation: lazy });
    await store.endEpisode(episode.id, sampleOutcome({ finalObservation: lazy }));
    const [step] = await collect(store.readSteps(episode.id));
    expect(step!.observation).toStrictEqual({ text: 'lazy text', validActions: ['a', 'b'] });
    expect((await store.getEpisode(episode.id))!.finalObservation).toStrictEqual({ text: 'lazy text', validActions: ['a', 'b'] });
  });

  it('keeps queryable fields in real columns', async () => {
    const path = join(directory, 'columns.db');
    const store = openStore(path);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    await store.appendStep(episode.id, sampleStep(0, { reward: 1.5, accepted: false }));
    await store.flush();
    const database = new Database(path, { readonly: true });
    expect(
      database.prepare("SELECT action, reward, accepted, terminated, json_extract(observation, '$.text') AS text, json_extract(record, '$.toolCalls[0].call.name') AS tool FROM steps").get(),
    ).toEqual({ action: 'move forward', reward: 1.5, accepted: 0, terminated: 0, text: sampleStep(0).observation.text, tool: 'look' });
    database.close();
  });

  it('streams long episodes in order across pages, and lets writes go on while a reader pauses', async () => {
    const store = openStore();
    const run = await store.createRun(sampleRun());
    const long = await store.startEpisode(sampleEpisode(run.id, 0));
    const other = await store.startEpisode(sampleEpisode(run.id, 1));
    for (let stepIndex = 0; stepIndex < 600; stepIndex += 1) await store.appendStep(long.id, minimalStep(stepIndex));
    const indices: number[] = [];
    for await (const step of store.readSteps(long.id)) {
      indices.push(step.stepIndex);
      if (step.stepIndex % 100 === 0) await store.appendStep(other.id, minimalStep(step.stepIndex / 100));
    }
    expect(indices).toEqual(Array.from({ length: 600 }, (_, index) => index));
    expect((await collect(store.readSteps(other.id))).map((step) => step.stepIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await collect(store.readSteps(9999))).toEqual([]);
  });

  it('numbers repeated starts of the same episode index as attempts', async () => {
    const path = join(directory, 'attempts.db');
    const store = openStore(path);
    const run = await store.createRun(sampleRun());
    await store.startEpisode(sampleEpisode(run.id, 0));
    await store.startEpisode(sampleEpisode(run.id, 1));
    await store.startEpisode(sampleEpisode(run.id, 0));
    const database = new Database(path, { readonly: true });
    expect(database.prepare('SELECT episode_index AS episodeIndex, attempt FROM episodes ORDER BY id').all()).toEqual([
      { episodeIndex: 0, attempt: 1 },
      { episodeIndex: 1, attempt: 1 },
      { episodeIndex: 0, attempt: 2 },
    ]);
    database.close();
  });

  it('works in memory and on an injected connection, which it leaves open', async () => {
    const memory = openStore(':memory:');
    const run = await memory.createRun(sampleRun());
    expect(await memory.getRun(run.id)).toEqual(run);

    const database = new Database(join(directory, 'injected.db'));
    const store = new SqliteTrajectoryStore({ database });
    await store.createRun(sampleRun());
    await store.close();
    expect(database.open).toBe(true);
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.prepare('SELECT count(*) AS count FROM runs').get()).toEqual({ count: 1 });
    database.close();
  });

  it('sets the pragmas its durability depends on', () => {
    const store = openStore();
    const database = new Database(store.location);
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    database.close();
  });
});

describe('SqliteTrajectoryStore listing', () => {
  it('filters episodes by run, environment, success and status, with limit and offset, by id', async () => {
    const store = openStore();
    const first = await store.createRun(sampleRun());
    const second = await store.createRun(sampleRun({ environmentId: 'textcraft/Planks-v0' }));
    const a = await store.startEpisode(sampleEpisode(first.id, 0));
    const b = await store.startEpisode(sampleEpisode(first.id, 1));
    const c = await store.startEpisode(sampleEpisode(second.id, 0, { environmentId: 'textcraft/Planks-v0' }));
    const d = await store.startEpisode(sampleEpisode(first.id, 2));
    await store.endEpisode(a.id, sampleOutcome({ success: true }));
    await store.endEpisode(b.id, sampleOutcome({ success: false }));
    await store.endEpisode(c.id, sampleOutcome({ success: true, status: 'aborted' }));
    const ids = async (filter?: Parameters<SqliteTrajectoryStore['listEpisodes']>[0]) =>
      (await store.listEpisodes(filter)).map((episode) => episode.id);

    expect(await ids()).toEqual([a.id, b.id, c.id, d.id]);
    expect(await ids({ runId: first.id })).toEqual([a.id, b.id, d.id]);
    expect(await ids({ environmentId: 'textcraft/Planks-v0' })).toEqual([c.id]);
    expect(await ids({ success: true })).toEqual([a.id, c.id]);
    expect(await ids({ success: false })).toEqual([b.id]); // d is running: no success yet
    expect(await ids({ status: 'running' })).toEqual([d.id]);
    expect(await ids({ status: 'aborted' })).toEqual([c.id]);
    expect(await ids({ runId: first.id, success: true })).toEqual([a.id]);
    expect(await ids({ limit: 2 })).toEqual([a.id, b.id]);
    expect(await ids({ limit: 2, offset: 2 })).toEqual([c.id, d.id]);
    expect(await ids({ offset: 3 })).toEqual([d.id]);
    expect(await ids({ runId: 12345 })).toEqual([]);
    expect((await store.listEpisodes({ runId: first.id }))[0]).toEqual(await store.getEpisode(a.id));
    await expect(store.listEpisodes({ limit: -1 })).rejects.toThrow(/limit must be a non-negative integer, got -1/);
  });

  it('lists runs newest first, with a limit', async () => {
    const store = openStore();
    const runs = [];
    for (let index = 0; index < 3; index += 1) runs.push(await store.createRun(sampleRun({ baseSeed: index })));
    expect((await store.listRuns()).map((run) => run.id)).toEqual([runs[2]!.id, runs[1]!.id, runs[0]!.id]);
    expect(await store.listRuns({ limit: 1 })).toEqual([runs[2]]);
    expect(await store.getRun(999)).toBeUndefined();
    expect(await store.getEpisode(999)).toBeUndefined();
  });
});

describe('SqliteTrajectoryStore files', () => {
  it('creates parent directories and reopens an existing file with its data', async () => {
    const path = join(directory, 'nested', 'deeper', 'trajectories.db');
    const first = openStore(path);
    const run = await first.createRun(sampleRun());
    const episode = await first.startEpisode(sampleEpisode(run.id));
    await first.appendStep(episode.id, sampleStep(0));
    await first.close();
    const second = openStore(path);
    expect(await second.getRun(run.id)).toEqual(run);
    expect(await collect(second.readSteps(episode.id))).toEqual([sampleStep(0)]);
    const next = await second.createRun(sampleRun());
    expect(next.id).toBe(run.id + 1);
  });

  it('refuses a path whose parent is a regular file, naming the path', () => {
    const blocker = join(directory, 'blocker');
    writeFileSync(blocker, 'not a directory');
    const path = join(blocker, 'trajectories.db');
    let error: unknown;
    try {
      openStore(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('store');
    expect((error as StoreError).message).toContain(path);
    expect((error as StoreError).message).toMatch(/choose another path/);
    expect((error as StoreError).cause).toBeInstanceOf(Error);
  });

  it('refuses a file that is not a database, and leaves it alone', () => {
    const path = join(directory, 'notes.txt');
    writeFileSync(path, 'x'.repeat(4096));
    expect(() => openStore(path)).toThrow(StoreError);
    expect(() => openStore(path)).toThrow(/notes\.txt: file is not a database\. The file is not an SQLite database/);
  });

  it('refuses a file migrated by a newer version', async () => {
    const path = join(directory, 'future.db');
    await openStore(path).close();
    const database = new Database(path);
    database.prepare("INSERT INTO trajectory_migrations VALUES (99, 'from-the-future', 0)").run();
    database.close();
    expect(() => openStore(path)).toThrow(/future\.db: the file has trajectory schema version 99/);
  });
});

describe('SqliteTrajectoryStore misuse', () => {
  it('throws StoreError on every method after close, and close is idempotent', async () => {
    const store = openStore();
    const run = await store.createRun(sampleRun());
    await store.close();
    await store.close();
    const closed = /Could not .*: the trajectory store .* is closed/;
    await expect(store.createRun(sampleRun())).rejects.toThrow(StoreError);
    await expect(store.getRun(run.id)).rejects.toThrow(closed);
    await expect(store.listRuns()).rejects.toThrow(closed);
    await expect(store.endRun(run.id, 'finished')).rejects.toThrow(closed);
    await expect(store.startEpisode(sampleEpisode(run.id))).rejects.toThrow(closed);
    await expect(store.appendStep(1, minimalStep(0))).rejects.toThrow(closed);
    await expect(store.endEpisode(1, sampleOutcome())).rejects.toThrow(closed);
    await expect(store.getEpisode(1)).rejects.toThrow(closed);
    await expect(store.listEpisodes()).rejects.toThrow(closed);
    await expect(collect(store.readSteps(1))).rejects.toThrow(closed);
  });

  it('explains writes to episodes and runs that do not exist or have ended', async () => {
    const store = openStore();
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    await expect(store.startEpisode(sampleEpisode(777))).rejects.toThrow(/Run 777 does not exist; create it with createRun first/);
    await expect(store.appendStep(555, minimalStep(0))).rejects.toThrow(/episode 555 does not exist/);
    await store.appendStep(episode.id, minimalStep(0));
    await expect(store.appendStep(episode.id, minimalStep(0))).rejects.toThrow(/step 0 is already recorded for episode 1; append each step index once/);
    await store.endEpisode(episode.id, sampleOutcome());
    await expect(store.appendStep(episode.id, minimalStep(1))).rejects.toThrow(/episode 1 has already ended with status "finished", so you cannot append steps/);
    await expect(store.endEpisode(episode.id, sampleOutcome())).rejects.toThrow(/already ended/);
    await expect(store.endEpisode(555, sampleOutcome())).rejects.toThrow(/episode 555 does not exist/);
    await store.endRun(run.id, 'aborted');
    await expect(store.endRun(run.id, 'finished')).rejects.toThrow(/run 1 has already ended with status "aborted"/);
    await expect(store.endRun(404, 'finished')).rejects.toThrow(/run 404 does not exist/);
  });

  it('refuses values JSON cannot carry, naming the field, and writes nothing', async () => {
    const store = openStore();
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    await expect(store.appendStep(episode.id, { ...minimalStep(0), info: { big: 10n } })).rejects.toThrow(
      /append step 0 to episode 1 .*: step\.info is not JSON-serialisable \(Do not know how to serialize a BigInt\)/,
    );
    await expect(store.appendStep(episode.id, { ...minimalStep(0), reward: Number.NaN })).rejects.toThrow(/step\.reward is NaN, not a number; SQLite stores NaN as NULL/);
    await expect(store.appendStep(episode.id, { ...minimalStep(0), stepIndex: 1.5 })).rejects.toThrow(StoreError);
    expect(await collect(store.readSteps(episode.id))).toEqual([]);
  });
});

describe('SqliteTrajectoryStore with two instances on one file', () => {
  it('interleaves writes from both and each sees the other', async () => {
    const path = join(directory, 'shared.db');
    const left = openStore(path);
    const right = openStore(path);
    const run = await left.createRun(sampleRun());
    expect(await right.getRun(run.id)).toEqual(run);
    const leftEpisode = await left.startEpisode(sampleEpisode(run.id, 0));
    const rightEpisode = await right.startEpisode(sampleEpisode(run.id, 1));
    await Promise.all(
      Array.from({ length: 200 }, async (_, stepIndex) => {
        await left.appendStep(leftEpisode.id, sampleStep(stepIndex));
        await right.appendStep(rightEpisode.id, sampleStep(stepIndex, { action: 'turn left' }));
      }),
    );
    // A store's reads commit its own buffer only: each commits its steps for the other to see them.
    await Promise.all([left.flush(), right.flush()]);
    const fromLeft = await collect(left.readSteps(rightEpisode.id));
    const fromRight = await collect(right.readSteps(leftEpisode.id));
    expect(fromLeft).toHaveLength(200);
    expect(fromRight).toHaveLength(200);
    expect(fromLeft.every((step, index) => step.stepIndex === index && step.action === 'turn left')).toBe(true);
    expect(fromRight[199]).toEqual(sampleStep(199));
    expect((await left.listEpisodes({ runId: run.id })).map((episode) => episode.id)).toEqual([leftEpisode.id, rightEpisode.id]);
  });
});

/** Resolves on the next turn of the event loop, after the store's next-turn commit. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Steps of `episodeId` committed to the file, as a second connection sees them. */
function committedSteps(path: string, episodeId: number): number {
  const database = new Database(path, { readonly: true });
  const { count } = database.prepare('SELECT count(*) AS count FROM steps WHERE episode_id = ?').get(episodeId) as { count: number };
  database.close();
  return count;
}

/** A store on a connection the test opened (and closes), so it can break it behind the store's back. */
function openInjected(path: string, groupCommitSteps?: number): { store: SqliteTrajectoryStore; database: Database.Database } {
  const database = new Database(path);
  const store = new SqliteTrajectoryStore(groupCommitSteps === undefined ? { database } : { database, groupCommitSteps });
  return { store, database };
}

describe('SqliteTrajectoryStore group commit', () => {
  it('buffers the steps appended in one turn of the event loop and commits them on the next', async () => {
    const path = join(directory, 'batched.db');
    const store = openStore(path);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    for (let stepIndex = 0; stepIndex < 10; stepIndex += 1) await store.appendStep(episode.id, sampleStep(stepIndex));
    expect(committedSteps(path, episode.id)).toBe(0);
    await nextTurn();
    expect(committedSteps(path, episode.id)).toBe(10);
  });

  it('commits as soon as groupCommitSteps steps are buffered', async () => {
    const path = join(directory, 'full.db');
    const store = new SqliteTrajectoryStore({ path, groupCommitSteps: 4 });
    opened.push(store);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    const seen: number[] = [];
    for (let stepIndex = 0; stepIndex < 10; stepIndex += 1) {
      await store.appendStep(episode.id, minimalStep(stepIndex));
      seen.push(committedSteps(path, episode.id));
    }
    expect(seen).toEqual([0, 0, 0, 4, 4, 4, 4, 8, 8, 8]);
    await nextTurn();
    expect(committedSteps(path, episode.id)).toBe(10);
  });

  it('commits every step before appendStep resolves with groupCommitSteps 1', async () => {
    const path = join(directory, 'each.db');
    const store = new SqliteTrajectoryStore({ path, groupCommitSteps: 1 });
    opened.push(store);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    const seen: number[] = [];
    for (let stepIndex = 0; stepIndex < 5; stepIndex += 1) {
      await store.appendStep(episode.id, minimalStep(stepIndex));
      seen.push(committedSteps(path, episode.id));
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses a groupCommitSteps that is not a positive integer', () => {
    for (const groupCommitSteps of [0, -1, 2.5, Number.NaN]) {
      expect(() => new SqliteTrajectoryStore({ path: ':memory:', groupCommitSteps })).toThrow(/groupCommitSteps is .*, not a positive integer; use 1 to commit every step on its own/);
    }
  });

  it('lets reads on the same store see buffered steps at once, committing them', async () => {
    const path = join(directory, 'reads.db');
    const store = openStore(path);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    for (let stepIndex = 0; stepIndex < 3; stepIndex += 1) await store.appendStep(episode.id, minimalStep(stepIndex));
    expect((await collect(store.readSteps(episode.id))).map((step) => step.stepIndex)).toEqual([0, 1, 2]);
    expect(committedSteps(path, episode.id)).toBe(3);
    const reads: (() => Promise<unknown>)[] = [
      () => store.getRun(run.id),
      () => store.listRuns(),
      () => store.getEpisode(episode.id),
      () => store.listEpisodes(),
    ];
    for (const [position, read] of reads.entries()) {
      await store.appendStep(episode.id, minimalStep(3 + position));
      expect(committedSteps(path, episode.id)).toBe(3 + position);
      await read();
      expect(committedSteps(path, episode.id)).toBe(4 + position);
    }
  });

  it('commits the buffer before every other write, and with the end of the episode in endEpisode', async () => {
    const path = join(directory, 'writes.db');
    const store = openStore(path);
    const run = await store.createRun(sampleRun());
    const first = await store.startEpisode(sampleEpisode(run.id, 0));
    await store.appendStep(first.id, minimalStep(0));
    const second = await store.startEpisode(sampleEpisode(run.id, 1));
    expect(committedSteps(path, first.id)).toBe(1);
    await store.appendStep(first.id, minimalStep(1));
    await store.appendStep(second.id, minimalStep(0));
    await store.createRun(sampleRun());
    expect(committedSteps(path, first.id) + committedSteps(path, second.id)).toBe(3);
    for (let stepIndex = 2; stepIndex < 7; stepIndex += 1) await store.appendStep(first.id, minimalStep(stepIndex));
    await store.endEpisode(first.id, sampleOutcome());
    const database = new Database(path, { readonly: true });
    expect(database.prepare('SELECT status FROM episodes WHERE id = ?').get(first.id)).toEqual({ status: 'finished' });
    database.close();
    expect(committedSteps(path, first.id)).toBe(7);
    await store.appendStep(second.id, minimalStep(1));
    await store.endRun(run.id, 'finished');
    expect(committedSteps(path, second.id)).toBe(2);
    await store.appendStep(second.id, minimalStep(2));
    await store.flush();
    expect(committedSteps(path, second.id)).toBe(3);
  });

  it('commits buffered steps on close', async () => {
    const path = join(directory, 'closed.db');
    const store = openStore(path);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    for (let stepIndex = 0; stepIndex < 3; stepIndex += 1) await store.appendStep(episode.id, minimalStep(stepIndex));
    await store.close();
    expect(committedSteps(path, episode.id)).toBe(3);
  });

  it('keeps the buffered steps when the write committed with them fails', async () => {
    const path = join(directory, 'kept.db');
    const store = openStore(path);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    await store.appendStep(episode.id, minimalStep(0));
    await expect(store.endEpisode(555, sampleOutcome())).rejects.toThrow(/episode 555 does not exist/);
    expect(committedSteps(path, episode.id)).toBe(1);
    await store.appendStep(episode.id, minimalStep(1));
    await expect(store.startEpisode(sampleEpisode(777))).rejects.toThrow(/Run 777 does not exist/);
    expect(committedSteps(path, episode.id)).toBe(2);
    await store.appendStep(episode.id, minimalStep(2));
    await expect(store.endEpisode(episode.id, sampleOutcome({ finalObservation: { text: 'x', features: { big: 1n as unknown as number } } }))).rejects.toThrow(/outcome\.finalObservation is not JSON-serialisable/);
    expect(committedSteps(path, episode.id)).toBe(3);
    await store.endEpisode(episode.id, sampleOutcome());
  });

  it('refuses steps out of order, checking an episode it did not start against the file once', async () => {
    const path = join(directory, 'order.db');
    const writer = openStore(path);
    const run = await writer.createRun(sampleRun());
    const episode = await writer.startEpisode(sampleEpisode(run.id));
    await writer.appendStep(episode.id, minimalStep(0));
    await writer.appendStep(episode.id, minimalStep(1));
    await expect(writer.appendStep(episode.id, minimalStep(3))).rejects.toThrow(/step 3 of episode 1 is out of order: the next step index is 2; append the steps of an episode in order, from 0/);
    await expect(writer.appendStep(episode.id, minimalStep(1))).rejects.toThrow(/step 1 is already recorded for episode 1/);
    await writer.flush();

    const other = openStore(path);
    await expect(other.appendStep(episode.id, minimalStep(0))).rejects.toThrow(/step 0 is already recorded/);
    await expect(other.appendStep(episode.id, minimalStep(5))).rejects.toThrow(/the next step index is 2/);
    await other.appendStep(episode.id, minimalStep(2));
    await other.endEpisode(episode.id, sampleOutcome());
    expect((await collect(writer.readSteps(episode.id))).map((step) => step.stepIndex)).toEqual([0, 1, 2]);
  });

  it('keeps the failure of a next-turn commit for the next call, which says how many steps were lost', async () => {
    const path = join(directory, 'busy.db');
    const { store, database } = openInjected(path);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    database.pragma('busy_timeout = 20');
    const holder = new Database(path);
    holder.prepare('BEGIN IMMEDIATE').run();
    await store.appendStep(episode.id, minimalStep(0));
    await store.appendStep(episode.id, minimalStep(1));
    await nextTurn(); // the commit waits 20 ms for the lock, then fails: kept, not thrown
    holder.prepare('ROLLBACK').run();
    holder.close();

    const failure = await store.appendStep(episode.id, minimalStep(2)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(
      /^The group commit of buffered steps to trajectory store .*busy\.db failed; 2 steps were lost \(episode 1: steps 0 to 1\): database is locked\. Another connection held the write lock/,
    );
    expect((failure as StoreError).details).toMatchObject({ errorCode: 'SQLITE_BUSY', lostSteps: 2, lostEpisodeIds: [episode.id] });
    // Reported once; the store goes on, and knows the episode now lacks steps 0 and 1.
    expect(await store.getRun(run.id)).toEqual(run);
    await expect(store.appendStep(episode.id, minimalStep(2))).rejects.toThrow(/the next step index is 0/);
    await store.appendStep(episode.id, minimalStep(0));
    await store.close();
    expect(committedSteps(path, episode.id)).toBe(1);
    database.close();
  });

  it('reports a next-turn commit on a connection closed behind its back, without an unhandled error', async () => {
    const path = join(directory, 'yanked.db');
    const { store, database } = openInjected(path);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    for (let stepIndex = 0; stepIndex < 3; stepIndex += 1) await store.appendStep(episode.id, minimalStep(stepIndex));
    database.close();
    await nextTurn();
    await expect(store.flush()).rejects.toThrow(/group commit .* failed; 3 steps were lost \(episode 1: steps 0 to 2\): The database connection is not open/);
    await store.close();
  });

  it('fails the appendStep that fills the buffer when its commit fails', async () => {
    const path = join(directory, 'dropped.db');
    const { store, database } = openInjected(path, 2);
    const run = await store.createRun(sampleRun());
    const episode = await store.startEpisode(sampleEpisode(run.id));
    await store.appendStep(episode.id, minimalStep(0));
    database.exec('DROP TABLE steps');
    await expect(store.appendStep(episode.id, minimalStep(1))).rejects.toThrow(/group commit .* failed; 2 steps were lost \(episode 1: steps 0 to 1\): no such table: steps/);
    await store.close();
    database.close();
  });

  it('loses only the steps SQLite refuses when another connection ended their episode', async () => {
    const path = join(directory, 'refused.db');
    const store = openStore(path);
    const other = openStore(path);
    const run = await store.createRun(sampleRun());
    const ended = await store.startEpisode(sampleEpisode(run.id, 0));
    const running = await store.startEpisode(sampleEpisode(run.id, 1));
    await other.endEpisode(ended.id, sampleOutcome({ status: 'aborted' }));
    await store.appendStep(ended.id, minimalStep(0)); // this store still believes it is running
    await store.appendStep(running.id, minimalStep(0));
    await store.appendStep(ended.id, minimalStep(1));
    await nextTurn();
    await expect(store.getEpisode(running.id)).rejects.toThrow(
      /failed; 2 steps were lost \(episode 1: steps 0 to 1\): episode 1 has already ended with status "aborted", so you cannot append steps to it/,
    );
    expect(committedSteps(path, running.id)).toBe(1);
    expect(committedSteps(path, ended.id)).toBe(0);
  });
});
