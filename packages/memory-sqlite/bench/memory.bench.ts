// Benchmark: insert throughput (batches of 1,000, embedding included) of each writer (inline; a
// writer thread, batches awaited one by one; a writer thread with 2 batches in flight through
// writeMemoryBatches), each filling its own file to the size; then, on the last file, recall latency
// p50/p95, hybrid and vector-only, with the default 384-dim hashed embedder; the vector part's
// recall@10 against exact brute-force cosine; sqlite-vec's float brute force for comparison. Prints
// figures as it goes, asserts nothing. `npx tsx bench/memory.bench.ts [sizes] [queries]`, e.g.
// `10000,100000,1000000 200` (1M: ~1.3 GB per file and ~4 GB of memory, minutes).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { SeededRandom } from '@worldloop/core';
import type { NewMemory, RecallQuery } from '@worldloop/spec';
import { HashedEmbedder } from '../src/hashed-embedder.js';
import { SqliteMemoryStore } from '../src/sqlite-memory-store.js';
import { writeMemoryBatches } from '../src/write-memory-batches.js';

const sizes = (process.argv[2] ?? '10000,100000').split(',').map(Number);
const queryCount = Number(process.argv[3] ?? 200);
const exactQueryCount = Math.min(queryCount, 50);
/** Queries of sqlite-vec's float brute force (about 1.4 s each at 1M), per size. */
const floatQueryCount = (size: number) => (size > 100_000 ? 10 : 50);
const batchSize = 1000;
const directory = mkdtempSync(join(tmpdir(), 'worldloop-memory-bench-'));

/** Uniform draws in [0, 1) from core's seeded generator: the same data on every run. */
function seeded(seed: number): () => number {
  const generator = new SeededRandom(seed);
  return () => generator.next();
}

const random = seeded(42);
const syllables = ['ka', 'to', 'ri', 'mu', 'sel', 'an', 'dor', 'vi', 'lo', 'quen', 'bra', 'ti', 'ez', 'om', 'pra', 'nu'];
/** 4,000 made-up words, drawn with a Zipf-like law (word i has weight 1/(i+1)), like natural text. */
const vocabulary = Array.from({ length: 4000 }, (_, index) => {
  let word = '';
  for (let value = index + 17; value > 0; value = Math.floor(value / 16)) word += syllables[value % 16];
  return word;
});
const cumulative: number[] = [];
vocabulary.reduce((sum, _, index) => (cumulative[index] = sum + 1 / (index + 1)), 0);
function zipfWord(): string {
  const target = random() * cumulative[cumulative.length - 1]!;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cumulative[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return vocabulary[low]!;
}
const colours = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'];
const things = ['key', 'ball', 'box', 'door', 'chest', 'lamp'];
const verbs = ['picked up', 'dropped', 'opened', 'saw', 'toggled', 'lost'];
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
/** A memory-like sentence: a gridworld event plus 4 to 12 words of Zipfian filler. */
function sentence(): string {
  const filler = Array.from({ length: 4 + Math.floor(random() * 9) }, zipfWord).join(' ');
  return `I ${pick(verbs)} the ${pick(colours)} ${pick(things)} near ${filler} at step ${Math.floor(random() * 1000)}`;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}
const milliseconds = (value: number) => `${value.toFixed(2)} ms`;
/** The 1-minute load average: on a shared machine, figures taken under load are slower. */
const loadAverage = () => loadavg()[0]!.toFixed(1);

/** p50/p95/mean of `run` over the queries, after 10 warm-up calls. */
async function latency<T>(queries: readonly T[], run: (query: T) => unknown): Promise<string> {
  for (const query of queries.slice(0, 10)) await run(query);
  const times: number[] = [];
  for (const query of queries) {
    const start = performance.now();
    await run(query);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((sum, value) => sum + value, 0) / times.length;
  return `p50 ${milliseconds(percentile(times, 0.5))}  p95 ${milliseconds(percentile(times, 0.95))}  mean ${milliseconds(mean)}`;
}

const embedder = new HashedEmbedder();
console.log(`memory bench: sizes ${sizes.join(', ')}; ${queryCount} queries per measurement, ${exactQueryCount} for recall@10; dimension ${embedder.dimension}; batches of ${batchSize}`);

try {
  for (const size of sizes) {
    const texts = Array.from({ length: size }, sentence);
    const importances = Array.from({ length: size }, () => Math.round(random() * 100) / 100);
    const base = Date.now() - size * 1000;
    const batches = function* (): Generator<NewMemory[]> {
      for (let start = 0; start < size; start += batchSize) {
        yield texts.slice(start, start + batchSize).map(
          (text, offset): NewMemory => ({
            kind: offset % 10 === 0 ? 'reflection' : 'observation',
            text,
            namespace: 'agent:bench',
            importance: importances[start + offset]!,
            createdAt: base + (start + offset) * 1000,
            provenance: { runId: 1, episodeId: 1 + Math.floor((start + offset) / 50), stepIndex: (start + offset) % 50 },
          }),
        );
      }
    };

    const embedStart = performance.now();
    for (let start = 0; start < Math.min(size, 10_000); start += batchSize) await embedder.embed(texts.slice(start, start + batchSize));
    const embedPerSecond = Math.min(size, 10_000) / ((performance.now() - embedStart) / 1000);

    /** Fills a new file with the size's memories through `writer`, `inFlight` batches at a time; returns the store and its rate. */
    const fill = async (writer: 'inline' | 'thread', inFlight: number) => {
      const path = join(directory, `memories-${size}-${writer}-${inFlight}.db`);
      const store = new SqliteMemoryStore({ path, embedder, writer });
      const start = performance.now();
      let reported = 0;
      await writeMemoryBatches(store, batches(), {
        inFlight,
        onWritten: () => {
          reported += batchSize;
          if (size >= 200_000 && reported % 250_000 === 0) console.log(`  … ${writer}, ${inFlight} in flight: ${reported.toLocaleString('en-US')} written, ${Math.round(reported / ((performance.now() - start) / 1000)).toLocaleString('en-US')}/s so far (load ${loadAverage()})`);
        },
      });
      const perSecond = size / ((performance.now() - start) / 1000);
      return { store, path, perSecond };
    };
    console.log(`\n${size.toLocaleString('en-US')} memories (${availableParallelism()} cores)`);
    const rates: string[] = [];
    let filled: Awaited<ReturnType<typeof fill>> | undefined;
    for (const [writer, inFlight] of [['inline', 1], ['thread', 1], ['thread', 2]] as const) {
      filled = await fill(writer, inFlight);
      rates.push(`${writer}${inFlight > 1 ? `, ${inFlight} in flight` : ''}: ${Math.round(filled.perSecond).toLocaleString('en-US')}/s (load ${loadAverage()})`);
      if (!(writer === 'thread' && inFlight === 2)) {
        await filled.store.close();
        rmSync(filled.path, { force: true });
        rmSync(`${filled.path}-wal`, { force: true });
      }
    }
    const { store, path } = filled!;
    console.log(`  insert, memories/s in batches of ${batchSize}, embedding included (embedding alone: ${Math.round(embedPerSecond).toLocaleString('en-US')}/s): ${rates.join('; ')}; file ${(statSync(path).size / 1024 / 1024).toFixed(0)} MiB`);

    const queries = Array.from({ length: queryCount }, sentence);
    const hybrid = (text: string): RecallQuery => ({ text, namespaces: ['agent:bench'], limit: 10 });
    const vectorOnly = (text: string): RecallQuery => ({ text, namespaces: ['agent:bench'], limit: 10, weights: { lexical: 0, vector: 1, recency: 0, importance: 0 } });
    console.log(`  recall hybrid (default weights, limit 10):    ${await latency(queries, (text) => store.recall(hybrid(text)))}`);
    console.log(`  recall vector only (limit 10):                ${await latency(queries, (text) => store.recall(vectorOnly(text)))}`);
    console.log(`  recall hybrid + filters (kind, since):        ${await latency(queries, (text) => store.recall({ ...hybrid(text), kinds: ['reflection'], since: base + (size / 2) * 1000 }))}`);
    console.log(`  recall by recency + importance only (no text): ${await latency(queries, () => store.recall({ namespaces: ['agent:bench'], limit: 10 }))}`);

    // Exact search: brute-force cosine over the float32 embeddings of every stored text (the truth,
    // whatever precision the store keeps them in), in JS. Ids follow insertion order from 1.
    const database = new Database(path, { readonly: true });
    const dimension = embedder.dimension;
    const ids = new Float64Array(size);
    const matrix = new Float32Array(size * dimension);
    let rowCount = 0;
    for (const [id, text] of database.prepare('SELECT id, text FROM memories ORDER BY id').raw().iterate() as Iterable<[number, string]>) {
      ids[rowCount] = id;
      matrix.set(embedder.embedText(text), rowCount * dimension);
      rowCount += 1;
    }
    let found = 0;
    for (const text of queries.slice(0, exactQueryCount)) {
      const query = embedder.embedText(text);
      const similarities = new Float32Array(rowCount);
      for (let row = 0; row < rowCount; row++) {
        let sum = 0;
        const offset = row * dimension;
        for (let index = 0; index < dimension; index++) sum += matrix[offset + index]! * query[index]!;
        similarities[row] = sum;
      }
      const tenth = similarities.slice().sort()[rowCount - 10]!;
      const hits = await store.recall(vectorOnly(text));
      // Ties at the 10th place may go either way: a hit counts when it is at least as similar as the 10th exact neighbour.
      found += hits.filter((hit) => similarities[Number(hit.record.id) - 1]! >= tenth - 1e-6).length;
    }
    database.close();
    console.log(`  vector recall@10 against exact cosine search: ${(found / (exactQueryCount * 10)).toFixed(3)} (${exactQueryCount} queries)`);

    // sqlite-vec's own float brute force, for comparison.
    const floats = new Database(':memory:');
    sqliteVec.load(floats);
    floats.exec(`CREATE VIRTUAL TABLE v USING vec0 (embedding FLOAT[${dimension}] distance_metric=cosine)`);
    const insert = floats.prepare('INSERT INTO v (rowid, embedding) VALUES (?, ?)');
    floats.transaction(() => {
      for (let row = 0; row < rowCount; row++) insert.run(BigInt(ids[row]!), Buffer.from(matrix.buffer, row * dimension * 4, dimension * 4));
    })();
    const knn = floats.prepare('SELECT rowid, distance FROM v WHERE embedding MATCH ? AND k = 10');
    const queryVectors = queries.slice(0, floatQueryCount(size)).map((text) => Buffer.from(embedder.embedText(text).buffer));
    console.log(`  sqlite-vec float[${dimension}] brute-force KNN (k 10), for comparison: ${await latency(queryVectors, (vector) => knn.all(vector))}`);
    floats.close();
    await store.close();
    rmSync(path, { force: true });
    rmSync(`${path}-wal`, { force: true });
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
