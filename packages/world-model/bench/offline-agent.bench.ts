// Benchmark (not a test): the offline default agent (a lookahead planner over a tabular world model
// that learns as it goes) on a gridworld task a random policy rarely solves, its success rate per
// block of 20 episodes next to a random policy's. Each column averages independent runs (one fresh
// agent per run, learning across that run's episodes in order). The "target key" column keys the
// agent on the gridworld's target features alone (the `targetFeatures` option, `targetFeatureNames`:
// where the mission's target is from the agent, what is in front, what is carried); the "feature
// key" column on the default features, pose included: the pose makes every level new, so it cannot
// carry what it learns from one level to the next, which is what the target features are for.
// Run: pnpm --filter @worldloop/world-model bench [episodes] [runs]
import { Agent, RandomPolicy, Runner } from '@worldloop/core';
import { gridworldEnvironments, targetFeatureNames } from '@worldloop/gridworld';
import type { Observation, Policy } from '@worldloop/spec';
import { featureStateKey, featureSubsetStateKey, offlineAgent } from '../src/index.js';

const ENVIRONMENT_ID = 'gridworld/PickupLoc-v0';
const MAX_STEPS = 32;
const BLOCK = 20;
const episodes = Number(process.argv[2] ?? 200);
const runs = Number(process.argv[3] ?? 5);
const spec = gridworldEnvironments.find((candidate) => candidate.id === ENVIRONMENT_ID)!;

/** Success (0 or 1) of each episode of one run, in episode order. */
async function successes(policy: Policy<Observation, string>, baseSeed: number, targetFeatures: boolean): Promise<number[]> {
  const summary = await new Runner(new Agent({ policy })).run({ createEnvironment: () => spec.create({ maxSteps: MAX_STEPS, targetFeatures }), episodes, concurrency: 1, baseSeed });
  return summary.episodes.map((episode) => (episode.outcome.success ? 1 : 0));
}

// Only the target-key column asks the gridworld for its target features; the feature key reads the default ones.
const columns: { name: string; targetFeatures: boolean; make: () => Policy<Observation, string> }[] = [
  { name: 'planner (target key)', targetFeatures: true, make: () => offlineAgent({ stateKey: featureSubsetStateKey(targetFeatureNames) }).policy },
  { name: 'planner (feature key)', targetFeatures: false, make: () => offlineAgent({ stateKey: featureStateKey }).policy },
  { name: 'random', targetFeatures: false, make: () => new RandomPolicy() },
];

const started = performance.now();
const rates = new Map<string, number[]>();
for (const column of columns) {
  const totals = new Array<number>(episodes).fill(0);
  for (let run = 0; run < runs; run++) {
    const result = await successes(column.make(), run + 1, column.targetFeatures);
    result.forEach((success, index) => (totals[index]! += success));
  }
  rates.set(column.name, totals.map((total) => total / runs));
}

console.log(`offline agent on ${ENVIRONMENT_ID} (maxSteps ${MAX_STEPS}): success rate per block of ${BLOCK} episodes, mean of ${runs} runs (base seeds 1..${runs})`);
const header = ['episodes'.padEnd(10), ...columns.map((column) => column.name.padStart(22))].join('');
console.log(header);
for (let start = 0; start < episodes; start += BLOCK) {
  const end = Math.min(episodes, start + BLOCK);
  const cells = columns.map((column) => {
    const block = rates.get(column.name)!.slice(start, end);
    return `${((100 * block.reduce((sum, value) => sum + value, 0)) / block.length).toFixed(1)}%`.padStart(22);
  });
  console.log([`${start + 1}-${end}`.padEnd(10), ...cells].join(''));
}
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
