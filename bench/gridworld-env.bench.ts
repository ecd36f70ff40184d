// Benchmark (not a test): raw gridworld stepping through the Environment interface, with random
// primitive actions (observation text unread, then read every step) and with random text commands.
// Run: npx tsx bench/gridworld-env.bench.ts [environment id ...]   (default: every gridworld task)
import { pathToFileURL } from 'node:url';
import { SeededRandom } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { Environment, Observation } from '@worldloop/spec';

const primitives = ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done'];

/** Options of `runGridworldEnvBenchmark`. */
export interface GridworldEnvBenchmarkOptions {
  /** Registered id to measure (default `gridworld/GoToObjMaze-v0`). */
  readonly environmentId?: string;
  /** Steps of the random-primitive loop without reading observations (default 1,000,000). */
  readonly primitiveSteps?: number;
  /** Steps of the random-primitive loop that reads `observation.text` each step (default 100,000). */
  readonly primitiveTextSteps?: number;
  /** `step` calls of the random-text-command loop (default 20,000). */
  readonly commandSteps?: number;
  /** Seed of the action choices and of the first episode (default 1). */
  readonly seed?: number;
}

/** One measured loop. */
export interface GridworldLoopFigures {
  /** `step` calls made. */
  readonly steps: number;
  /** Primitive actions those calls ran (equal to `steps` for primitive loops). */
  readonly primitiveSteps: number;
  readonly episodes: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  readonly primitiveStepsPerSecond: number;
}

/** What `runGridworldEnvBenchmark` measured. */
export interface GridworldEnvBenchmarkResult {
  readonly environmentId: string;
  /** Uniform random primitives, observation fields never read. */
  readonly primitive: GridworldLoopFigures;
  /** Uniform random primitives, `observation.text` read after every step. */
  readonly primitiveReadingText: GridworldLoopFigures;
  /** Uniform random choice among `validActions()` minus the primitives (text commands only). */
  readonly textCommands: GridworldLoopFigures;
}

type Pick = (environment: Environment<Observation, string>, random: SeededRandom) => string;

async function measure(
  environment: Environment<Observation, string>,
  steps: number,
  seed: number,
  pick: Pick,
  readText: boolean,
): Promise<GridworldLoopFigures> {
  const random = new SeededRandom(seed);
  let episode = seed;
  await environment.reset({ seed: episode });
  let primitiveSteps = 0;
  let episodes = 1;
  let characters = 0;
  const startedAt = performance.now();
  for (let index = 0; index < steps; index++) {
    const result = await environment.step(pick(environment, random));
    primitiveSteps += (result.info.primitiveSteps as number | undefined) ?? 1;
    if (readText) characters += result.observation.text.length;
    if (result.terminated || result.truncated) {
      await environment.reset({ seed: ++episode });
      episodes++;
    }
  }
  const seconds = (performance.now() - startedAt) / 1000;
  if (readText && characters === 0) throw new Error('observation text was empty');
  return { steps, primitiveSteps, episodes, seconds, stepsPerSecond: steps / seconds, primitiveStepsPerSecond: primitiveSteps / seconds };
}

const pickPrimitive: Pick = (_environment, random) => primitives[random.integer(7)]!;

const pickCommand: Pick = (environment, random) => {
  const valid = environment.actionSpace.validActions!();
  const commands = valid.length > primitives.length ? valid.slice(primitives.length) : valid;
  return random.pick(commands);
};

/**
 * Measures raw stepping of one gridworld environment in this process: random primitives without
 * and with reading `observation.text`, and random feasible text commands from `validActions()`.
 * A short warm-up runs first. Figures depend on the machine; nothing is asserted.
 */
export async function runGridworldEnvBenchmark(options: GridworldEnvBenchmarkOptions = {}): Promise<GridworldEnvBenchmarkResult> {
  const environmentId = options.environmentId ?? 'gridworld/GoToObjMaze-v0';
  const spec = gridworldEnvironments.find((candidate) => candidate.id === environmentId);
  if (!spec) throw new Error(`Unknown gridworld environment ${environmentId}; known: ${gridworldEnvironments.map((known) => known.id).join(', ')}`);
  const seed = options.seed ?? 1;
  const environment = spec.create();
  await measure(environment, 50_000, seed, pickPrimitive, false);
  await measure(environment, 2_000, seed, pickCommand, false);
  const primitive = await measure(environment, options.primitiveSteps ?? 1_000_000, seed, pickPrimitive, false);
  const primitiveReadingText = await measure(environment, options.primitiveTextSteps ?? 100_000, seed, pickPrimitive, true);
  const textCommands = await measure(environment, options.commandSteps ?? 20_000, seed, pickCommand, false);
  await environment.close();
  return { environmentId, primitive, primitiveReadingText, textCommands };
}

function format(figures: GridworldLoopFigures): string {
  const rate = Math.round(figures.stepsPerSecond).toLocaleString('en-US');
  const primitiveRate = Math.round(figures.primitiveStepsPerSecond).toLocaleString('en-US');
  return `${rate} steps/s (${primitiveRate} primitive steps/s; ${figures.steps.toLocaleString('en-US')} steps, ${figures.episodes} episodes, ${figures.seconds.toFixed(2)} s)`;
}

async function main(): Promise<void> {
  const ids = process.argv.slice(2).length > 0 ? process.argv.slice(2) : gridworldEnvironments.map((spec) => spec.id);
  for (const environmentId of ids) {
    const result = await runGridworldEnvBenchmark({ environmentId });
    console.log(environmentId);
    console.log(`  random primitives, text unread : ${format(result.primitive)}`);
    console.log(`  random primitives, text read   : ${format(result.primitiveReadingText)}`);
    console.log(`  random text commands          : ${format(result.textCommands)}`);
    console.log(`  text-read / unread ratio       : ${(result.primitiveReadingText.stepsPerSecond / result.primitive.stepsPerSecond).toFixed(3)}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
