// The AgentGym client pointed at worldloop's own server passes the environment conformance suite
// for every gridworld, TextCraft and household task: the protocol carries the whole Environment
// contract but snapshots. Invalid-action lists mirror each package's own conformance test. A
// reset's maxSteps is honoured by the client itself (the protocol cannot carry it), except for the
// gridworld, whose text commands run several counted steps in one /step (see AgentGymEnvironment).
import { afterAll, beforeAll } from 'vitest';
import { EnvironmentServer } from '@worldloop/environment-server';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { householdEnvironments } from '@worldloop/household';
import type { EnvironmentSpec, Observation } from '@worldloop/spec';
import { describeEnvironmentConformance, type EnvironmentConformanceOptions } from '@worldloop/testkit';
import { textcraftEnvironments } from '@worldloop/textcraft';
import { AgentGymEnvironment, type AgentGymObservation } from './agentgym-environment.js';

const served: { spec: EnvironmentSpec<Observation, string>; options: EnvironmentConformanceOptions }[] = [
  // A gridworld text command runs several counted steps in one /step: the client ignores a reset's maxSteps there.
  ...gridworldEnvironments.map((spec) => ({ spec, options: { resetMaxSteps: 'ignored' as const } })),
  ...textcraftEnvironments.map((spec) => ({
    spec,
    options: {
      invalidActions: ['__not_an_action__', 'fly to the moon', 'get oak logs', 'get 0 stick', 'craft stick', 'craft 4 stick using planks', 42],
      resetMaxSteps: 'honoured' as const,
    },
  })),
  ...householdEnvironments.map((spec) => ({ spec, options: { invalidActions: ['__not_an_action__', 'fly to the moon', 'go to fridge', 'take mug from', 42], resetMaxSteps: 'honoured' as const } })),
];
const servers: EnvironmentServer[] = [];
const urls = new Map<string, string>();

beforeAll(async () => {
  for (const { spec } of served) {
    const server = new EnvironmentServer({ spec });
    servers.push(server);
    urls.set(spec.id, (await server.listen({ port: 0 })).url);
  }
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

for (const { spec, options } of served) {
  // The id is fixed before the server's port is known; `create` runs inside the tests.
  const id = `agentgym:http://127.0.0.1#${spec.id}`;
  const remote: EnvironmentSpec<AgentGymObservation, string> = {
    id,
    description: `${spec.id} over the AgentGym protocol`,
    hasExpert: false,
    // The suite also makes one instance while declaring its tests (to see if it has snapshots),
    // before any server listens: that one gets a placeholder URL it never uses.
    create: () => new AgentGymEnvironment({ url: urls.get(spec.id) ?? 'http://127.0.0.1:9', id }),
  };
  describeEnvironmentConformance(remote, options);
}
