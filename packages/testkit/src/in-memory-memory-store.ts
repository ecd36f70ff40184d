// A MemoryStore kept in process memory: the reference the conformance suite is checked against.
// It scores every memory that passes the filters (no candidate search), lexical relevance being
// BM25 computed as FTS5 does. Recall is linear in the number of memories: for tests and small worlds.
import { StoreError, type Embedder, type MemoryHit, type MemoryKind, type MemoryRecord, type MemoryStore, type NewMemory, type RecallQuery, type RecallWeights } from '@worldloop/spec';

/** Options of an `InMemoryMemoryStore`. */
export interface InMemoryMemoryStoreOptions {
  /** Embeds texts written without an embedding; without one, such memories have no vector (similarity 0). */
  readonly embedder?: Embedder;
  /** Length of embeddings (default the embedder's dimension, else 384). */
  readonly embeddingDimension?: number;
  /** Hits when a query gives no limit (default 10). */
  readonly limit?: number;
  /** Weights when a query gives none (default lexical 0.5, vector 0.5, recency 1, importance 1). */
  readonly weights?: RecallWeights;
  /** Recency factor per hour of age (default 0.99). */
  readonly decayPerHour?: number;
  /** Clock, ms since the epoch. */
  readonly now?: () => number;
}

interface StoredMemory {
  readonly order: number;
  readonly record: MemoryRecord;
  readonly vector: Float32Array | undefined;
  readonly terms: readonly string[];
}

type Components = { lexical: number; vector: number; recency: number; importance: number };

const kinds: readonly MemoryKind[] = ['observation', 'action-outcome', 'reflection', 'fact', 'skill'];
const componentNames = ['lexical', 'vector', 'recency', 'importance'] as const;
const wordPattern = /[\p{L}\p{N}\p{Co}]+/gu;

/** Lower-cased words without diacritics, as SQLite's `unicode61 remove_diacritics 2` tokenizer gives them. */
function terms(text: string): string[] {
  return [...text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().matchAll(wordPattern)].map((match) => match[0]);
}

/**
 * The reference MemoryStore: same contract and scoring formula as the SQLite store
 * (components min-max normalised over the candidates, here every memory passing the filters;
 * `score = Σ weight × component / Σ weight`), written as plainly as possible.
 */
export class InMemoryMemoryStore implements MemoryStore {
  readonly #memories: StoredMemory[] = [];
  readonly #byId = new Map<string, StoredMemory>();
  readonly #embedder: Embedder | undefined;
  readonly #dimension: number;
  readonly #limit: number;
  readonly #weights: Required<RecallWeights>;
  readonly #decayPerHour: number;
  readonly #now: () => number;
  #closed = false;

  constructor(options: InMemoryMemoryStoreOptions = {}) {
    this.#embedder = options.embedder;
    this.#dimension = options.embeddingDimension ?? options.embedder?.dimension ?? 384;
    this.#limit = options.limit ?? 10;
    this.#weights = { lexical: 0.5, vector: 0.5, recency: 1, importance: 1, ...options.weights };
    this.#decayPerHour = options.decayPerHour ?? 0.99;
    this.#now = options.now ?? Date.now;
  }

  async write(memories: readonly NewMemory[]): Promise<readonly MemoryRecord[]> {
    this.#checkOpen();
    memories.forEach((memory, position) => this.#check(memory, position));
    const vectors = await Promise.all(
      memories.map(async (memory, position) => {
        if (memory.embedding !== undefined) return this.#unit(memory.embedding, `The embedding of memory ${position} of the batch`);
        if (this.#embedder === undefined) return undefined;
        const [vector] = await this.#embedder.embed([memory.text]);
        return this.#unit(vector!, `The embedder's vector of memory ${position}`);
      }),
    );
    return memories.map((memory, position) => {
      const order = this.#memories.length + 1;
      const { embedding: _embedding, payload, links, provenance, ...fields } = memory;
      const record: MemoryRecord = {
        ...fields,
        id: String(order),
        importance: memory.importance ?? 0.5,
        createdAt: memory.createdAt ?? Math.round(this.#now()),
        ...(payload !== undefined ? { payload: JSON.parse(JSON.stringify(payload)) } : {}),
        ...(links !== undefined && links.length > 0 ? { links: [...links] } : {}),
        ...(provenance !== undefined && Object.keys(provenance).length > 0 ? { provenance: { ...provenance } } : {}),
      };
      const stored: StoredMemory = { order, record, vector: vectors[position], terms: terms(memory.text) };
      this.#memories.push(stored);
      this.#byId.set(record.id, stored);
      return record;
    });
  }

  async get(ids: readonly string[]): Promise<readonly MemoryRecord[]> {
    this.#checkOpen();
    if (!Array.isArray(ids)) throw new StoreError(`get takes a list of memory ids, not ${typeof ids}.`, { details: { reason: 'invalid-id' } });
    return [...new Set(ids)].flatMap((id) => {
      const stored = this.#byId.get(id);
      return stored === undefined ? [] : [stored.record];
    });
  }

  async recall(query: RecallQuery): Promise<readonly MemoryHit[]> {
    this.#checkOpen();
    const refuse = (problem: string): never => {
      throw new StoreError(`Recall query ${problem}`, { details: { reason: 'invalid-query' } });
    };
    if (query.text !== undefined && (typeof query.text !== 'string' || query.text.trim() === '')) refuse('has empty text.');
    const limit = query.limit ?? this.#limit;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) refuse(`has limit ${String(limit)}.`);
    const weights = { ...this.#weights, ...Object.fromEntries(Object.entries(query.weights ?? {}).filter(([, value]) => value !== undefined)) };
    if (Object.values(weights).some((weight) => !(weight >= 0 && weight < Infinity))) refuse('has a negative or non-finite weight.');
    const weightSum = weights.lexical + weights.vector + weights.recency + weights.importance;
    if (weightSum === 0) refuse('has every weight 0.');
    let queryVector: Float32Array | undefined;
    if (weights.vector > 0 && query.embedding !== undefined) queryVector = this.#unit(query.embedding, 'The recall query embedding');
    else if (weights.vector > 0 && query.text !== undefined && this.#embedder !== undefined) {
      queryVector = this.#unit((await this.#embedder.embed([query.text]))[0]!, "The embedder's vector of the recall text");
    }

    const candidates = this.#memories.filter(({ record }) => {
      if (query.namespaces !== undefined && !query.namespaces.includes(record.namespace)) return false;
      if (query.kinds !== undefined && !query.kinds.includes(record.kind)) return false;
      if (query.episodeId !== undefined && record.provenance?.episodeId !== query.episodeId) return false;
      if (query.since !== undefined && record.createdAt < query.since) return false;
      if (query.until !== undefined && record.createdAt >= query.until) return false;
      return true;
    });
    const queryTerms = query.text === undefined || weights.lexical === 0 ? [] : [...new Set(terms(query.text))];
    const bm25 = this.#bm25(queryTerms);
    const now = this.#now();
    const raw = candidates.map((memory): Components => ({
      lexical: bm25(memory),
      vector: queryVector !== undefined && memory.vector !== undefined ? memory.vector.reduce((sum, value, index) => sum + value * queryVector![index]!, 0) : 0,
      recency: this.#decayPerHour ** (Math.max(0, now - memory.record.createdAt) / 3_600_000),
      importance: memory.record.importance,
    }));
    const low = Object.fromEntries(componentNames.map((name) => [name, Math.min(...raw.map((values) => values[name]))])) as Components;
    const high = Object.fromEntries(componentNames.map((name) => [name, Math.max(...raw.map((values) => values[name]))])) as Components;
    const hits = candidates.map((memory, index) => {
      const components = Object.fromEntries(
        componentNames.map((name) => {
          const range = high[name] - low[name];
          return [name, range > 0 ? (raw[index]![name] - low[name]) / range : high[name] > 0 ? 1 : 0];
        }),
      ) as Components;
      const score = componentNames.reduce((sum, name) => sum + weights[name] * components[name], 0) / weightSum;
      return { memory, hit: { record: memory.record, score, components } satisfies MemoryHit };
    });
    hits.sort((a, b) => b.hit.score - a.hit.score || b.memory.order - a.memory.order);
    return hits.slice(0, limit).map(({ hit }) => hit);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** BM25 of each memory for `queryTerms`, over the whole store, as FTS5 computes it (k1 1.2, b 0.75; 0 without a match). */
  #bm25(queryTerms: readonly string[]): (memory: StoredMemory) => number {
    if (queryTerms.length === 0) return () => 0;
    const count = this.#memories.length;
    const averageLength = this.#memories.reduce((sum, memory) => sum + memory.terms.length, 0) / count;
    const inverseFrequency = new Map(
      queryTerms.map((term) => {
        const containing = this.#memories.filter((memory) => memory.terms.includes(term)).length;
        return [term, Math.max(1e-6, Math.log((count - containing + 0.5) / (containing + 0.5)))];
      }),
    );
    return (memory) => {
      let score = 0;
      for (const term of queryTerms) {
        const frequency = memory.terms.filter((candidate) => candidate === term).length;
        if (frequency === 0) continue;
        score += (inverseFrequency.get(term)! * frequency * 2.2) / (frequency + 1.2 * (0.25 + (0.75 * memory.terms.length) / averageLength));
      }
      return score;
    };
  }

  #check(memory: NewMemory, position: number): void {
    const refuse = (problem: string): never => {
      throw new StoreError(`Memory ${position} of the batch ${problem}`, { details: { reason: 'invalid-memory', position } });
    };
    if (!kinds.includes(memory.kind)) refuse(`has kind ${JSON.stringify(memory.kind)}.`);
    if (typeof memory.text !== 'string' || memory.text.trim() === '') refuse('has empty text.');
    if (typeof memory.namespace !== 'string' || memory.namespace.trim() === '') refuse('has no namespace.');
    const importance = memory.importance ?? 0.5;
    if (!(importance >= 0 && importance <= 1)) refuse(`has importance ${String(importance)}, outside 0..1.`);
    for (const link of memory.links ?? []) if (!this.#byId.has(link)) refuse(`links to memory ${JSON.stringify(link)}, which does not exist.`);
    if (memory.embedding !== undefined) this.#unit(memory.embedding, `The embedding of memory ${position} of the batch`);
  }

  #unit(values: ArrayLike<number>, what: string): Float32Array {
    if (values.length !== this.#dimension) {
      throw new StoreError(`${what} has ${values.length} dimensions, but this store holds ${this.#dimension}-dimension embeddings.`, { details: { reason: 'embedding-dimension' } });
    }
    const vector = Float32Array.from(values);
    const length = Math.hypot(...vector);
    if (!(length > 0 && length < Infinity)) throw new StoreError(`${what} is all zeros or not finite.`, { details: { reason: 'invalid-embedding' } });
    return vector.map((value) => value / length);
  }

  #checkOpen(): void {
    if (this.#closed) throw new StoreError('This InMemoryMemoryStore is closed; create a new one.');
  }
}
