// Benchmark: appendStep rate for a realistic step into a temp file (WAL + synchronous=NORMAL), with
// a commit per step (groupCommitSteps 1) and with group commit (32), in one process, and the ratio;
// then readSteps rate back. Prints figures; asserts nothing. `npx tsx <this file> [step count]`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleEpisode, sampleRun, sampleStep } from '../src/fixtures/sample-records.js';
import { SqliteTrajectoryStore } from '../src/sqlite-trajectory-store.js';

const stepCount = Number(process.argv[2] ?? 20_000);
const directory = mkdtempSync(join(tmpdir(), 'worldloop-bench-'));
const steps = Array.from({ length: stepCount }, (_, stepIndex) => sampleStep(stepIndex));

/** Steps per second appending `steps` to one episode, the final commit (flush) included. */
async function appendRate(groupCommitSteps: number): Promise<{ stepsPerSecond: number; store: SqliteTrajectoryStore; episodeId: number; path: string }> {
  const path = join(directory, `group-${groupCommitSteps}.db`);
  const store = new SqliteTrajectoryStore({ path, groupCommitSteps });
  const run = await store.createRun(sampleRun());
  // Warm up statements and the page cache on a throwaway episode.
  const warmup = await store.startEpisode(sampleEpisode(run.id, 1));
  for (let stepIndex = 0; stepIndex < 500; stepIndex += 1) await store.appendStep(warmup.id, sampleStep(stepIndex));
  await store.endEpisode(warmup.id, { status: 'finished', success: false, totalReward: 0, stepCount: 500, invalidActionCount: 0, terminated: false, truncated: true });

  const episode = await store.startEpisode(sampleEpisode(run.id));
  const start = process.hrtime.bigint();
  for (const step of steps) await store.appendStep(episode.id, step);
  await store.flush();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { stepsPerSecond: stepCount / seconds, store, episodeId: episode.id, path };
}

const describe = (stepsPerSecond: number) =>
  `${Math.round(stepsPerSecond).toLocaleString('en-US').padStart(7)} steps/s (${(1e6 / stepsPerSecond).toFixed(1)} µs/step)`;

try {
  const recordBytes = Buffer.byteLength(JSON.stringify(steps[0]));
  console.log(`step record: ${recordBytes} bytes as JSON (observation text ${steps[0]!.observation.text.length} chars, ${steps[0]!.toolCalls.length} tool calls, ${steps[0]!.modelCalls.length} model call); ${stepCount} steps per measurement`);

  const single = await appendRate(1);
  await single.store.close();
  console.log(`appendStep, groupCommitSteps 1:  ${describe(single.stepsPerSecond)}, one commit per step`);

  const grouped = await appendRate(32);
  console.log(`appendStep, groupCommitSteps 32: ${describe(grouped.stepsPerSecond)}, one commit per 32 steps`);
  console.log(`group commit / commit per step: ${(grouped.stepsPerSecond / single.stepsPerSecond).toFixed(2)} x`);

  const readStart = process.hrtime.bigint();
  let read = 0;
  for await (const _step of grouped.store.readSteps(grouped.episodeId)) read += 1;
  const readSeconds = Number(process.hrtime.bigint() - readStart) / 1e9;
  await grouped.store.close();
  console.log(`readSteps: ${read} steps in ${readSeconds.toFixed(2)} s = ${Math.round(read / readSeconds).toLocaleString('en-US')} steps/s`);
  const fileBytes = statSync(grouped.path).size;
  console.log(`file: ${(fileBytes / 1024 / 1024).toFixed(1)} MiB after close = ${Math.round(fileBytes / (stepCount + 500))} bytes/step`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
