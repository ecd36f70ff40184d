// The `planner` policy of `worldloop run`: the offline default agent of @worldloop/world-model (a
// lookahead planner over a tabular world model that learns as it goes), keyed for the environment.
import type { Observation, Policy } from '@worldloop/spec';
import { featureStateKey, gridworldTargetKey, offlineAgent } from '@worldloop/world-model';

/**
 * A fresh learning planner for one run: one policy object, so every episode of the run learns from
 * the ones before. Gridworld tasks get the target-relative state key (what is learnt in one level
 * carries to the next); other environments the observation's own features.
 */
export function offlinePlannerPolicy(environmentId: string): Policy<Observation, string> {
  return offlineAgent({ stateKey: environmentId.startsWith('gridworld/') ? gridworldTargetKey : featureStateKey }).policy;
}
