// Statistics over recorded episodes: only ended episodes count, per environment id; tokens come from
// the steps' model calls, score from the last step's info.score where the environment reports one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { minimalStep, sampleEpisode, sampleOutcome, sampleRun, sampleStep } from './fixtures/sample-records.js';
import { SqliteTrajectoryStore } from './sqlite-trajectory-store.js';

let store: SqliteTrajectoryStore;
beforeEach(() => {
  store = SqliteTrajectoryStore.open(':memory:');
});
afterEach(async () => {
  await store.close();
});

describe('SqliteTrajectoryStore.statistics', () => {
  it('sums episodes, successes, reward, steps, invalid actions, scores and tokens per environment, ended episodes only', async () => {
    const run = await store.createRun(sampleRun());
    const other = await store.createRun(sampleRun({ environmentId: 'textworld/Cook-v1' }));
    // Two model steps (212 + 9 tokens each), the last one scored 0.5.
    const scored = await store.startEpisode(sampleEpisode(run.id, 0));
    await store.appendStep(scored.id, sampleStep(0));
    await store.appendStep(scored.id, sampleStep(1, { info: { success: true, score: 0.5 } }));
    await store.endEpisode(scored.id, sampleOutcome({ stepCount: 2, totalReward: 0.8, invalidActionCount: 1 }));
    // No model calls, no score; failed.
    const failed = await store.startEpisode(sampleEpisode(run.id, 1));
    await store.appendStep(failed.id, minimalStep(0));
    await store.endEpisode(failed.id, sampleOutcome({ status: 'failed', success: false, stepCount: 1, totalReward: 0, invalidActionCount: 0, error: 'boom' }));
    // Left out: aborted and running attempts.
    const aborted = await store.startEpisode(sampleEpisode(run.id, 2));
    await store.appendStep(aborted.id, sampleStep(0));
    await store.endEpisode(aborted.id, sampleOutcome({ status: 'aborted', stepCount: 1 }));
    await store.startEpisode(sampleEpisode(run.id, 3));
    const elsewhere = await store.startEpisode(sampleEpisode(other.id, 0, { environmentId: 'textworld/Cook-v1' }));
    await store.endEpisode(elsewhere.id, sampleOutcome({ stepCount: 0, totalReward: 1, invalidActionCount: 0 }));

    expect(await store.statistics()).toEqual([
      {
        environmentId: 'gridworld/UnlockPickup-v0',
        episodes: 2,
        failedEpisodes: 1,
        successes: 1,
        totalReward: 0.8,
        steps: 3,
        invalidActions: 1,
        scoredEpisodes: 1,
        totalScore: 0.5,
        modelCalls: 2,
        modelCallsWithUsage: 2,
        promptTokens: 424,
        completionTokens: 18,
      },
      {
        environmentId: 'textworld/Cook-v1',
        episodes: 1,
        failedEpisodes: 0,
        successes: 1,
        totalReward: 1,
        steps: 0,
        invalidActions: 0,
        scoredEpisodes: 0,
        totalScore: 0,
        modelCalls: 0,
        modelCallsWithUsage: 0,
        promptTokens: 0,
        completionTokens: 0,
      },
    ]);
    expect((await store.statistics({ runId: other.id })).map((row) => row.environmentId)).toEqual(['textworld/Cook-v1']);
    expect(await store.statistics({ environmentId: 'nowhere/Nothing-v0' })).toEqual([]);
  });
});
