// Benchmark: export throughput (steps/s) and peak memory for 100k and 1M recorded steps, for
// `transitions` JSONL (target: at least 100,000 steps/s, peak memory flat in the number of steps),
// `transitions-parquet` and `openai-chat`. Steps are generated straight into the schema with the
// store's own row mapping (gridworld-like: ~300-character observation, features, no model calls).
// Each export runs in a child process that reports its peak RSS (VmHWM) before and after.
// Wall-clock rates depend on what else runs on the machine; the rate per CPU second less so.
// Prints figures and ratios; asserts nothing. `pnpm exec tsx packages/trajectory/bench/export.bench.ts [steps...]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { StepRecord } from '@worldloop/spec';
import { datasetFormat } from '../src/dataset-formats.js';
import { exportDataset } from '../src/export-dataset.js';
import { SqliteTrajectoryStore } from '../src/sqlite-trajectory-store.js';
import { stepParameters } from '../src/step-row.js';

const stepsPerEpisode = 50;
const formats = (process.env.BENCH_FORMATS ?? 'transitions,transitions-parquet,openai-chat').split(',');

/** Peak and current resident set of this process, in MiB (Linux /proc). */
function memory(): { peakMiB: number; currentMiB: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { peakMiB: field('VmHWM'), currentMiB: field('VmRSS') };
}

if (process.argv[2] === '--child') {
  const [, , , formatName, databasePath, outputPath] = process.argv;
  const before = memory();
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const result = exportDataset(datasetFormat(formatName!), { databasePath: databasePath!, outputPath: outputPath! });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const after = memory();
  const steps = result.counts.train.steps;
  console.log(JSON.stringify({ steps, rows: result.files[0]!.rows, seconds, cpuSeconds, before, after, heapMiB: process.memoryUsage().heapUsed / 2 ** 20, bytes: statSync(outputPath!).size }));
  process.exit(0);
}

/** A gridworld-like step of a model-free policy. */
function step(stepIndex: number, episodeIndex: number): StepRecord {
  const x = (stepIndex * 7 + episodeIndex) % 11;
  const y = (stepIndex * 3 + episodeIndex * 5) % 9;
  return {
    stepIndex,
    observation: {
      text: `Mission: go to the red ball.\nYou are facing east and carrying nothing. Step ${stepIndex} of 64.\nAhead of you: ${x} free cells, then a wall.\nYou see: a red ball ${y} steps ahead and ${x} to the right; a blue key 2 steps ahead; a grey box ${x + y} steps ahead and 1 to the left.`,
      mission: 'go to the red ball',
      features: { x, y, direction: 'east', carrying: 'nothing', frontCell: 'empty', ballVisible: y < 4 },
    },
    action: ['forward', 'left', 'right', 'go to the red ball'][stepIndex % 4]!,
    executedAction: ['forward', 'left', 'right', 'go to the red ball'][stepIndex % 4]!,
    accepted: true,
    reward: stepIndex === stepsPerEpisode - 1 ? 0.9 : 0,
    terminated: stepIndex === stepsPerEpisode - 1,
    truncated: false,
    info: { success: stepIndex === stepsPerEpisode - 1 },
    toolCalls: [],
    modelCalls: [],
    guardVerdicts: [],
    memoryReads: [],
    memoryWrites: [],
    timings: { perceiveMs: 0.004, planMs: 0.021, actMs: 0.013, rememberMs: 0.001 },
    startedAt: 1_764_000_000_000 + stepIndex,
  };
}

/** A database of `stepCount` recorded steps in finished 50-step episodes; returns seconds taken. */
async function generate(path: string, stepCount: number): Promise<number> {
  const start = process.hrtime.bigint();
  const store = new SqliteTrajectoryStore({ path });
  const run = await store.createRun({ environmentId: 'gridworld/GoToLocal-v0', policy: 'expert', episodesRequested: stepCount / stepsPerEpisode, baseSeed: 1, concurrency: 1, config: null, worldloopVersion: 'bench' });
  await store.close();
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = OFF');
  const insertEpisode = database.prepare(`
    INSERT INTO episodes (run_id, episode_index, attempt, seed, environment_id, mission, status, success, total_reward, step_count, invalid_action_count,
                          terminated, truncated, final_observation, started_at, ended_at)
    VALUES (?, ?, 1, ?, 'gridworld/GoToLocal-v0', 'go to the red ball', 'finished', 1, 0.9, ?, 0, 1, 0, ?, 0, 0)`);
  const insertStep = database.prepare(`
    INSERT INTO steps (episode_id, step_index, observation, action, executed_action, accepted, feedback, reward, terminated, truncated, record, started_at)
    VALUES (@episodeId, @stepIndex, @observation, @action, @executedAction, @accepted, @feedback, @reward, @terminated, @truncated, @record, @startedAt)`);
  const finalObservation = JSON.stringify({ text: 'You are next to the red ball.', features: { x: 0, y: 0, direction: 'east', carrying: 'nothing', frontCell: 'ball', ballVisible: true } });
  const episodes = stepCount / stepsPerEpisode;
  const insertEpisodes = database.transaction((from: number, to: number) => {
    for (let episodeIndex = from; episodeIndex < to; episodeIndex++) {
      const { lastInsertRowid } = insertEpisode.run(run.id, episodeIndex, 1000 + episodeIndex, stepsPerEpisode, finalObservation);
      for (let stepIndex = 0; stepIndex < stepsPerEpisode; stepIndex++) insertStep.run(stepParameters(Number(lastInsertRowid), step(stepIndex, episodeIndex)));
    }
  });
  for (let from = 0; from < episodes; from += 1000) insertEpisodes(from, Math.min(episodes, from + 1000));
  database.pragma('wal_checkpoint(TRUNCATE)');
  database.close();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const sizes = process.argv.slice(2).map(Number).filter((size) => size > 0);
const stepCounts = sizes.length > 0 ? sizes : [100_000, 1_000_000];
const directory = mkdtempSync(join(tmpdir(), 'worldloop-export-bench-'));
const script = fileURLToPath(import.meta.url);
const figures = new Map<string, { stepsPerSecond: number; peakMiB: number }>();
try {
  for (const stepCount of stepCounts) {
    const path = join(directory, `steps-${stepCount}.db`);
    const seconds = await generate(path, stepCount);
    console.log(`generated ${stepCount.toLocaleString('en-US')} steps in ${seconds.toFixed(1)} s (${Math.round(stepCount / seconds).toLocaleString('en-US')} steps/s), database ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`);
    for (const format of formats) {
      const output = join(directory, `${format}-${stepCount}.${format.endsWith('parquet') ? 'parquet' : 'jsonl'}`);
      const child = spawnSync(process.execPath, [...process.execArgv, script, '--child', format, path, output], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (child.status !== 0) throw new Error(`export ${format} failed: ${child.stderr}`);
      const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { steps: number; rows: number; seconds: number; cpuSeconds: number; before: { peakMiB: number }; after: { peakMiB: number; currentMiB: number }; heapMiB: number; bytes: number };
      const stepsPerSecond = result.steps / result.seconds;
      figures.set(`${format}@${stepCount}`, { stepsPerSecond, peakMiB: result.after.peakMiB });
      console.log(
        `  ${format.padEnd(20)} ${result.steps.toLocaleString('en-US').padStart(9)} steps in ${result.seconds.toFixed(2).padStart(6)} s = ${Math.round(stepsPerSecond).toLocaleString('en-US').padStart(9)} steps/s (${Math.round(result.steps / result.cpuSeconds).toLocaleString('en-US')} per CPU second); ` +
          `peak RSS ${result.after.peakMiB.toFixed(0)} MiB (${result.before.peakMiB.toFixed(0)} MiB before the export), heap at the end ${result.heapMiB.toFixed(0)} MiB; ${result.rows.toLocaleString('en-US')} rows, ${(result.bytes / 2 ** 20).toFixed(0)} MiB written`,
      );
      rmSync(output, { force: true });
    }
    if (process.env.KEEP_BENCH === undefined) rmSync(path, { force: true });
  }
  if (stepCounts.length >= 2) {
    const [small, large] = [stepCounts[0]!, stepCounts.at(-1)!];
    for (const format of formats) {
      const a = figures.get(`${format}@${small}`)!;
      const b = figures.get(`${format}@${large}`)!;
      console.log(`${format}: ${large / small}x the steps -> peak RSS x${(b.peakMiB / a.peakMiB).toFixed(2)}, throughput x${(b.stepsPerSecond / a.stepsPerSecond).toFixed(2)}`);
    }
  }
} finally {
  if (process.env.KEEP_BENCH === undefined) rmSync(directory, { recursive: true, force: true }); else console.log(directory);
}
