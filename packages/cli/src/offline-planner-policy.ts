// The `planner` policy of `worldloop run`: the offline default agent of @worldloop/world-model (a
// lookahead planner over a tabular world model that learns as it goes), keyed for the environment.
import { targetFeatureNames } from '@worldloop/gridworld';
import type { EnvironmentOptions, Observation, Policy } from '@worldloop/spec';
import { featureStateKey, featureSubsetStateKey, offlineAgent } from '@worldloop/world-model';

/**
 * A fresh learning planner for one run: one policy object, so every episode of the run learns from
 * the ones before. Gridworld tasks are keyed on the gridworld's target features alone (where the
 * mission's target is from the agent, what is in front, what is carried: what is learnt in one
 * level carries to the next); other environments on all the observation's features.
 */
export function offlinePlannerPolicy(environmentId: string): Policy<Observation, string> {
  return offlineAgent({ stateKey: environmentId.startsWith('gridworld/') ? featureSubsetStateKey(targetFeatureNames) : featureStateKey }).policy;
}

/** What the planner needs of the environment: the gridworld's target features, which its key reads. */
export function plannerEnvironmentOptions(environmentId: string): EnvironmentOptions {
  return environmentId.startsWith('gridworld/') ? { targetFeatures: true } : {};
}
