// resumeRun and the store's resume methods: what is pending, interrupted episodes ended as aborted
// and re-run as a new attempt, a live writer refused, two claims racing, runs already finished.
import { spawnSync } from 'node:child_process';
import { ConfigError, StoreError } from '@worldloop/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleEpisode, sampleOutcome, sampleRun, minimalStep } from './fixtures/sample-records.js';
import { resumeRun } from './resume-run.js';
import { SqliteTrajectoryStore } from './sqlite-trajectory-store.js';
import { parseProcessStat, WriterProcess } from './writer-process.js';

let store: SqliteTrajectoryStore;
beforeEach(() => {
  store = SqliteTrajectoryStore.open(':memory:');
});
afterEach(async () => {
  await store.close();
});

/** A writer that has exited: a real pid of this host, no longer running. */
function deadWriter(): WriterProcess {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return new WriterProcess(WriterProcess.current().host, child.pid!, undefined);
}

/** A run of 5 episodes written by `writer`: 0 and 2 finished, 3 failed, 1 left running with 2 steps, 4 never started. */
async function interruptedRun(writer: WriterProcess) {
  const run = await store.createRun(sampleRun({ episodesRequested: 5, writer: writer.toString() }));
  for (const index of [0, 2, 3]) {
    const episode = await store.startEpisode(sampleEpisode(run.id, index));
    await store.endEpisode(episode.id, sampleOutcome(index === 3 ? { status: 'failed', success: false, error: 'boom' } : {}));
  }
  const running = await store.startEpisode(sampleEpisode(run.id, 1));
  await store.appendStep(running.id, minimalStep(0));
  await store.appendStep(running.id, minimalStep(1));
  return { run, running };
}

describe('resumeRun', () => {
  it('ends the interrupted episodes as aborted, lists the indices no attempt completed, and re-runs them as new attempts', async () => {
    const { run, running } = await interruptedRun(deadWriter());
    const me = WriterProcess.current();
    const resumed = await resumeRun(store, run.id, me);
    expect(resumed).toMatchObject({ pendingEpisodeIndices: [1, 4], abortedEpisodes: 1, alreadyFinished: false });
    expect(resumed.run).toMatchObject({ id: run.id, status: 'running', writer: me.toString() });
    const aborted = await store.getEpisode(running.id);
    expect(aborted).toMatchObject({ status: 'aborted', stepCount: 2, attempt: 1 });
    expect(aborted!.error).toMatch(/^interrupted: the process recording the run \(pid \d+ on .+\) died before the episode ended; re-run from its seed/);

    const again = await store.startEpisode(sampleEpisode(run.id, 1));
    expect(again.attempt).toBe(2);
    await store.endEpisode(again.id, sampleOutcome());
    expect(await store.listPendingEpisodeIndices(run.id)).toEqual([4]);
  });

  it('refuses a run whose writer is alive, and names it', async () => {
    const { run } = await interruptedRun(WriterProcess.current());
    const refused = resumeRun(store, run.id);
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(`still being recorded by a live process (pid ${process.pid} on`);
    expect((await store.getRun(run.id))!.status).toBe('running');
    expect(await store.listEpisodes({ runId: run.id, status: 'running' })).toHaveLength(1);
  });

  it('takes over a run recorded on another host (SQLite WAL cannot be shared across hosts) or by a reused pid', async () => {
    const elsewhere = new WriterProcess('another-host.invalid', process.pid, 'boot:1');
    expect(elsewhere.isAlive()).toBe(false);
    const reused = new WriterProcess(WriterProcess.current().host, process.pid, 'another-boot:42');
    expect(reused.isAlive()).toBe(process.platform !== 'linux');
    const { run } = await interruptedRun(elsewhere);
    expect((await resumeRun(store, run.id)).pendingEpisodeIndices).toEqual([1, 4]);
  });

  it('lets one of two claims of the same run win (compare-and-swap on writer and status)', async () => {
    const previous = deadWriter();
    const { run } = await interruptedRun(previous);
    const claim = (writer: string) => store.claimRun(run.id, { writer, previousWriter: previous.toString(), previousStatus: 'running' });
    await expect(claim('first')).resolves.toMatchObject({ writer: 'first' });
    await expect(claim('second')).rejects.toThrow(/changed since it was read \(writer first, status "running"\); another process claimed it first/);
    await expect(store.claimRun(999, { writer: 'x', previousStatus: 'running' })).rejects.toThrow(StoreError);
  });

  it('resumes an aborted run (Ctrl-C) and a run recorded without a writer', async () => {
    const aborted = await store.createRun(sampleRun({ episodesRequested: 2 }));
    await store.endRun(aborted.id, 'aborted');
    const resumed = await resumeRun(store, aborted.id);
    expect(resumed.pendingEpisodeIndices).toEqual([0, 1]);
    expect((await store.getRun(aborted.id))!).toMatchObject({ status: 'running' });
    expect((await store.getRun(aborted.id))!.endedAt).toBeUndefined();
  });

  it('leaves a finished run alone, ends a run with nothing left as finished, and refuses an unknown run', async () => {
    const finished = await store.createRun(sampleRun({ episodesRequested: 1 }));
    await store.endRun(finished.id, 'finished');
    expect(await resumeRun(store, finished.id)).toMatchObject({ alreadyFinished: true, pendingEpisodeIndices: [], abortedEpisodes: 0 });

    const complete = await store.createRun(sampleRun({ episodesRequested: 1, writer: deadWriter().toString() }));
    const episode = await store.startEpisode(sampleEpisode(complete.id, 0));
    await store.endEpisode(episode.id, sampleOutcome());
    expect(await resumeRun(store, complete.id)).toMatchObject({ alreadyFinished: false, pendingEpisodeIndices: [] });
    expect((await store.getRun(complete.id))!.status).toBe('finished');

    await expect(resumeRun(store, 42)).rejects.toThrow(/Run 42 does not exist; the latest run is 2/);
  });
});

describe('WriterProcess', () => {
  it('round-trips through its recorded text and judges this process alive and an exited one dead', () => {
    const me = WriterProcess.current();
    expect(WriterProcess.parse(me.toString())).toEqual(me);
    expect(me.isAlive()).toBe(true);
    expect(deadWriter().isAlive()).toBe(false);
    expect(WriterProcess.parse('not json')).toBeUndefined();
    expect(WriterProcess.parse('{"pid":"7"}')).toBeUndefined();
    // Pids 0 and -1 signal process groups: kill(-1, 0) succeeds, so such a record would block resume for good.
    expect(WriterProcess.parse(`{"host":"${me.host}","pid":0}`)).toBeUndefined();
    expect(WriterProcess.parse(`{"host":"${me.host}","pid":-1}`)).toBeUndefined();
    expect(WriterProcess.parse(undefined)).toBeUndefined();
  });

  it('reads a process’s state and start time from /proc/<pid>/stat, command names with spaces and parentheses included', () => {
    // A zombie: killed, its parent has not reaped it yet (isAlive counts it dead).
    const zombie = '4821 (node (worldloop) run) Z 1 4821 4821 0 -1 4194828 0 0 0 0 0 0 0 0 20 0 1 0 987654 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';
    expect(parseProcessStat(zombie, 'boot')).toEqual({ state: 'Z', startTime: 'boot:987654' });
    expect(parseProcessStat('1 (init) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 42 0', 'b')).toEqual({ state: 'S', startTime: 'b:42' });
    expect(parseProcessStat('garbage', 'b')).toBeUndefined();
  });
});
