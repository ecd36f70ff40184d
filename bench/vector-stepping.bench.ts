// Benchmark (not a test): is stepping many gridworld instances in one call cheaper than one awaited
// step per instance? (a) N plain environments, one await per step; (b) GridworldVectorEnvironment's
// stepMany, one await per N steps; (c) the Runner with a synchronous policy (random) at concurrency
// 64, through a VectorEnvironmentPool over the vector environment versus plain environments.
// Same actions in (a) and (b); the two sides of each comparison alternate round by round (so load
// drift hits both), median of the rounds; ratios against (a) in this process.
// Run: pnpm tsx bench/vector-stepping.bench.ts [environment id]   (default gridworld/GoToLocal-v0)
import { Agent, RandomPolicy, Runner, SeededRandom } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { Environment, EnvironmentSpec, Observation, VectorEnvironment, VectorStepRequest } from '@worldloop/spec';

const PRIMITIVES = ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done'];
const SIZES = [1, 8, 64];
/** Steps per measured loop of (a) and (b). */
const STEPS = Number(process.env.BENCH_STEPS ?? 300_000);
/** Episodes per measured run of (c). */
const RUNNER_EPISODES = Number(process.env.BENCH_EPISODES ?? 5_120);
const RUNNER_CONCURRENCY = 64;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Spec = EnvironmentSpec<Observation, string>;

/** One loop's figures. */
interface Figures {
  readonly steps: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  /** Mean instances per stepMany call, where there were such calls. */
  readonly meanBatch?: number;
}

function figures(steps: number, startedAt: number, meanBatch?: number): Figures {
  const seconds = (performance.now() - startedAt) / 1000;
  return { steps, seconds, stepsPerSecond: steps / seconds, ...(meanBatch !== undefined ? { meanBatch } : {}) };
}

/** (a) `size` plain environments, stepped round-robin with one `await` per step. */
async function plainLoop(spec: Spec, size: number, steps: number): Promise<Figures> {
  const environments = Array.from({ length: size }, () => spec.create());
  const random = new SeededRandom(1);
  let seed = 0;
  for (const environment of environments) await environment.reset({ seed: seed++ });
  const startedAt = performance.now();
  let taken = 0;
  while (taken < steps) {
    for (let index = 0; index < size; index++) {
      const environment = environments[index]!;
      const result = await environment.step(PRIMITIVES[random.integer(7)]!);
      if (result.terminated || result.truncated) await environment.reset({ seed: seed++ });
    }
    taken += size;
  }
  return figures(taken, startedAt);
}

/** (b) One vector environment of `size` instances, every instance stepped in each `stepMany` call. */
async function vectorLoop(spec: Spec, size: number, steps: number): Promise<Figures> {
  const vector = spec.createVector!(size);
  const random = new SeededRandom(1);
  let seed = 0;
  for (let index = 0; index < size; index++) await vector.reset(index, { seed: seed++ });
  const requests: VectorStepRequest<string>[] = Array.from({ length: size }, (_, index) => ({ index, action: 'left' }));
  const startedAt = performance.now();
  let taken = 0;
  while (taken < steps) {
    for (let index = 0; index < size; index++) requests[index] = { index, action: PRIMITIVES[random.integer(7)]! };
    const outcomes = await vector.stepMany(requests);
    for (let index = 0; index < size; index++) {
      const outcome = outcomes[index]!;
      if (!outcome.ok) throw outcome.error;
      if (outcome.result.terminated || outcome.result.truncated) await vector.reset(index, { seed: seed++ });
    }
    taken += size;
  }
  return figures(taken, startedAt, size);
}

/** (c) The Runner with RandomPolicy at concurrency 64, plain environments or a pooled vector environment. */
async function runnerLoop(spec: Spec, vectorised: boolean, episodes: number): Promise<Figures> {
  let calls = 0;
  let batched = 0;
  const counted = (size: number): VectorEnvironment<Observation, string> => {
    const vector = spec.createVector!(size);
    const stepMany = vector.stepMany.bind(vector);
    return Object.assign(vector, {
      stepMany: (requests: readonly VectorStepRequest<string>[]) => {
        calls++;
        batched += requests.length;
        return stepMany(requests);
      },
    });
  };
  const runner = new Runner(new Agent({ policy: new RandomPolicy() }));
  const startedAt = performance.now();
  const summary = await runner.run({
    ...(vectorised ? { createVectorEnvironment: counted } : { createEnvironment: (): Environment<Observation, string> => spec.create() }),
    episodes,
    concurrency: RUNNER_CONCURRENCY,
    baseSeed: 1,
    progressIntervalMs: 60_000,
  });
  if (summary.failedEpisodes > 0) throw new Error(`${summary.failedEpisodes} episodes failed`);
  return figures(summary.totalSteps, startedAt, vectorised ? batched / calls : undefined);
}

/** Runs the measurements in turn, `ROUNDS` times, and returns each one's median round (by rate). */
async function medians(...measures: (() => Promise<Figures>)[]): Promise<Figures[]> {
  const rounds: Figures[][] = measures.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [position, measure] of measures.entries()) rounds[position]!.push(await measure());
  }
  return rounds.map((figures) => figures.sort((a, b) => a.stepsPerSecond - b.stepsPerSecond)[Math.floor(figures.length / 2)]!);
}

function rate(value: Figures): string {
  return `${Math.round(value.stepsPerSecond).toLocaleString('en-US')} steps/s`;
}

async function main(): Promise<void> {
  const environmentId = process.argv[2] ?? 'gridworld/GoToLocal-v0';
  const spec = gridworldEnvironments.find((candidate) => candidate.id === environmentId);
  if (spec?.createVector === undefined) throw new Error(`No gridworld spec ${environmentId} with createVector; known: ${gridworldEnvironments.map((known) => known.id).join(', ')}`);
  // Warm-up: every path, so the JIT has seen them all before anything is measured.
  for (const size of SIZES) {
    await plainLoop(spec, size, 20_000);
    await vectorLoop(spec, size, 20_000);
  }
  await runnerLoop(spec, false, 128);
  await runnerLoop(spec, true, 128);

  console.log(`${environmentId}: random primitives, observations unread; median of ${ROUNDS} rounds; Node ${process.version}`);
  console.log(`(a) plain: N environments, one await per step   (b) vector: one stepMany per N steps`);
  for (const size of SIZES) {
    const [plain, vector] = (await medians(() => plainLoop(spec, size, STEPS), () => vectorLoop(spec, size, STEPS))) as [Figures, Figures];
    console.log(
      `  N=${String(size).padStart(2)}  (a) ${rate(plain).padStart(18)}  (b) ${rate(vector).padStart(18)}  (b)/(a) ${(vector.stepsPerSecond / plain.stepsPerSecond).toFixed(2)}x`,
    );
  }
  const [plainRunner, pooledRunner, plainAt64] = (await medians(
    () => runnerLoop(spec, false, RUNNER_EPISODES),
    () => runnerLoop(spec, true, RUNNER_EPISODES),
    () => plainLoop(spec, RUNNER_CONCURRENCY, STEPS),
  )) as [Figures, Figures, Figures];
  console.log(`(c) Runner + RandomPolicy, concurrency ${RUNNER_CONCURRENCY}, ${RUNNER_EPISODES} episodes (${plainRunner.steps.toLocaleString('en-US')} steps), no store`);
  console.log(`  plain environments         ${rate(plainRunner).padStart(18)}  = ${(plainRunner.stepsPerSecond / plainAt64.stepsPerSecond).toFixed(2)}x of (a) N=64`);
  console.log(
    `  pooled vector environment  ${rate(pooledRunner).padStart(18)}  = ${(pooledRunner.stepsPerSecond / plainAt64.stepsPerSecond).toFixed(2)}x of (a) N=64, ${(pooledRunner.stepsPerSecond / plainRunner.stepsPerSecond).toFixed(2)}x of plain; mean batch ${pooledRunner.meanBatch!.toFixed(1)}`,
  );
}

await main();
