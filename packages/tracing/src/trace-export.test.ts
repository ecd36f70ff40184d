// Tests of the trace export: spans of a real run reach an OTLP/HTTP endpoint on loopback (a real
// server reading the JSON requests) and a JSON-lines file; a collector that is down or answers 500
// never fails the run; destinations of another scheme are refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, ExpertPolicy, Runner } from '@worldloop/core';
import { ConfigError } from '@worldloop/spec';
import { LineWorldEnvironment } from '@worldloop/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentTracing } from './agent-tracing.js';
import { startTraceExport, type TraceExportReport } from './trace-export.js';

interface OtlpRequest {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly { readonly key: string; readonly value: { readonly stringValue?: string } }[] };
    readonly scopeSpans: readonly { readonly scope: { readonly name: string }; readonly spans: readonly { readonly name: string; readonly traceId: string; readonly parentSpanId?: string }[] }[];
  }[];
}

let directory: string;
let server: Server | undefined;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-trace-'));
});
afterEach(async () => {
  rmSync(directory, { recursive: true, force: true });
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Runs 3 expert episodes of the line world, traced to `target`, and shuts the export down. */
async function tracedRun(target: string): Promise<TraceExportReport> {
  // A short export timeout: the exporter retries a 500 or a refused connection until it runs out.
  const exported = startTraceExport(target, { cwd: directory, serviceVersion: '0.1.0', exportTimeoutMs: 1500 });
  const agent = new Agent({ policy: new ExpertPolicy() });
  new AgentTracing({ tracer: exported.tracer }).attach(agent.events);
  const summary = await new Runner(agent).run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 3, concurrency: 2 });
  expect(summary.status).toBe('finished');
  return exported.shutdown();
}

const spanNames = (requests: readonly OtlpRequest[]) => requests.flatMap((request) => request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.name))));

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

/** An OTLP/HTTP receiver on loopback answering `status`; returns its base URL and what it received. */
async function collector(status: number): Promise<{ url: string; requests: { path: string; contentType: string; body: OtlpRequest }[] }> {
  const requests: { path: string; contentType: string; body: OtlpRequest }[] = [];
  server = createServer(async (request, response) => {
    requests.push({ path: request.url ?? '', contentType: request.headers['content-type'] ?? '', body: JSON.parse(await readBody(request)) as OtlpRequest });
    response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('startTraceExport', () => {
  it('sends the spans of a run to an OTLP/HTTP endpoint as JSON on /v1/traces, with the service resource', async () => {
    const { url, requests } = await collector(200);
    expect(await tracedRun(url)).toEqual({ exportedBatches: requests.length, failedBatches: 0 });
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((request) => request.path === '/v1/traces' && request.contentType.startsWith('application/json'))).toBe(true);
    const names = spanNames(requests.map((request) => request.body));
    expect(names.filter((name) => name === 'worldloop.run')).toHaveLength(1);
    expect(names.filter((name) => name.startsWith('invoke_agent '))).toHaveLength(3);
    expect(names.filter((name) => name.startsWith('step '))).not.toHaveLength(0);
    const resource = requests[0]!.body.resourceSpans[0]!.resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'worldloop' } });
    expect(resource).toContainEqual({ key: 'service.version', value: { stringValue: '0.1.0' } });
  });

  it('appends OTLP/JSON lines to a file, one trace for the run', async () => {
    await tracedRun('traces/run.jsonl');
    const lines = readFileSync(join(directory, 'traces/run.jsonl'), 'utf8').trim().split('\n');
    const requests = lines.map((line) => JSON.parse(line) as OtlpRequest);
    const spans = requests.flatMap((request) => request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));
    expect(spans.filter((span) => span.name.startsWith('invoke_agent '))).toHaveLength(3);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    expect(requests[0]!.resourceSpans[0]!.scopeSpans[0]!.scope.name).toBe('worldloop');
    // A file that cannot be written (here: a folder) fails the exports, not the run.
    const unwritable = await tracedRun('traces');
    expect(unwritable).toMatchObject({ exportedBatches: 0, lastError: expect.objectContaining({ message: expect.stringMatching(/EISDIR/) }) });
  });

  it('never fails the run when the collector answers 500 or is not there', async () => {
    const { url, requests } = await collector(500);
    const answered500 = await tracedRun(url);
    expect(requests.length).toBeGreaterThan(0);
    expect(answered500).toMatchObject({ exportedBatches: 0, failedBatches: requests.length, lastError: expect.objectContaining({ message: expect.stringMatching(/Internal Server Error/) }) });
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    // The port is closed now: connection refused, on every export.
    const refused = await tracedRun(url);
    expect(refused.exportedBatches).toBe(0);
    expect(refused.failedBatches).toBeGreaterThan(0);
  });

  it('refuses an empty destination and URLs of another scheme, naming what it takes', () => {
    expect(() => startTraceExport(' ')).toThrow(ConfigError);
    expect(() => startTraceExport('grpc://127.0.0.1:4317')).toThrow(/uses grpc; OTLP is exported over http:\/\/ or https:\/\//);
    expect(startTraceExport('https://collector.example:4318/custom/path').destination).toBe('https://collector.example:4318/custom/path');
    expect(startTraceExport('http://127.0.0.1:4318').destination).toBe('http://127.0.0.1:4318/v1/traces');
  });
});

describe('OtlpJsonFileExporter', () => {
  // The file-size limit (`ulimit -f`) makes a write stop part-way, as a full disk does.
  it.skipIf(process.platform === 'win32')('leaves no half-written line behind when a write fails part-way, so the lines after it still parse', () => {
    const path = join(directory, 'limited.jsonl');
    const childScript = fileURLToPath(new URL('./fixtures/export-batches-process.ts', import.meta.url));
    const script = `ulimit -S -f 8 && exec "$0" --import tsx "$@"`; // 8 KiB
    const child = spawnSync('bash', ['-c', script, process.execPath, childScript, path, '100', '20000', '100'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim().split('\n')).toEqual(['exported', expect.stringMatching(/^failed .*EFBIG/), 'exported']);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => (JSON.parse(line) as OtlpRequest).resourceSpans.length)).toEqual([1, 1]);
  });
});
