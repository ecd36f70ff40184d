// Every registered TextCraft environment runs the shared environment conformance suite.
import { describeEnvironmentConformance } from '@worldloop/testkit';
import { textcraftEnvironments } from './textcraft-environments.js';

for (const spec of textcraftEnvironments) {
  describeEnvironmentConformance(spec, {
    invalidActions: ['__not_an_action__', 'fly to the moon', 'get oak logs', 'get 0 stick', 'craft stick', 'craft 4 stick using planks', 42],
    resetMaxSteps: 'honoured',
  });
}
