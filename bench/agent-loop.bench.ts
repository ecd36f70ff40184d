// Benchmark (not a test): the gridworld stepped raw through its Environment interface, against the
// full agent loop with the SQLite recorder off and on, all in one process with random valid
// primitive actions. Prints steps per second and ratios to the raw environment.
// Run: pnpm bench
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, RandomPolicy, Runner } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { EnvironmentSpec } from '@worldloop/spec';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { runGridworldEnvBenchmark } from './gridworld-env.bench.js';

const ENVIRONMENT_ID = 'gridworld/GoToObjMaze-v0';
const spec: EnvironmentSpec = gridworldEnvironments.find((candidate) => candidate.id === ENVIRONMENT_ID)!;

/** The agent loop through the runner, with or without a SQLite recorder. */
async function agentLoop(steps: number, store?: SqliteTrajectoryStore): Promise<{ stepsPerSecond: number; steps: number }> {
  const policy = new RandomPolicy<string>({ level: 'primitive' });
  const agent = new Agent({ policy, ...(store ? { store } : {}) });
  const maxSteps = spec.create().maxSteps ?? 1000;
  const episodes = Math.max(1, Math.round(steps / maxSteps));
  const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes, concurrency: 1, baseSeed: 1 });
  return { stepsPerSecond: summary.stepsPerSecond, steps: summary.totalSteps };
}

async function main(): Promise<void> {
  const rawSteps = Number(process.env.BENCH_RAW_STEPS ?? 1_000_000);
  const loopSteps = Number(process.env.BENCH_LOOP_STEPS ?? 200_000);
  await agentLoop(20_000); // warm-up
  const { primitive } = await runGridworldEnvBenchmark({ environmentId: ENVIRONMENT_ID, primitiveSteps: rawSteps, primitiveTextSteps: 1, commandSteps: 1 });
  const raw = primitive.stepsPerSecond;
  const loopOff = await agentLoop(loopSteps);
  const directory = mkdtempSync(join(tmpdir(), 'worldloop-bench-'));
  const store = new SqliteTrajectoryStore({ path: join(directory, 'bench.db') });
  const loopOn = await agentLoop(loopSteps, store);
  await store.close();
  rmSync(directory, { recursive: true, force: true });

  const row = (name: string, stepsPerSecond: number, steps: number): string =>
    `${name.padEnd(38)} ${Math.round(stepsPerSecond).toLocaleString('en-US').padStart(11)} steps/s  ${(stepsPerSecond / raw).toFixed(3).padStart(6)} x raw  (${steps.toLocaleString('en-US')} steps)`;
  console.log(`agent loop on ${ENVIRONMENT_ID}, random valid primitive actions, one process, concurrency 1`);
  console.log(row('raw env.step (baseline)', raw, rawSteps));
  console.log(row('agent loop, recorder off', loopOff.stepsPerSecond, loopOff.steps));
  console.log(row('agent loop, SQLite recorder on', loopOn.stepsPerSecond, loopOn.steps));
}

await main();
