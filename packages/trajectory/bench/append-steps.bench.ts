// Benchmark: appendStep rate (one commit per step, WAL + synchronous=NORMAL) for a realistic step
// into a temp file, and readSteps rate back. Prints figures; asserts nothing. `npx tsx <this file>`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleEpisode, sampleRun, sampleStep } from '../src/fixtures/sample-records.js';
import { SqliteTrajectoryStore } from '../src/sqlite-trajectory-store.js';

const stepCount = Number(process.argv[2] ?? 20_000);
const directory = mkdtempSync(join(tmpdir(), 'worldloop-bench-'));
const path = join(directory, 'trajectories.db');

try {
  const store = SqliteTrajectoryStore.open(path);
  const run = await store.createRun(sampleRun());
  const episode = await store.startEpisode(sampleEpisode(run.id));
  const steps = Array.from({ length: stepCount }, (_, stepIndex) => sampleStep(stepIndex));
  const recordBytes = Buffer.byteLength(JSON.stringify(steps[0]));

  // Warm up statements and the page cache on a throwaway episode.
  const warmup = await store.startEpisode(sampleEpisode(run.id, 1));
  for (let stepIndex = 0; stepIndex < 500; stepIndex += 1) await store.appendStep(warmup.id, sampleStep(stepIndex));

  const writeStart = process.hrtime.bigint();
  for (const step of steps) await store.appendStep(episode.id, step);
  const writeSeconds = Number(process.hrtime.bigint() - writeStart) / 1e9;

  const readStart = process.hrtime.bigint();
  let read = 0;
  for await (const _step of store.readSteps(episode.id)) read += 1;
  const readSeconds = Number(process.hrtime.bigint() - readStart) / 1e9;
  await store.close();

  const fileBytes = statSync(path).size;
  console.log(`step record: ${recordBytes} bytes as JSON (observation text ${steps[0]!.observation.text.length} chars, ${steps[0]!.toolCalls.length} tool calls, ${steps[0]!.modelCalls.length} model call)`);
  console.log(`appendStep: ${stepCount} steps in ${writeSeconds.toFixed(2)} s = ${Math.round(stepCount / writeSeconds)} steps/s (${((writeSeconds / stepCount) * 1e6).toFixed(1)} µs/step, one commit each)`);
  console.log(`readSteps:  ${read} steps in ${readSeconds.toFixed(2)} s = ${Math.round(read / readSeconds)} steps/s`);
  console.log(`file: ${(fileBytes / 1024 / 1024).toFixed(1)} MiB after close = ${Math.round(fileBytes / (stepCount + 500))} bytes/step`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
