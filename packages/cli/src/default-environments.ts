// The environments the `worldloop` command knows: every registered world shipped with worldloop.
import { EnvironmentRegistry } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';

/** A registry holding every built-in environment. */
export function defaultEnvironments(): EnvironmentRegistry {
  return new EnvironmentRegistry(gridworldEnvironments);
}
