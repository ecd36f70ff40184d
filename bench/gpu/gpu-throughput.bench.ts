// Benchmark (not a test): generated tokens per second of the worldloop Runner + Agent + LlmPolicy on
// gridworld/GoToLocal-v0 at 1, 8 and 64 episodes in flight (each exactly `--steps` steps long: a
// finished layout is replaced by a new one, EndlessEpisodeEnvironment), against the engine's raw
// ceiling at the same parallelism (same prompt sizes and tokens per call, no worldloop), and where
// the time goes.
// Backends: `in-process` (LlamaCppModel, node-llama-cpp; CPU here, CUDA on the GPU machine) or
// `server:<url>` (OpenAICompatibleModel against llama.cpp's llama-server, json-schema tool mode).
// Random-weight GGUFs from testkit: only throughput means anything. Prints figures, asserts nothing.
// Run (CPU check): pnpm tsx bench/gpu/write-bench-gguf.ts /tmp/tiny.gguf tiny &&
//   pnpm tsx bench/gpu/gpu-throughput.bench.ts --model /tmp/tiny.gguf --in-flight 1,4 --steps 3
// On the GPU machine: bench/gpu/run-on-h200.sh (see bench/gpu/README.md).
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Agent, LlmPolicy, Runner } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { LlamaCppModel } from '@worldloop/model-llama-cpp';
import { OpenAICompatibleModel } from '@worldloop/model-openai-compatible';
import type { JsonValue, LanguageModel, StepRecord } from '@worldloop/spec';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { EndlessEpisodeEnvironment } from './endless-episode-environment.js';
import type { CeilingFigures, CeilingWorkload } from './ceiling-workload.js';
import { measureLlamaCppCeiling } from './llama-cpp-ceiling.js';
import { measureServerCeiling } from './server-ceiling.js';
import { TimedLanguageModel } from './timed-language-model.js';

const ENVIRONMENT_ID = 'gridworld/GoToLocal-v0';

const { values: flags } = parseArgs({
  options: {
    model: { type: 'string' },
    backend: { type: 'string', default: 'in-process' },
    gpu: { type: 'string', default: 'auto' },
    'in-flight': { type: 'string', default: '1,8,64' },
    steps: { type: 'string', default: '8' },
    'max-tokens': { type: 'string', default: '128' },
    'episodes-per-slot': { type: 'string', default: '1' },
    'context-tokens': { type: 'string', default: '4096' },
    threads: { type: 'string' },
    json: { type: 'string' },
  },
});

if (flags.model === undefined && flags.backend === 'in-process') {
  console.error('usage: gpu-throughput.bench --model <gguf> [--backend in-process|server:<url>/v1] [--gpu auto|cuda|false] [--in-flight 1,8,64] [--steps 8] [--max-tokens 128] [--episodes-per-slot 1] [--context-tokens 4096] [--threads N] [--json out.json]');
  process.exit(2);
}
const backend = flags.backend;
const serverUrl = backend.startsWith('server:') ? backend.slice('server:'.length).replace(/\/$/, '') : undefined;
if (backend !== 'in-process' && serverUrl === undefined) throw new Error(`--backend must be in-process or server:<url>, got ${backend}`);
const gpu = flags.gpu === 'false' ? false : (flags.gpu as 'auto' | 'cuda' | 'vulkan');
const inFlightCounts = flags['in-flight'].split(',').map(Number);
const steps = Number(flags.steps);
const maxTokens = Number(flags['max-tokens']);
const episodesPerSlot = Number(flags['episodes-per-slot']);
const contextTokens = Number(flags['context-tokens']);
const threads = flags.threads !== undefined ? Number(flags.threads) : undefined;

/** One worldloop run at one parallelism: what it did, and where its time went. */
interface LoopFigures {
  readonly inFlight: number;
  readonly episodes: number;
  readonly steps: number;
  readonly calls: number;
  readonly failedCalls: number;
  readonly invalidActions: number;
  readonly elapsedMs: number;
  readonly completionTokens: number;
  readonly promptTokens: number;
  readonly cachedPromptTokens: number;
  readonly tokensPerSecond: number;
  /** Sum of generate() durations / wall time: the mean number of calls inside the backend (ideal: in flight). */
  readonly meanCallsInFlight: number;
  /** Sum of generate() durations / (episode slots x wall time): the share of episode time spent waiting for the model. */
  readonly generateShare: number;
  /** Per step, LlmPolicy's own time outside generate() (prompt building, parsing, event-loop waits), ms. */
  readonly policyMsPerStep: number;
  /** Per step, the environment's step() and the agent's bookkeeping after it, ms. */
  readonly environmentMsPerStep: number;
  /** Per step, slot time outside steps (episode start and end, idle slots at the end of the run), ms. */
  readonly otherMsPerStep: number;
  /**
   * Share of the run's wall time the JavaScript thread was busy (Node's event-loop utilization): near
   * 1, the agent loop (and, in-process, node-llama-cpp's JavaScript side) is the bottleneck.
   */
  readonly eventLoopUtilization: number;
  /** Per call, time waiting for a free sequence inside LlamaCppModel (in-process), ms. */
  readonly sequenceWaitMsPerCall?: number;
  /** Per call, llama-server's own prompt and generation time (`timings`), ms. */
  readonly serverPromptMsPerCall?: number;
  readonly serverPredictedMsPerCall?: number;
  /** The ceiling's workload derived from this run. */
  readonly workload: CeilingWorkload;
}

interface Row {
  readonly loop: LoopFigures;
  readonly ceiling: CeilingFigures;
}

async function openModel(inFlight: number): Promise<{ model: LanguageModel; close: () => Promise<void> }> {
  if (serverUrl !== undefined) {
    const model = await OpenAICompatibleModel.connect({
      baseUrl: serverUrl,
      server: 'llama-cpp',
      toolCallMode: 'json-schema',
      maxConcurrency: Math.max(64, inFlight),
      timeoutMs: 600_000,
      maxRetries: 0,
    });
    return { model, close: async () => undefined };
  }
  const model = await LlamaCppModel.load({ modelPath: flags.model!, gpu, sequences: inFlight, contextTokens, chatWrapper: 'general', ...(threads !== undefined ? { threads } : {}) });
  return { model, close: () => model.close() };
}

async function runLoop(inFlight: number): Promise<LoopFigures> {
  const spec = gridworldEnvironments.find((candidate) => candidate.id === ENVIRONMENT_ID);
  if (!spec) throw new Error(`${ENVIRONMENT_ID} is not registered`);
  const opened = await openModel(inFlight);
  try {
    const timed = new TimedLanguageModel(opened.model);
    const agent = new Agent({ policy: new LlmPolicy({ model: timed, sampling: { maxTokens, temperature: 0 } }) });
    // Warm-up: one short episode (CUDA kernels, grammar compilation, JIT), not measured.
    await new Runner(agent).run({ createEnvironment: () => new EndlessEpisodeEnvironment(spec.create()), episodes: 1, concurrency: 1, baseSeed: 999, maxSteps: 1, progressIntervalMs: 60_000 });
    timed.reset();
    const stepRecords: StepRecord[] = [];
    agent.events.on('step-end', ({ step }) => stepRecords.push(step));
    const episodes = inFlight * episodesPerSlot;
    const loopBefore = performance.eventLoopUtilization();
    const startedAt = performance.now();
    const summary = await new Runner(agent).run({ createEnvironment: () => new EndlessEpisodeEnvironment(spec.create()), episodes, concurrency: inFlight, baseSeed: 1, maxSteps: steps, progressIntervalMs: 60_000 });
    const elapsedMs = performance.now() - startedAt;
    const eventLoopUtilization = performance.eventLoopUtilization(loopBefore).utilization;
    if (summary.failedEpisodes > 0) console.warn(`  ${summary.failedEpisodes} of ${episodes} episodes failed`);
    const calls = timed.calls.filter((call) => !call.failed);
    const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
    const generateMs = sum(timed.calls.map((call) => call.endedAt - call.startedAt));
    const completionTokens = sum(calls.map((call) => call.completionTokens));
    const promptTokens = sum(calls.map((call) => call.promptTokens));
    const cachedPromptTokens = sum(calls.map((call) => call.cachedPromptTokens));
    const stepCount = Math.max(1, stepRecords.length);
    const planMs = sum(stepRecords.map((step) => step.timings.planMs));
    const actMs = sum(stepRecords.map((step) => step.timings.actMs + step.timings.perceiveMs + step.timings.rememberMs));
    const slotMs = Math.min(inFlight, episodes) * elapsedMs;
    const firstUsages = stepRecords.filter((step) => step.stepIndex === 0).map((step) => step.modelCalls[0]?.result.usage);
    const firstCalls = firstUsages.map((usage) => usage?.promptTokens ?? 0);
    const firstCached = sum(firstUsages.map((usage) => usage?.cachedPromptTokens ?? 0));
    const firstPromptTokens = firstCalls.length > 0 ? sum(firstCalls) / firstCalls.length : 0;
    const laterCalls = Math.max(1, calls.length - firstCalls.length);
    const laterPromptTokens = (promptTokens - sum(firstCalls)) / laterCalls;
    const laterCachedTokens = (cachedPromptTokens - firstCached) / laterCalls;
    const raws = calls.map((call) => call.raw).filter((raw): raw is Record<string, JsonValue> => typeof raw === 'object' && raw !== null && !Array.isArray(raw));
    const waited = raws.map((raw) => raw['waitedMs']).filter((value): value is number => typeof value === 'number');
    const serverTimings = raws.map((raw) => raw['timings']).filter((value): value is Record<string, JsonValue> => typeof value === 'object' && value !== null && !Array.isArray(value));
    const serverMs = (key: string): number => sum(serverTimings.map((timing) => (typeof timing[key] === 'number' ? (timing[key] as number) : 0)));
    return {
      inFlight,
      episodes,
      steps: stepRecords.length,
      calls: timed.calls.length,
      failedCalls: timed.calls.length - calls.length,
      invalidActions: summary.invalidActions,
      elapsedMs,
      completionTokens,
      promptTokens,
      cachedPromptTokens,
      tokensPerSecond: (completionTokens / elapsedMs) * 1000,
      meanCallsInFlight: generateMs / elapsedMs,
      generateShare: generateMs / slotMs,
      policyMsPerStep: (planMs - generateMs) / stepCount,
      environmentMsPerStep: actMs / stepCount,
      otherMsPerStep: (slotMs - planMs - actMs) / stepCount,
      eventLoopUtilization,
      ...(waited.length > 0 ? { sequenceWaitMsPerCall: sum(waited) / calls.length } : {}),
      ...(serverTimings.length > 0 ? { serverPromptMsPerCall: serverMs('prompt_ms') / calls.length, serverPredictedMsPerCall: serverMs('predicted_ms') / calls.length } : {}),
      workload: {
        inFlight: Math.min(inFlight, episodes),
        callsPerSequence: Math.max(1, Math.round(calls.length / Math.min(inFlight, episodes))),
        firstPromptTokens: Math.max(1, Math.round(firstPromptTokens)),
        firstCachedTokens: firstCalls.length > 0 ? Math.round(firstCached / firstCalls.length) : 0,
        laterPromptTokens: Math.max(1, Math.round(calls.length > firstCalls.length ? laterPromptTokens : firstPromptTokens)),
        laterCachedTokens: Math.round(calls.length > firstCalls.length ? laterCachedTokens : 0),
        completionTokens: Math.max(1, Math.round(calls.length > 0 ? completionTokens / calls.length : maxTokens)),
      },
    };
  } finally {
    await opened.close();
  }
}

async function runCeiling(workload: CeilingWorkload): Promise<CeilingFigures> {
  if (serverUrl !== undefined) return measureServerCeiling(serverUrl, workload);
  const llama = await getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.warn });
  try {
    const model = await llama.loadModel({ modelPath: flags.model! });
    try {
      const ceilingThreads = threads ?? (llama.gpu === false ? Math.max(1, llama.cpuMathCores - 1) : undefined);
      // Warm-up on one sequence, not measured.
      await measureLlamaCppCeiling(model, { contextTokens, ...(ceilingThreads !== undefined ? { threads: ceilingThreads } : {}) }, { ...workload, inFlight: 1, callsPerSequence: 1 });
      return await measureLlamaCppCeiling(model, { contextTokens, ...(ceilingThreads !== undefined ? { threads: ceilingThreads } : {}) }, workload);
    } finally {
      await model.dispose();
    }
  } finally {
    await llama.dispose();
  }
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '-' : value.toFixed(digits);
}

function printTable(rows: readonly Row[]): void {
  const header = ['in flight', 'episodes', 'steps', 'calls', 'invalid', 'seconds', 'gen tokens', 'tok/s', 'ceiling tok/s', 'of ceiling', 'speed-up', 'ceiling speed-up', 'calls in backend', 'gen share', 'policy ms/step', 'env ms/step', 'other ms/step', 'JS busy'];
  const sorted = [...rows].sort((left, right) => left.loop.inFlight - right.loop.inFlight);
  const base = sorted[0]!;
  const lines = sorted.map(({ loop, ceiling }) => [
    String(loop.inFlight),
    String(loop.episodes),
    String(loop.steps),
    String(loop.calls),
    String(loop.invalidActions),
    fixed(loop.elapsedMs / 1000, 1),
    String(loop.completionTokens),
    fixed(loop.tokensPerSecond, 0),
    fixed(ceiling.tokensPerSecond, 0),
    fixed(loop.tokensPerSecond / ceiling.tokensPerSecond, 2),
    `${fixed(loop.tokensPerSecond / base.loop.tokensPerSecond, 2)}x`,
    `${fixed(ceiling.tokensPerSecond / base.ceiling.tokensPerSecond, 2)}x`,
    fixed(loop.meanCallsInFlight, 1),
    fixed(loop.generateShare, 3),
    fixed(loop.policyMsPerStep, 2),
    fixed(loop.environmentMsPerStep, 3),
    fixed(loop.otherMsPerStep, 2),
    fixed(loop.eventLoopUtilization, 2),
  ]);
  const widths = header.map((name, column) => Math.max(name.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: readonly string[]): string => cells.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
  console.log(format(header));
  console.log(format(widths.map((width) => '-'.repeat(width))));
  for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
  const backendName = serverUrl !== undefined ? `llama-server at ${serverUrl} (OpenAICompatibleModel, json-schema tool mode)` : `in-process LlamaCppModel (node-llama-cpp, gpu ${String(gpu)})`;
  console.log(`worldloop Runner + Agent + LlmPolicy on ${ENVIRONMENT_ID}: ${steps} steps per episode at most, ${episodesPerSlot} episode(s) per slot, maxTokens ${maxTokens}, temperature 0`);
  console.log(`backend: ${backendName}; model ${flags.model ?? '(the server\'s)'}; context ${contextTokens} tokens per sequence`);
  console.log('ceiling: the same engine at the same parallelism without worldloop (same first-prompt, new-prompt and generated tokens per call, end-of-text ignored, no grammar)');
  const rows: Row[] = [];
  for (const inFlight of inFlightCounts) {
    const loop = await runLoop(inFlight);
    const ceiling = await runCeiling(loop.workload);
    rows.push({ loop, ceiling });
    const workload = loop.workload;
    console.log(
      `\n${inFlight} in flight: worldloop ${fixed(loop.tokensPerSecond, 0)} tok/s, ceiling ${fixed(ceiling.tokensPerSecond, 0)} tok/s, ratio ${fixed(loop.tokensPerSecond / ceiling.tokensPerSecond, 2)}` +
        `\n  per call: first prompt ${workload.firstPromptTokens} tokens (${workload.firstCachedTokens} cached from the slot's previous episode), later prompts ${workload.laterPromptTokens} of which ${workload.laterCachedTokens} cached (${fixed((loop.cachedPromptTokens / Math.max(1, loop.promptTokens)) * 100, 0)}% of all prompt tokens from cache), ${workload.completionTokens} generated; ${workload.callsPerSequence} calls per slot` +
        `\n  time: ${fixed(loop.meanCallsInFlight, 1)} calls inside the backend on average (of ${inFlight}); ${fixed(loop.generateShare * 100, 1)}% of episode time in generate(), the loop's share per step: policy ${fixed(loop.policyMsPerStep, 2)} ms, environment ${fixed(loop.environmentMsPerStep, 3)} ms, other ${fixed(loop.otherMsPerStep, 2)} ms; JavaScript thread busy ${fixed(loop.eventLoopUtilization * 100, 0)}% of the run` +
        (loop.sequenceWaitMsPerCall !== undefined ? `\n  inside LlamaCppModel: ${fixed(loop.sequenceWaitMsPerCall, 2)} ms per call waiting for a sequence` : '') +
        (loop.serverPromptMsPerCall !== undefined
          ? `\n  inside llama-server per call: prompt ${fixed(loop.serverPromptMsPerCall, 1)} ms, generation ${fixed(loop.serverPredictedMsPerCall, 1)} ms; generate() took ${fixed((loop.meanCallsInFlight * loop.elapsedMs) / Math.max(1, loop.calls), 1)} ms per call end to end`
          : '') +
        `\n  ceiling: ${ceiling.calls} calls, ${ceiling.completionTokens} tokens generated, ${ceiling.promptTokens} prompt tokens, ${fixed(ceiling.elapsedMs / 1000, 1)} s`,
    );
    // Written after every parallelism, so a run cut short by a time limit keeps what it measured.
    if (flags.json !== undefined) writeFileSync(flags.json, `${JSON.stringify({ environment: ENVIRONMENT_ID, backend, model: flags.model ?? null, steps, maxTokens, episodesPerSlot, contextTokens, rows }, null, 2)}\n`);
  }
  console.log(`\n${backendName}`);
  printTable(rows);
}

await main();
