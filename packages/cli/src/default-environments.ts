// The environments the `worldloop` command knows: every registered world shipped with worldloop.
import { agentGymEnvironmentResolver } from '@worldloop/agentgym';
import { EnvironmentRegistry } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { householdEnvironments } from '@worldloop/household';
import { textcraftEnvironments } from '@worldloop/textcraft';

/** A registry holding every built-in environment, and resolving `agentgym:<url>#<name>` ids to remote ones. */
export function defaultEnvironments(): EnvironmentRegistry {
  return new EnvironmentRegistry([...gridworldEnvironments, ...textcraftEnvironments, ...householdEnvironments]).addResolver(agentGymEnvironmentResolver);
}
