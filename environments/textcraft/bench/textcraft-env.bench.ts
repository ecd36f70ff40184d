// Benchmark (not a test): raw TextCraft stepping through the Environment interface with the expert
// and with a uniform random choice among the listed valid actions, resets included. Prints figures only.
// Run: pnpm exec tsx environments/textcraft/bench/textcraft-env.bench.ts [environment id ...]  (default: every family)
import { pathToFileURL } from 'node:url';
import { SeededRandom, textcraftEnvironments, type TextcraftEnvironment } from '@worldloop/textcraft';

/** One measured loop. */
export interface TextcraftLoopFigures {
  readonly steps: number;
  readonly episodes: number;
  /** Episodes that crafted their goal. */
  readonly successes: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  readonly episodesPerSecond: number;
}

/** What `runTextcraftEnvBenchmark` measured for one environment. */
export interface TextcraftEnvBenchmarkResult {
  readonly environmentId: string;
  /** The expert's action every step (planning included), observation text read. */
  readonly expert: TextcraftLoopFigures;
  /** A uniform choice among `validActions()` every step (listing included), observation text read. */
  readonly random: TextcraftLoopFigures;
}

type Choose = (environment: TextcraftEnvironment, random: SeededRandom) => string;

async function measure(environment: TextcraftEnvironment, steps: number, seed: number, choose: Choose): Promise<TextcraftLoopFigures> {
  const random = new SeededRandom(seed);
  let episode = seed;
  let episodes = 1;
  let successes = 0;
  let characters = 0;
  await environment.reset({ seed: episode });
  const startedAt = performance.now();
  for (let index = 0; index < steps; index++) {
    const result = await environment.step(choose(environment, random));
    characters += result.observation.text.length;
    if (result.terminated || result.truncated) {
      if (result.info.success === true) successes++;
      await environment.reset({ seed: ++episode });
      episodes++;
    }
  }
  const seconds = (performance.now() - startedAt) / 1000;
  if (characters === 0) throw new Error('observation text was empty');
  return { steps, episodes, successes, seconds, stepsPerSecond: steps / seconds, episodesPerSecond: episodes / seconds };
}

const expertChoice: Choose = (environment) => environment.expertAction() ?? 'inventory';
const randomChoice: Choose = (environment, random) => random.pick(environment.actionSpace.validActions());

/** Measures `environmentId` with both policies (`steps` steps each, default 100,000). */
export async function runTextcraftEnvBenchmark(environmentId: string, steps = 100_000, seed = 1): Promise<TextcraftEnvBenchmarkResult> {
  const spec = textcraftEnvironments.find((candidate) => candidate.id === environmentId);
  if (spec === undefined) throw new Error(`Unknown environment ${environmentId}; use one of ${textcraftEnvironments.map((candidate) => candidate.id).join(', ')}.`);
  const create = (): TextcraftEnvironment => spec.create() as TextcraftEnvironment;
  await measure(create(), Math.min(steps, 5_000), seed, expertChoice); // warm-up
  return {
    environmentId,
    expert: await measure(create(), steps, seed, expertChoice),
    random: await measure(create(), steps, seed, randomChoice),
  };
}

function line(label: string, figures: TextcraftLoopFigures): string {
  const rate = Math.round(figures.stepsPerSecond).toLocaleString('en-US');
  return `  ${label.padEnd(7)} ${rate.padStart(10)} steps/s  ${Math.round(figures.episodesPerSecond).toLocaleString('en-US').padStart(8)} episodes/s  success ${((100 * figures.successes) / Math.max(1, figures.episodes - 1)).toFixed(1)}%  (${figures.steps} steps, ${figures.episodes} episodes, ${figures.seconds.toFixed(2)} s)`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ids = process.argv.slice(2).length > 0 ? process.argv.slice(2) : textcraftEnvironments.map((spec) => spec.id);
  console.log(`TextCraft raw environment stepping (Node ${process.version}; resets included; observation text read)`);
  for (const id of ids) {
    const result = await runTextcraftEnvBenchmark(id);
    console.log(result.environmentId);
    console.log(line('expert', result.expert));
    console.log(line('random', result.random));
    console.log(`  expert/random speed ratio ${(result.expert.stepsPerSecond / result.random.stepsPerSecond).toFixed(2)}`);
  }
}
