// Every registered gridworld environment runs the shared environment conformance suite.
import { describeEnvironmentConformance } from '@worldloop/testkit';
import { gridworldEnvironments } from './gridworld-environments.js';

for (const spec of gridworldEnvironments) {
  describeEnvironmentConformance(spec, { invalidActions: ['__not_an_action__', 'fly to the moon', 'go to the purple unicorn', 42], resetMaxSteps: 'honoured' });
}
