// How often a policy succeeds in the real environment, over fixed seeds: the last column of a
// world-model evaluation ("world model to real" transfer) and its random-policy baseline.
import { Agent } from '@worldloop/core';
import type { Environment, Observation, Policy } from '@worldloop/spec';

/** A policy's results over some episodes. */
export interface PolicySuccess {
  readonly policy: string;
  readonly episodes: number;
  /** Share of episodes whose environment reported success. */
  readonly successRate: number;
  readonly meanReward: number;
  readonly meanSteps: number;
}

/** Options of {@link measurePolicySuccess}. */
export interface PolicySuccessOptions {
  /** Step limit per episode (default: the environment's). */
  readonly maxSteps?: number;
  readonly signal?: AbortSignal;
}

/** Runs one episode per seed, one after the other, and reports the success rate. */
export async function measurePolicySuccess(
  policy: Policy<Observation, string>,
  environment: Environment<Observation, string>,
  seeds: readonly number[],
  options: PolicySuccessOptions = {},
): Promise<PolicySuccess> {
  const agent = new Agent({ policy, ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}) });
  let successes = 0;
  let reward = 0;
  let steps = 0;
  for (let index = 0; index < seeds.length; index++) {
    const { outcome } = await agent.runEpisode(environment, { seed: seeds[index]!, episodeIndex: index, ...(options.signal ? { signal: options.signal } : {}) });
    if (outcome.status === 'failed') throw new Error(`Episode ${index} (seed ${seeds[index]}) of ${policy.name} failed: ${outcome.error}`);
    if (outcome.success) successes++;
    reward += outcome.totalReward;
    steps += outcome.stepCount;
  }
  const count = Math.max(1, seeds.length);
  return { policy: policy.name, episodes: seeds.length, successRate: successes / count, meanReward: reward / count, meanSteps: steps / count };
}
