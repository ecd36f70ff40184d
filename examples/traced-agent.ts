// Example: an agent's run traced with OpenTelemetry, its spans written to a JSON-lines file.
// Point `startTraceExport` at http://127.0.0.1:4318 instead to see them in Jaeger, Tempo or Phoenix.
// Run: pnpm tsx examples/traced-agent.ts
import { readFileSync } from 'node:fs';
import { Agent, ExpertPolicy, Runner } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { AgentTracing, startTraceExport } from '@worldloop/tracing';

const exported = startTraceExport('.worldloop/trace.jsonl');
const agent = new Agent({ policy: new ExpertPolicy() });
// Every event of the loop becomes a span or a span's attribute: run → episode → step.
new AgentTracing({ tracer: exported.tracer, agentName: 'expert' }).attach(agent.events);

const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes: 3, concurrency: 3, baseSeed: 7 });
// Flush what is still batched; a collector that is down shows up here, not as a crash.
const report = await exported.shutdown();

type SpanJson = { readonly name: string; readonly traceId: string };
const spans = readFileSync(exported.destination, 'utf8')
  .trim()
  .split('\n')
  .flatMap((line) => (JSON.parse(line) as { resourceSpans: { scopeSpans: { spans: SpanJson[] }[] }[] }).resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));
const count = (prefix: string) => spans.filter((span) => span.name.startsWith(prefix)).length;
console.log(
  `${spans.length} spans in ${new Set(spans.map((span) => span.traceId)).size} trace: ${count('worldloop.run')} run, ${count('invoke_agent')} episodes, ${count('step ')} steps ` +
    `(${summary.totalSteps} taken); ${report.exportedBatches} batch(es) written to .worldloop/trace.jsonl, ${report.failedBatches} failed`,
);
