// Benchmark (not a test): the agent loop on the gridworld with OpenTelemetry tracing off, and on with
// spans batched to an exporter that drops them (the SDK's own cost) and to a JSON-lines file (the
// cost with serialisation and writing), in one process, rounds interleaved. The baseline builds each
// step's record as a recorder would (a step-end listener), since tracing reads it too. Prints steps/s,
// ratios and the tracing cost per step. Run: pnpm tsx bench/tracing-overhead.bench.ts [steps] [rounds]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Agent, RandomPolicy, Runner } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { AgentTracing, startTraceExport } from '@worldloop/tracing';

const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
const stepsPerRound = Number(process.argv[2] ?? 50_000);
const rounds = Number(process.argv[3] ?? 3);
const directory = mkdtempSync(join(tmpdir(), 'worldloop-tracing-bench-'));

/** Takes spans and drops them: what is left is the cost of making and batching them. */
class DroppingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

type Variant = 'off' | 'dropped' | 'file';

/** Steps/s of the agent loop (random primitive actions, concurrency 4) with tracing as `variant` says. */
async function loop(variant: Variant, round: number): Promise<number> {
  const agent = new Agent({ policy: new RandomPolicy<string>({ level: 'primitive' }) });
  // The loop builds step records only for someone who reads them; here every variant has a reader.
  agent.events.on('step-end', () => {});
  let finish = async (): Promise<void> => {};
  if (variant === 'dropped') {
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new DroppingExporter(), { maxQueueSize: 65_536, maxExportBatchSize: 4096 })] });
    new AgentTracing({ tracer: provider.getTracer('bench') }).attach(agent.events);
    finish = () => provider.shutdown();
  } else if (variant === 'file') {
    const exported = startTraceExport(join(directory, `trace-${round}.jsonl`));
    new AgentTracing({ tracer: exported.tracer }).attach(agent.events);
    finish = async () => {
      await exported.shutdown();
    };
  }
  const maxSteps = spec.create().maxSteps ?? 64;
  const started = performance.now();
  const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes: Math.ceil(stepsPerRound / maxSteps), concurrency: 4, baseSeed: round });
  await finish();
  return summary.totalSteps / ((performance.now() - started) / 1000);
}

try {
  await loop('off', 0); // warm-up
  const results: Record<Variant, number[]> = { off: [], dropped: [], file: [] };
  for (let round = 1; round <= rounds; round++) for (const variant of ['off', 'dropped', 'file'] as const) results[variant].push(await loop(variant, round));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const off = median(results.off);
  console.log(`agent loop on ${spec.id}, random primitive actions, concurrency 4, ~${stepsPerRound.toLocaleString('en-US')} steps a round, median of ${rounds} interleaved rounds`);
  for (const [name, variant] of [['tracing off, records built (baseline)', 'off'], ['traced, spans batched and dropped', 'dropped'], ['traced to a JSON-lines file', 'file']] as const) {
    const value = median(results[variant]);
    const cost = variant === 'off' ? '' : `  (+${(1e6 / value - 1e6 / off).toFixed(1)} µs a step)`;
    console.log(`${name.padEnd(40)} ${Math.round(value).toLocaleString('en-US').padStart(9)} steps/s  ${(value / off).toFixed(2)} x off${cost}`);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
