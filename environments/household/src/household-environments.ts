// The registered household environments: one EnvironmentSpec per ALFWorld task family, ids
// `household/<Family>-v0`.
import type { EnvironmentSpec } from '@worldloop/spec';
import { HouseholdEnvironment, type HouseholdEnvironmentOptions } from './household-environment.js';
import type { HouseholdObservation } from './household-observation.js';
import { householdTaskFamilies, type HouseholdTaskName } from './household-task-families.js';

function specFor(name: HouseholdTaskName): EnvironmentSpec<HouseholdObservation, string> {
  return {
    id: `household/${name}-v0`,
    description: householdTaskFamilies[name].description,
    hasExpert: true,
    create: (options?: HouseholdEnvironmentOptions) => new HouseholdEnvironment(name, options),
  };
}

/**
 * Every household task family as an `EnvironmentSpec`: PickAndPlace, PickCleanThenPlace,
 * PickHeatThenPlace, PickCoolThenPlace, LookAtInLight, PickTwo (all `-v0`, all with an expert).
 * `create` accepts `HouseholdEnvironmentOptions`.
 */
export const householdEnvironments: readonly EnvironmentSpec<HouseholdObservation, string>[] = (
  Object.keys(householdTaskFamilies) as HouseholdTaskName[]
).map(specFor);
