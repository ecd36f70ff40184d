// `worldloop run --max-steps` in process: the budget the agent is told in each observation is the
// one that ends the episode, vectorised or not, and rewards are those of a run without the flag.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-run-command-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function io(): CliIo & { errors: () => string } {
  let errors = '';
  return { stdout: { write: () => true }, stderr: { write: (text: string) => ((errors += text), true) }, isTTY: false, cwd: directory, errors: () => errors };
}

/** Runs `worldloop run` into `db` and returns what it recorded: each episode with its steps. */
async function recordedRun(db: string, ...argv: string[]) {
  const output = io();
  expect(await main(['run', '--db', db, ...argv], output), output.errors()).toBe(0);
  const store = new SqliteTrajectoryStore({ path: join(directory, db) });
  try {
    const episodes = await store.listEpisodes({ limit: 100 });
    return await Promise.all(episodes.map(async (episode) => {
      const steps = [];
      for await (const step of store.readSteps(episode.id)) steps.push(step);
      return { episode, steps };
    }));
  } finally {
    await store.close();
  }
}

/** "Step N of M" of an observation text. */
function statedStep(text: string): string | undefined {
  return /Step \d+ of \d+\./.exec(text)?.[0];
}

describe('worldloop run --max-steps', () => {
  it.each([[[]], [['--vectorize']]])('tells the agent the budget that ends the episode when it is below the level limit (%j)', async (extra) => {
    // GoToLocal's own limit is 64 steps; the run allows 5.
    const episodes = await recordedRun('short.db', '--env', 'gridworld/GoToLocal-v0', '--policy', 'random', '--episodes', '3', '--concurrency', '2', '--max-steps', '5', ...extra);
    expect(episodes).toHaveLength(3);
    for (const { episode, steps } of episodes) {
      expect(episode).toMatchObject({ stepCount: 5, truncated: true, success: false });
      // The first observation states no budget (it is the same under any); every later one states 5.
      expect(steps.map((step) => statedStep(step.observation.text))).toEqual([undefined, ...[1, 2, 3, 4].map((index) => `Step ${index} of 5.`)]);
      expect(statedStep(episode.finalObservation!.text)).toBe('Step 5 of 5.');
      // The environment itself ended the episode at the budget, reporting how it ended.
      expect(steps.at(-1)).toMatchObject({ truncated: true, info: { success: false, stepCount: 5 } });
    }
  });

  it("states the level's own limit when the run allows more", async () => {
    const episodes = await recordedRun('long.db', '--env', 'gridworld/GoToLocal-v0', '--policy', 'random', '--episodes', '2', '--max-steps', '500');
    for (const { episode, steps } of episodes) {
      expect(steps.slice(1).every((step, index) => statedStep(step.observation.text) === `Step ${index + 1} of 64.`)).toBe(true);
      expect(episode.stepCount).toBeLessThanOrEqual(64);
    }
  });

  it('records the same rewards, steps and first observations as a run without the flag when the budget is not reached', async () => {
    const flags = ['--env', 'gridworld/GoToLocal-v0', '--policy', 'expert', '--episodes', '4', '--seed', '7'];
    const free = await recordedRun('free.db', ...flags);
    const budgeted = await recordedRun('budgeted.db', ...flags, '--max-steps', '40');
    const outcome = ({ episode, steps }: (typeof free)[number]) => ({
      success: episode.success,
      totalReward: episode.totalReward,
      rewards: steps.map((step) => step.reward),
      actions: steps.map((step) => step.action),
      firstObservation: steps[0]!.observation,
    });
    expect(budgeted.map(outcome)).toEqual(free.map(outcome));
    expect(free.every(({ episode }) => episode.success === true)).toBe(true);
  });
});
