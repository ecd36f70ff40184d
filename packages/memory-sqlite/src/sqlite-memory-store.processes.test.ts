// Tests across processes, with each writer: two writers create and write one memory file at once,
// and nothing is lost (every memory is in the table, the full-text index and the vector index, with
// contiguous per-namespace sequence numbers); a process that never closes its store still exits,
// its writes committed. Children run under tsx.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { startGatedChild, type GatedChildProcess } from '@worldloop/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteMemoryStore } from './sqlite-memory-store.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const childScript = fileURLToPath(new URL('./fixtures/write-memories-process.ts', import.meta.url));

let directory: string;
const children: GatedChildProcess[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-memory-processes-'));
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
  rmSync(directory, { recursive: true, force: true });
});

function startWriter(path: string, namespace: string, count: number, batchSize: number, ...options: string[]): GatedChildProcess {
  const child = startGatedChild(childScript, [path, namespace, String(count), String(batchSize), ...options], { cwd: packageDirectory });
  children.push(child);
  return child;
}

describe.each(['inline', 'thread'])('SqliteMemoryStore across processes (writer %s)', (writer) => {
  it('loses nothing when two processes create and write one file at once', async () => {
    const path = join(directory, 'shared', 'memories.db');
    const count = 1500;
    const writers = [startWriter(path, 'agent:one', count, 25, writer), startWriter(path, 'agent:two', count, 25, writer)];
    await Promise.all(writers.map((writer) => writer.ready));
    for (const writer of writers) writer.go();
    for (const result of await Promise.all(writers.map((writer) => writer.exited))) expect(result, result.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining(`done ${count}`) });

    const database = new Database(path, { readonly: true });
    sqliteVec.load(database);
    expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
    const perNamespace = database
      .prepare('SELECT n.name, count(*) AS memories, min(m.sequence) AS first, max(m.sequence) AS last, count(DISTINCT m.sequence) AS distinct_sequences FROM memories m JOIN memory_namespaces n ON n.id = m.namespace_id GROUP BY n.name ORDER BY n.name')
      .all();
    expect(perNamespace).toEqual([
      { name: 'agent:one', memories: count, first: 1, last: count, distinct_sequences: count },
      { name: 'agent:two', memories: count, first: 1, last: count, distinct_sequences: count },
    ]);
    expect(database.prepare("SELECT count(*) FROM memories_fts WHERE memories_fts MATCH 'saw'").pluck().get()).toBe(2 * count);
    expect(database.prepare('SELECT count(*) FROM memory_vector_index').pluck().get()).toBe(2 * count);
    // Insertion order switching between the namespaces shows the writers really overlapped.
    const order = database.prepare('SELECT namespace_id FROM memories ORDER BY id').pluck().all() as number[];
    expect(order.filter((namespaceId, index) => index > 0 && namespaceId !== order[index - 1]).length).toBeGreaterThan(4);
    database.close();

    const store = SqliteMemoryStore.open(path);
    for (const namespace of ['agent:one', 'agent:two']) {
      const hits = await store.recall({ text: `${namespace} saw item 1234`, namespaces: [namespace], limit: 3, weights: { lexical: 1, vector: 1, recency: 0, importance: 0 } });
      expect(hits[0]!.record).toMatchObject({ namespace, provenance: { stepIndex: 1234 } });
    }
    await store.close();
  });

  it('exits on its own, every write committed, when the store is never closed', async () => {
    const path = join(directory, 'unclosed.db');
    const child = startWriter(path, 'agent:one', 300, 100, writer, 'keep-open');
    await child.ready;
    child.go();
    expect(await child.exited).toMatchObject({ code: 0, stdout: expect.stringContaining('done 300') });
    const database = new Database(path, { readonly: true });
    expect(database.prepare('SELECT count(*) FROM memories').pluck().get()).toBe(300);
    database.close();
  });
});
