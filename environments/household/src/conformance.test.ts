// Every registered household environment runs the shared environment conformance suite.
import { describeEnvironmentConformance } from '@worldloop/testkit';
import { householdEnvironments } from './household-environments.js';

for (const spec of householdEnvironments) {
  describeEnvironmentConformance(spec, { invalidActions: ['__not_an_action__', 'fly to the moon', 'go to fridge', 'take mug from', 42], resetMaxSteps: 'honoured' });
}
