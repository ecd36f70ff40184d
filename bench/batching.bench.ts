// Benchmark (not a test): does the Runner with LlmPolicy keep a batching model server busy?
// A simulated server (BatchingModelLatency: a forward step costs `stepMs` for up to 64 requests at
// once) answers a scripted model; episodes run at concurrency 1, 8 and 64, and throughput is
// compared with concurrency 1 and with the ideal speed-up (= concurrency, up to the batch limit).
// Real time, one process: the agent loop's own CPU time counts against the speed-up.
// Run: pnpm tsx bench/batching.bench.ts
import { Agent, LlmPolicy, Runner } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { GenerateRequest } from '@worldloop/spec';
import { BatchingModelLatency, ScriptedLanguageModel, generateResult } from '@worldloop/testkit';

const ENVIRONMENT_ID = 'gridworld/GoToObjMaze-v0';
const STEPS_PER_EPISODE = 30;
const STEP_MS = Number(process.env.BENCH_STEP_MS ?? 2);
/** Mean reply length in tokens; replies are 24 tokens each, or spread over 12..36 (same mean). */
const COMPLETION_TOKENS = 24;
const EPISODES_PER_SLOT = 2;
const CONCURRENCIES = [1, 8, 64];
/** A wandering agent: primitives only, so nearly every episode runs its 30 steps (equal work per slot). */
const ROUTE = ['forward', 'forward', 'left', 'forward', 'right', 'forward', 'forward', 'right'];

interface Figures {
  readonly concurrency: number;
  readonly episodes: number;
  readonly steps: number;
  readonly modelCalls: number;
  readonly elapsedMs: number;
  readonly stepsPerSecond: number;
  readonly tokensPerSecond: number;
  readonly meanBatchSize: number;
}

/** Reply lengths: all equal (episodes advance in lockstep, the worst case), or varied per call. */
type ReplyLengths = 'equal' | 'varied';

/**
 * Tokens of a reply. `varied`: 12..36 cycling with the episode's turn, from an offset hashed from
 * the episode's system message (its mission), so every episode sees the same spread (mean ~24) but
 * concurrent episodes are out of phase, as real replies are.
 */
function completionTokens(lengths: ReplyLengths, request: GenerateRequest): number {
  if (lengths === 'equal') return COMPLETION_TOKENS;
  const turn = request.messages.filter((message) => message.role === 'assistant').length;
  const system = String(request.messages[0]?.content ?? '');
  let hash = 0;
  for (let index = 0; index < system.length; index++) hash = (Math.imul(hash, 31) + system.charCodeAt(index)) >>> 0;
  return COMPLETION_TOKENS - 12 + ((turn + hash) % 25);
}

async function measure(concurrency: number, lengths: ReplyLengths): Promise<Figures> {
  const spec = gridworldEnvironments.find((candidate) => candidate.id === ENVIRONMENT_ID)!;
  const latency = new BatchingModelLatency({ stepMs: STEP_MS, maxBatchSize: 64 });
  const model = new ScriptedLanguageModel(
    (request: GenerateRequest) => {
      const turn = request.messages.filter((message) => message.role === 'assistant').length;
      return generateResult({
        text: `Thought: I have not found it yet; I keep exploring.\nAction: ${ROUTE[turn % ROUTE.length]}`,
        usage: { promptTokens: 0, completionTokens: completionTokens(lengths, request) },
      });
    },
    { latency, capabilities: { toolCalls: false } },
  );
  const agent = new Agent({ policy: new LlmPolicy({ model, sampling: { maxTokens: 64 } }) });
  const episodes = concurrency * EPISODES_PER_SLOT;
  const startedAt = performance.now();
  const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes, concurrency, baseSeed: 1, maxSteps: STEPS_PER_EPISODE, progressIntervalMs: 60_000 });
  const elapsedMs = performance.now() - startedAt;
  if (summary.failedEpisodes > 0) throw new Error(`${summary.failedEpisodes} episodes failed`);
  const statistics = latency.statistics;
  const tokens = model.calls.reduce((sum, request) => sum + completionTokens(lengths, request), 0);
  return {
    concurrency,
    episodes,
    steps: summary.totalSteps,
    modelCalls: model.calls.length,
    elapsedMs,
    stepsPerSecond: (summary.totalSteps / elapsedMs) * 1000,
    tokensPerSecond: (tokens / elapsedMs) * 1000,
    meanBatchSize: statistics.meanBatchSize,
  };
}

function table(results: readonly Figures[]): void {
  const base = results[0]!;
  const header = ['in flight', 'episodes', 'steps', 'calls', 'seconds', 'steps/s', 'sim tokens/s', 'steps speed-up', 'tokens speed-up', 'ideal', 'steps of ideal', 'tokens of ideal', 'mean batch'];
  const rows = results.map((figures) => {
    const stepsSpeedUp = figures.stepsPerSecond / base.stepsPerSecond;
    const tokensSpeedUp = figures.tokensPerSecond / base.tokensPerSecond;
    const ideal = Math.min(figures.concurrency, 64) / Math.min(base.concurrency, 64);
    return [
      String(figures.concurrency),
      String(figures.episodes),
      String(figures.steps),
      String(figures.modelCalls),
      (figures.elapsedMs / 1000).toFixed(2),
      figures.stepsPerSecond.toFixed(1),
      Math.round(figures.tokensPerSecond).toLocaleString('en-US'),
      `${stepsSpeedUp.toFixed(2)}x`,
      `${tokensSpeedUp.toFixed(2)}x`,
      `${ideal}x`,
      (stepsSpeedUp / ideal).toFixed(3),
      (tokensSpeedUp / ideal).toFixed(3),
      figures.meanBatchSize.toFixed(1),
    ];
  });
  const widths = header.map((name, column) => Math.max(name.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padStart(widths[column]!)).join('  ');
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  await measure(64, 'varied'); // warm-up at full concurrency: JIT, module loading
  console.log(`Runner + LlmPolicy (text mode) on ${ENVIRONMENT_ID}, ${STEPS_PER_EPISODE}-step episodes, ${EPISODES_PER_SLOT} episodes per slot`);
  console.log(`simulated server: continuous batching, ${STEP_MS} ms per forward step for up to 64 requests; a call takes 1 + its reply tokens forward steps`);
  console.log(`ideal speed-up = concurrency; "of ideal" = speed-up / ideal`);
  for (const lengths of ['equal', 'varied'] as const) {
    console.log(lengths === 'equal' ? `\nreplies of ${COMPLETION_TOKENS} tokens each (one call alone: ${(1 + COMPLETION_TOKENS) * STEP_MS} ms); episodes advance in lockstep, the worst case` : `\nreplies of 12 to 36 tokens (mean about ${COMPLETION_TOKENS}), out of phase between episodes`);
    const results: Figures[] = [];
    for (const concurrency of CONCURRENCIES) results.push(await measure(concurrency, lengths));
    table(results);
  }
}

await main();
