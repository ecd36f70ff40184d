// The runner: concurrency limit, deterministic seeds, progress events, summaries.
import { describe, expect, it } from 'vitest';
import { ConfigError, StoreError, type DecisionInput, type EpisodeRecord } from '@worldloop/spec';
import { LineWorldEnvironment, ScriptedPolicy, stubTrajectoryStore } from '@worldloop/testkit';
import { Agent } from './agent.js';
import { ExpertPolicy } from './expert-policy.js';
import { RandomPolicy } from './random-policy.js';
import { Runner } from './runner.js';
import { deriveSeed } from './seeded-random.js';

describe('Runner', () => {
  it('keeps at most `concurrency` episodes in flight and runs them all', async () => {
    let inFlight = 0;
    let peak = 0;
    const policy = new ScriptedPolicy([
      async (_input: DecisionInput) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        return { action: 'right' };
      },
    ]);
    const summary = await new Runner(new Agent({ policy })).run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 12, concurrency: 3 });
    expect(peak).toBe(3);
    expect(summary.episodes).toHaveLength(12);
    expect(summary.successRate).toBe(1);
    expect(summary.episodes.map((result) => result.episodeIndex)).toEqual([...Array(12).keys()]);
  });

  it('derives episode seeds from the base seed, so runs reproduce at any concurrency', async () => {
    const run = async (concurrency: number) =>
      new Runner(new Agent({ policy: new RandomPolicy(), maxSteps: 30 })).run({
        createEnvironment: () => new LineWorldEnvironment({ length: 8, maxSteps: 30 }),
        episodes: 10,
        concurrency,
        baseSeed: 5,
      });
    const sequential = await run(1);
    const concurrent = await run(4);
    expect(sequential.episodes.map((result) => result.seed)).toEqual([...Array(10).keys()].map((index) => deriveSeed(5, index)));
    expect(concurrent.episodes.map((result) => result.outcome)).toEqual(sequential.episodes.map((result) => result.outcome));
  });

  it('reports progress and summarises success, reward and steps', async () => {
    const agent = new Agent({ policy: new ExpertPolicy() });
    const progress: number[] = [];
    agent.events.on('run-progress', (event) => progress.push(event.episodesFinished));
    const summary = await new Runner(agent).run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 5, progressIntervalMs: 0 });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(summary).toMatchObject({ status: 'finished', successRate: 1, meanReward: 1, invalidActions: 0, failedEpisodes: 0 });
    expect(summary.totalSteps).toBe(summary.episodes.reduce((sum, result) => sum + result.outcome.stepCount, 0));
  });

  it('counts failed episodes and goes on', async () => {
    let calls = 0;
    const policy = new ScriptedPolicy([() => { if (calls++ % 2 === 0) throw new Error('flaky'); return { action: 'right' }; }, 'right']);
    const summary = await new Runner(new Agent({ policy })).run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 4 });
    expect(summary.failedEpisodes).toBeGreaterThan(0);
    expect(summary.episodes).toHaveLength(4);
  });

  it('stops after maxConsecutiveFailures failed episodes in a row (a server gone), leaving the rest unrun, and goes on while failures are broken by a success', async () => {
    let serverUp = true;
    const createEnvironment = () => {
      const environment = new LineWorldEnvironment();
      const reset = environment.reset.bind(environment);
      environment.reset = async (options) => {
        if (!serverUp) throw new Error('connect ECONNREFUSED 127.0.0.1:36001');
        return reset(options);
      };
      return environment;
    };
    const agent = new Agent({ policy: new ExpertPolicy() });
    agent.events.on('episode-end', ({ episode }) => {
      if (episode.episodeIndex === 4) serverUp = false;
    });
    const run = new Runner(agent).run({ createEnvironment, episodes: 100, concurrency: 2, maxConsecutiveFailures: 5 });
    await expect(run).rejects.toThrow(/5 episodes in a row failed \(the last: reset failed: connect ECONNREFUSED 127\.0\.0\.1:36001\); the run stops here/);
    const ended: string[] = [];
    const again = new Agent({ policy: new ExpertPolicy() });
    again.events.on('episode-end', ({ outcome }) => ended.push(outcome.status));
    serverUp = true;
    // Failures broken by successes never stop a run.
    let calls = 0;
    const flaky = () => {
      const environment = new LineWorldEnvironment();
      const reset = environment.reset.bind(environment);
      environment.reset = async (options) => {
        if (calls++ % 2 === 0) throw new Error('flaky');
        return reset(options);
      };
      return environment;
    };
    const summary = await new Runner(again).run({ createEnvironment: flaky, episodes: 20, maxConsecutiveFailures: 2 });
    expect(summary.episodes).toHaveLength(20);
    expect(ended.filter((status) => status === 'failed')).toHaveLength(10);
    await expect(new Runner(again).run({ createEnvironment, episodes: 1, maxConsecutiveFailures: 0 })).rejects.toThrow(/maxConsecutiveFailures must be a positive integer or Infinity, got 0/);
  });

  it('ends and announces the run when an environment fails to close, reporting the failure as an error event', async () => {
    const agent = new Agent({ policy: new ExpertPolicy() });
    const errors: string[] = [];
    const ends: string[] = [];
    agent.events.on('error', ({ error }) => errors.push(error.message));
    agent.events.on('run-end', ({ status }) => ends.push(status));
    const createEnvironment = () => {
      const environment = new LineWorldEnvironment();
      environment.close = async () => {
        throw new Error('the socket was already gone');
      };
      return environment;
    };
    const summary = await new Runner(agent).run({ createEnvironment, episodes: 3, concurrency: 2 });
    expect(summary.status).toBe('finished');
    expect(summary.episodes).toHaveLength(3);
    expect(ends).toEqual(['finished']);
    expect(errors).toEqual(['an environment failed to close: the socket was already gone', 'an environment failed to close: the socket was already gone']);
  });

  it('stops every episode and fails the run when the store cannot write, closing environments once', async () => {
    const calls: string[] = [];
    let appended = 0;
    let episodes = 0;
    const store = stubTrajectoryStore({
      endRun: async (_id, status) => void calls.push(`endRun:${status}`),
      startEpisode: async (episode) => ({ ...episode, id: ++episodes, status: 'running', startedAt: 0 }) as EpisodeRecord,
      appendStep: async () => {
        if (++appended > 5) throw new StoreError('disk full');
      },
      endEpisode: async () => void calls.push('endEpisode'),
    });
    let closed = 0;
    const agent = new Agent({ policy: new RandomPolicy(), store, maxSteps: 50 });
    const run = new Runner(agent).run({
      createEnvironment: () => {
        const environment = new LineWorldEnvironment({ length: 40, maxSteps: 50 });
        environment.close = async () => void closed++;
        return environment;
      },
      episodes: 20,
      concurrency: 4,
    });
    await expect(run).rejects.toThrow('disk full');
    const appendedAtFailure = appended;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(appended).toBe(appendedAtFailure);
    expect(episodes).toBeLessThanOrEqual(4);
    expect(closed).toBe(4);
    expect(calls.at(-1)).toBe('endRun:failed');
  });

  it('closes the environments it made when the store cannot create the run, or a later one cannot be made', async () => {
    const store = stubTrajectoryStore({
      createRun: async () => {
        throw new StoreError('database is locked');
      },
    });
    let made = 0;
    let closed = 0;
    const createEnvironment = (): LineWorldEnvironment => {
      if (++made === 3) throw new Error('no more ports');
      const environment = new LineWorldEnvironment();
      environment.close = async () => void closed++;
      return environment;
    };
    await expect(new Runner(new Agent({ policy: new ExpertPolicy(), store })).run({ createEnvironment, episodes: 4, concurrency: 2 })).rejects.toThrow('database is locked');
    expect(closed).toBe(2);
    made = 0;
    closed = 0;
    await expect(new Runner(new Agent({ policy: new ExpertPolicy() })).run({ createEnvironment, episodes: 4, concurrency: 4 })).rejects.toThrow('no more ports');
    expect(closed).toBe(2);
  });

  it('lets every episode in flight listen on the shared abort signal without a leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      // Like a model backend that passes the signal to fetch: one listener per call in flight.
      const policy = new ScriptedPolicy([
        async ({ signal }: DecisionInput) => {
          const listener = (): void => undefined;
          signal.addEventListener('abort', listener);
          await new Promise((resolve) => setTimeout(resolve, 5));
          signal.removeEventListener('abort', listener);
          return { action: 'right' };
        },
      ]);
      await new Runner(new Agent({ policy })).run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 24, concurrency: 24 });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('refuses bad options with ConfigError', async () => {
    const runner = new Runner(new Agent({ policy: new ExpertPolicy() }));
    await expect(runner.run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(runner.run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 2, concurrency: 1.5 })).rejects.toThrow(/concurrency/);
    for (const [episodeIndices, message] of [[[], /empty/], [[0, 3], /outside 0 to 2/], [[1, 1], /1 twice/]] as const) {
      await expect(runner.run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 3, episodeIndices })).rejects.toThrow(message);
    }
    await expect(runner.run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 3, runId: 1 })).rejects.toThrow(/no trajectory store/);
    for (const maxSteps of [0, -1, 2.5, Number.NaN]) {
      await expect(runner.run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 1, maxSteps })).rejects.toThrow(/maxSteps must be a positive integer/);
    }
  });

  it('runs only the given episode indices, each with its own seed, into an existing run when given one (a resume)', async () => {
    const started: { runId: number; episodeIndex: number; seed: number }[] = [];
    const calls: string[] = [];
    const store = stubTrajectoryStore({
      createRun: async () => {
        throw new Error('a resume must not create a run');
      },
      endRun: async (runId, status) => void calls.push(`endRun:${runId}:${status}`),
      startEpisode: async (episode) => {
        started.push({ runId: episode.runId, episodeIndex: episode.episodeIndex, seed: episode.seed });
        return { ...episode, id: started.length, status: 'running', startedAt: 0 } as EpisodeRecord;
      },
    });
    const summary = await new Runner(new Agent({ policy: new ExpertPolicy(), store })).run({
      createEnvironment: () => new LineWorldEnvironment(),
      episodes: 10,
      episodeIndices: [7, 2, 9],
      runId: 4,
      concurrency: 2,
      baseSeed: 11,
    });
    expect(started.map(({ episodeIndex }) => episodeIndex).sort()).toEqual([2, 7, 9]);
    for (const episode of started) expect(episode).toEqual({ runId: 4, episodeIndex: episode.episodeIndex, seed: deriveSeed(11, episode.episodeIndex) });
    expect(summary).toMatchObject({ runId: 4, status: 'finished' });
    expect(summary.episodes.map((result) => result.episodeIndex)).toEqual([2, 7, 9]);
    expect(calls).toEqual(['endRun:4:finished']);
  });
});
