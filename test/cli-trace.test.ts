// `worldloop run --trace`: OpenTelemetry spans of a recorded run appended to a JSON-lines file, the
// destination not recorded with the run (a resume may trace elsewhere), a bad destination refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@worldloop/cli';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from './cli-io-capture.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-cli-trace-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

interface SpanJson {
  readonly name: string;
  readonly traceId: string;
  readonly attributes: readonly { readonly key: string; readonly value: Record<string, unknown> }[];
}

describe('worldloop run --trace', () => {
  it('appends the run’s spans to a file as OTLP/JSON: one trace, an episode span per episode, a step span per recorded step', async () => {
    const db = join(directory, 'runs.db');
    const io = captureIo(directory);
    const code = await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'expert', '--episodes', '3', '--db', db, '--trace', 'out/trace.jsonl'], io);
    expect(code, io.errors()).toBe(0);
    expect(io.output()).toMatch(/trace: \d+ batch(es)? of spans exported to .*out\/trace\.jsonl/);
    const spans = readFileSync(join(directory, 'out/trace.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .flatMap((line) => (JSON.parse(line) as { resourceSpans: { scopeSpans: { spans: SpanJson[] }[] }[] }).resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));
    const store = new SqliteTrajectoryStore({ path: db });
    try {
      const episodes = await store.listEpisodes({ runId: 1 });
      expect(spans.filter((span) => span.name === 'invoke_agent expert')).toHaveLength(3);
      expect(spans.filter((span) => span.name.startsWith('step '))).toHaveLength(episodes.reduce((sum, episode) => sum + episode.stepCount!, 0));
      expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
      const run = spans.find((span) => span.name === 'worldloop.run')!;
      expect(run.attributes).toContainEqual({ key: 'worldloop.run.id', value: { intValue: 1 } });
      // Where the spans went is not part of the run: a resume may trace elsewhere.
      expect(JSON.stringify((await store.getRun(1))!.config)).not.toContain('trace');
    } finally {
      await store.close();
    }
  });

  it('refuses a destination of another scheme with exit code 2, before running', async () => {
    const io = captureIo(directory);
    expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'expert', '--episodes', '1', '--db', join(directory, 'runs.db'), '--trace', 'grpc://127.0.0.1:4317'], io)).toBe(2);
    expect(io.errors()).toMatch(/uses grpc; OTLP is exported over http:\/\/ or https:\/\//);
  });

  it('traces a resumed run to the --trace given with --resume (a resume may trace elsewhere)', async () => {
    const db = join(directory, 'runs.db');
    expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'expert', '--episodes', '2', '--db', db], captureIo(directory), AbortSignal.abort())).toBe(130);
    const io = captureIo(directory);
    expect(await main(['run', '--resume', '1', '--db', db, '--trace', 'resumed.jsonl'], io), io.errors()).toBe(0);
    expect(io.output()).toMatch(/trace: \d+ batch(es)? of spans exported to .*resumed\.jsonl/);
    expect(readFileSync(join(directory, 'resumed.jsonl'), 'utf8')).toContain('invoke_agent expert');
  });
});
