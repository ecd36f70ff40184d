// Benchmark (not a test): raw household stepping through the Environment interface, driven by the
// expert (expertAction() each step) and by uniform random choice among validActions.
// Run: npx tsx environments/household/bench/household-env.bench.ts [steps per loop, default 50000]
import { SeededRandom } from '@worldloop/core';
import { householdEnvironments } from '@worldloop/household';
import type { Environment, Observation } from '@worldloop/spec';

/** One measured loop. */
interface LoopFigures {
  readonly steps: number;
  readonly episodes: number;
  readonly successes: number;
  readonly seconds: number;
}

type Choose = (environment: Environment<Observation, string>, observation: Observation, random: SeededRandom) => string;

const expert: Choose = (environment) => environment.expertAction!()!;
const randomValid: Choose = (_environment, observation, random) => random.pick(observation.validActions!);

async function measure(environment: Environment<Observation, string>, steps: number, choose: Choose): Promise<LoopFigures> {
  const random = new SeededRandom(1);
  let seed = 1;
  let { observation } = await environment.reset({ seed });
  let episodes = 1;
  let successes = 0;
  const startedAt = performance.now();
  for (let index = 0; index < steps; index++) {
    const result = await environment.step(choose(environment, observation, random));
    observation = result.observation;
    if (result.terminated || result.truncated) {
      if (result.info.success === true) successes++;
      ({ observation } = await environment.reset({ seed: ++seed }));
      episodes++;
    }
  }
  return { steps, episodes, successes, seconds: (performance.now() - startedAt) / 1000 };
}

const steps = Number(process.argv[2] ?? 50_000);
const rate = (figures: LoopFigures) => Math.round(figures.steps / figures.seconds).toLocaleString('en-US').padStart(9);
const success = (figures: LoopFigures) => `${((100 * figures.successes) / Math.max(1, figures.episodes - 1)).toFixed(1).padStart(5)}%`;
console.log(`household: ${steps.toLocaleString('en-US')} steps per loop (each step reads the eager observation: text, validActions, features; resets included)`);
console.log('environment                          expert steps/s  success   random steps/s  success');
for (const spec of householdEnvironments) {
  const environment = spec.create();
  await measure(environment, Math.min(steps, 5_000), expert); // warm-up
  const byExpert = await measure(environment, steps, expert);
  const byRandom = await measure(environment, steps, randomValid);
  console.log(`${spec.id.padEnd(36)} ${rate(byExpert)}      ${success(byExpert)}    ${rate(byRandom)}       ${success(byRandom)}`);
}
