// The MemoryStore conformance suite: every memory store runs it in one line. It checks ranking by
// each component on constructed cases, namespace isolation, filters, round trips of provenance,
// payload and links, and that bad input is refused with StoreError while good input is never an SQL error.
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError, type MemoryHit, type MemoryStore, type NewMemory, type RecallWeights } from '@worldloop/spec';

/** What the suite asks of the store it creates. */
export interface MemoryStoreConformanceContext {
  /**
   * Length of the embeddings the suite passes explicitly (`NewMemory.embedding`,
   * `RecallQuery.embedding`): the store must hold embeddings of this dimension. Memories written
   * without an embedding are embedded by the store's own embedder, whatever it is.
   */
  readonly embeddingDimension: number;
}

/** Creates a fresh, empty store for one test. */
export type MemoryStoreFactory = (context: MemoryStoreConformanceContext) => MemoryStore | Promise<MemoryStore>;

const dimension = 8;
const hour = 3_600_000;
const only = (component: keyof RecallWeights): Required<RecallWeights> => ({ lexical: 0, vector: 0, recency: 0, importance: 0, [component]: 1 });

/** A unit basis vector of the suite's dimension, optionally mixed with a little of another axis. */
function axis(index: number, mix?: { index: number; amount: number }): number[] {
  const vector = new Array<number>(dimension).fill(0);
  vector[index] = 1;
  if (mix !== undefined) vector[mix.index] = mix.amount;
  return vector;
}

const ids = (hits: readonly MemoryHit[]) => hits.map((hit) => hit.record.text);

/**
 * Registers the conformance tests of a MemoryStore implementation under `describe(name)`.
 * `create` is called once per test; the store is closed after it.
 */
export function describeMemoryStoreConformance(name: string, create: MemoryStoreFactory): void {
  describe(`MemoryStore conformance: ${name}`, () => {
    let store: MemoryStore | undefined;
    const open = async () => (store = await create({ embeddingDimension: dimension }));
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    describe('write', () => {
      it('returns the records in order, with distinct string ids and defaults filled in', async () => {
        const memories = await open();
        const before = Date.now();
        const written = await memories.write([
          { kind: 'fact', text: 'first', namespace: 'agent:a' },
          { kind: 'observation', text: 'second', namespace: 'agent:a', importance: 0.25, createdAt: 1_000 },
        ]);
        expect(written.map((record) => record.text)).toEqual(['first', 'second']);
        expect(new Set(written.map((record) => record.id)).size).toBe(2);
        for (const record of written) expect(typeof record.id).toBe('string');
        expect(written[0]).toMatchObject({ kind: 'fact', namespace: 'agent:a', importance: 0.5 });
        expect(written[0]!.createdAt).toBeGreaterThanOrEqual(before - 1000);
        expect(written[1]).toMatchObject({ importance: 0.25, createdAt: 1_000 });
        expect(await memories.write([])).toEqual([]);
      });

      it('round-trips provenance, payload and links through recall', async () => {
        const memories = await open();
        const [source, other] = await memories.write([
          { kind: 'action-outcome', text: 'pickup key then reward one', namespace: 'agent:a', provenance: { runId: 3, episodeId: 7, stepIndex: 12 } },
          { kind: 'observation', text: 'the door is locked', namespace: 'agent:a', provenance: { episodeId: 7 } },
        ]);
        const payload = { sources: [source!.id, other!.id], lesson: { text: 'keys open doors', confidence: 0.8, tags: ['key', null, true] } };
        const [reflection] = await memories.write([
          { kind: 'reflection', text: 'a key opens a locked door', namespace: 'agent:a', links: [source!.id, other!.id], payload, importance: 0.9 },
        ]);
        expect(reflection).toMatchObject({ links: [source!.id, other!.id], payload });

        const hits = await memories.recall({ namespaces: ['agent:a'], limit: 10 });
        const byId = new Map(hits.map((hit) => [hit.record.id, hit.record]));
        expect(byId.get(source!.id)).toMatchObject({ kind: 'action-outcome', provenance: { runId: 3, episodeId: 7, stepIndex: 12 } });
        expect(byId.get(other!.id)!.provenance).toEqual({ episodeId: 7 });
        expect(byId.get(reflection!.id)).toMatchObject({ kind: 'reflection', links: [source!.id, other!.id], payload, importance: 0.9 });
        expect(byId.get(reflection!.id)!.provenance).toBeUndefined();
      });

      it('gets memories by id, in the order asked, each once, leaving out ids it does not hold', async () => {
        const memories = await open();
        const written = await memories.write([
          { kind: 'fact', text: 'alpha', namespace: 'agent:a', provenance: { runId: 1, episodeId: 2, stepIndex: 3 } },
          { kind: 'observation', text: 'beta', namespace: 'agent:b' },
        ]);
        const [linked] = await memories.write([{ kind: 'reflection', text: 'gamma', namespace: 'agent:a', links: [written[1]!.id, written[0]!.id], payload: { n: 1 } }]);
        const got = await memories.get([linked!.id, written[1]!.id, 'no-such-id', '999999', written[0]!.id, linked!.id]);
        expect(got).toEqual([linked, written[1], written[0]]);
        expect(await memories.get([])).toEqual([]);
      });
    });

    describe('ranking by one component', () => {
      it('lexical: the memory sharing the query words ranks first', async () => {
        const memories = await open();
        await memories.write([
          { kind: 'fact', text: 'the red key opens the red door', namespace: 'agent:a' },
          { kind: 'fact', text: 'a blue ball rests in the hall', namespace: 'agent:a' },
          { kind: 'fact', text: 'a green box stands near the wall', namespace: 'agent:a' },
        ]);
        const hits = await memories.recall({ text: 'where is the blue ball?', namespaces: ['agent:a'], weights: only('lexical') });
        expect(hits[0]!.record.text).toBe('a blue ball rests in the hall');
        expect(hits[0]!.components.lexical).toBe(1);
      });

      it('vector: the memory whose embedding is nearest the query embedding ranks first', async () => {
        const memories = await open();
        await memories.write([
          { kind: 'fact', text: 'alpha', namespace: 'agent:a', embedding: axis(0) },
          { kind: 'fact', text: 'beta', namespace: 'agent:a', embedding: axis(1, { index: 2, amount: 0.5 }) },
          { kind: 'fact', text: 'gamma', namespace: 'agent:a', embedding: axis(2, { index: 1, amount: 0.2 }) },
        ]);
        const hits = await memories.recall({ embedding: axis(1), namespaces: ['agent:a'], weights: only('vector') });
        expect(ids(hits)).toEqual(['beta', 'gamma', 'alpha']);
        expect(hits[0]!.components.vector).toBe(1);
        expect(hits[2]!.components.vector).toBe(0);
      });

      it('recency: the most recent memory ranks first', async () => {
        const memories = await open();
        const now = Date.now();
        await memories.write([
          { kind: 'fact', text: 'ten hours ago', namespace: 'agent:a', createdAt: now - 10 * hour },
          { kind: 'fact', text: 'one hour ago', namespace: 'agent:a', createdAt: now - hour },
          { kind: 'fact', text: 'five hours ago', namespace: 'agent:a', createdAt: now - 5 * hour },
        ]);
        const hits = await memories.recall({ text: 'ten hours ago', namespaces: ['agent:a'], weights: only('recency') });
        expect(ids(hits)).toEqual(['one hour ago', 'five hours ago', 'ten hours ago']);
      });

      it('importance: the most important memory ranks first', async () => {
        const memories = await open();
        await memories.write([
          { kind: 'fact', text: 'minor', namespace: 'agent:a', importance: 0.1 },
          { kind: 'fact', text: 'crucial', namespace: 'agent:a', importance: 0.95 },
          { kind: 'fact', text: 'middling', namespace: 'agent:a', importance: 0.5 },
        ]);
        const hits = await memories.recall({ text: 'minor', namespaces: ['agent:a'], weights: only('importance') });
        expect(ids(hits)).toEqual(['crucial', 'middling', 'minor']);
        expect(hits[0]!.components.importance).toBe(1);
        expect(hits[1]!.components.importance).toBeCloseTo(0.4 / 0.85, 9);
        expect(hits[2]!.components.importance).toBe(0);
      });
    });

    describe('scores', () => {
      it('components are normalised to 0..1, and score is their weighted mean, best first', async () => {
        const memories = await open();
        const now = Date.now();
        await memories.write([
          { kind: 'fact', text: 'the red key opens the red door', namespace: 'agent:a', importance: 0.2, createdAt: now - 30 * hour, embedding: axis(0) },
          { kind: 'fact', text: 'red door in the east room', namespace: 'agent:a', importance: 0.9, createdAt: now - 2 * hour, embedding: axis(0, { index: 1, amount: 1 }) },
          { kind: 'fact', text: 'the ball is blue', namespace: 'agent:a', importance: 0.6, createdAt: now - 8 * hour, embedding: axis(3) },
          { kind: 'fact', text: 'nothing here', namespace: 'agent:a', importance: 0.4, createdAt: now - 50 * hour, embedding: axis(4) },
        ]);
        const weights = { lexical: 2, vector: 1, recency: 0.5, importance: 1.5 };
        const hits = await memories.recall({ text: 'red door', embedding: axis(0), namespaces: ['agent:a'], weights });
        expect(hits.length).toBeGreaterThan(0);
        for (const hit of hits) {
          for (const value of Object.values(hit.components)) {
            expect(value).toBeGreaterThanOrEqual(0);
            expect(value).toBeLessThanOrEqual(1);
          }
          const expected = (2 * hit.components.lexical + hit.components.vector + 0.5 * hit.components.recency + 1.5 * hit.components.importance) / 5;
          expect(hit.score).toBeCloseTo(expected, 9);
        }
        expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
        expect(hits[0]!.record.text).toBe('red door in the east room');
      });

      it('with default weights, a relevant, recent and important memory ranks first', async () => {
        const memories = await open();
        const now = Date.now();
        await memories.write([
          { kind: 'fact', text: 'the yellow key is under the table', namespace: 'agent:a', importance: 0.9, createdAt: now - hour },
          { kind: 'fact', text: 'the yellow key was lost', namespace: 'agent:a', importance: 0.2, createdAt: now - 40 * hour },
          { kind: 'fact', text: 'the kitchen is warm', namespace: 'agent:a', importance: 0.3, createdAt: now - 2 * hour },
        ]);
        const hits = await memories.recall({ text: 'yellow key', namespaces: ['agent:a'] });
        expect(hits[0]!.record.text).toBe('the yellow key is under the table');
      });
    });

    describe('namespaces', () => {
      it('returns only the namespaces asked for; one nothing was written to matches nothing', async () => {
        const memories = await open();
        await memories.write([
          { kind: 'fact', text: 'secret plan of alice: the vault code is 4321', namespace: 'agent:alice', importance: 1 },
          { kind: 'fact', text: 'bob thinks the vault code is 1234', namespace: 'agent:bob' },
          { kind: 'fact', text: 'the vault is in the cellar', namespace: 'task:vault' },
        ]);
        const bob = await memories.recall({ text: 'vault code alice secret', namespaces: ['agent:bob'], limit: 10 });
        expect(bob.map((hit) => hit.record.namespace)).toEqual(['agent:bob']);
        const shared = await memories.recall({ text: 'vault code', namespaces: ['agent:bob', 'task:vault'], limit: 10 });
        expect(new Set(shared.map((hit) => hit.record.namespace))).toEqual(new Set(['agent:bob', 'task:vault']));
        expect(await memories.recall({ text: 'vault code', namespaces: ['agent:carol'] })).toEqual([]);
        expect(await memories.recall({ text: 'vault code', namespaces: [] })).toEqual([]);
        const everyone = await memories.recall({ text: 'vault code', limit: 10 });
        expect(everyone).toHaveLength(3);
      });
    });

    describe('filters', () => {
      it('applies kinds, episodeId, since (inclusive), until (exclusive) and limit', async () => {
        const memories = await open();
        const base = Date.now() - 100 * hour;
        const written = await memories.write(
          Array.from({ length: 12 }, (_, index): NewMemory => ({
            kind: index % 3 === 0 ? 'reflection' : 'observation',
            text: `the door memory number ${index}`,
            namespace: 'agent:a',
            createdAt: base + index * hour,
            provenance: { episodeId: index < 6 ? 1 : 2, stepIndex: index },
          })),
        );
        const query = { text: 'door memory', namespaces: ['agent:a'], limit: 50 };
        const reflections = await memories.recall({ ...query, kinds: ['reflection'] });
        expect(reflections.map((hit) => hit.record.id).sort()).toEqual([0, 3, 6, 9].map((index) => written[index]!.id).sort());
        const episode = await memories.recall({ ...query, episodeId: 2 });
        expect(episode.map((hit) => hit.record.provenance?.stepIndex).sort((a, b) => a! - b!)).toEqual([6, 7, 8, 9, 10, 11]);
        const window = await memories.recall({ ...query, since: base + 3 * hour, until: base + 6 * hour });
        expect(window.map((hit) => hit.record.provenance?.stepIndex).sort((a, b) => a! - b!)).toEqual([3, 4, 5]);
        const combined = await memories.recall({ ...query, kinds: ['observation'], episodeId: 1, since: base + 2 * hour });
        expect(combined.map((hit) => hit.record.provenance?.stepIndex).sort((a, b) => a! - b!)).toEqual([2, 4, 5]);
        expect(await memories.recall({ ...query, limit: 4 })).toHaveLength(4);
        expect(await memories.recall({ ...query, kinds: [] })).toEqual([]);
        const noText = await memories.recall({ namespaces: ['agent:a'], limit: 3, weights: only('recency') });
        expect(noText.map((hit) => hit.record.provenance?.stepIndex)).toEqual([11, 10, 9]);
      });
    });

    describe('bad input', () => {
      it('refuses empty text, importance outside 0..1, wrong embedding length and unknown links, writing nothing of the batch', async () => {
        const memories = await open();
        const [kept] = await memories.write([{ kind: 'fact', text: 'kept', namespace: 'agent:a' }]);
        const good: NewMemory = { kind: 'fact', text: 'good but in a bad batch', namespace: 'agent:a' };
        const bad: NewMemory[] = [
          { kind: 'fact', text: '', namespace: 'agent:a' },
          { kind: 'fact', text: '   \n', namespace: 'agent:a' },
          { kind: 'fact', text: 'too important', namespace: 'agent:a', importance: 1.5 },
          { kind: 'fact', text: 'negative', namespace: 'agent:a', importance: -0.1 },
          { kind: 'fact', text: 'not a number', namespace: 'agent:a', importance: Number.NaN },
          { kind: 'fact', text: 'short vector', namespace: 'agent:a', embedding: [1, 0, 0] },
          { kind: 'fact', text: 'long vector', namespace: 'agent:a', embedding: new Array<number>(dimension + 1).fill(0.5) },
          { kind: 'fact', text: 'dangling link', namespace: 'agent:a', links: ['999999'] },
          { kind: 'fact', text: 'no namespace', namespace: '' },
          { kind: 'feeling' as never, text: 'unknown kind', namespace: 'agent:a' },
        ];
        for (const memory of bad) {
          await expect(memories.write([good, memory]), JSON.stringify(memory)).rejects.toBeInstanceOf(StoreError);
        }
        const all = await memories.recall({ namespaces: ['agent:a'], limit: 100 });
        expect(all.map((hit) => hit.record.id)).toEqual([kept!.id]);
        await expect(memories.recall({ text: '' })).rejects.toBeInstanceOf(StoreError);
        await expect(memories.recall({ embedding: [1, 2] })).rejects.toBeInstanceOf(StoreError);
        await expect(memories.recall({ text: 'kept', weights: { lexical: 0, vector: 0, recency: 0, importance: 0 } })).rejects.toBeInstanceOf(StoreError);
        await expect(memories.recall({ text: 'kept', limit: 0 })).rejects.toBeInstanceOf(StoreError);
      });

      it('treats full-text query syntax in the query as plain words, never as an error', async () => {
        const memories = await open();
        await memories.write([
          { kind: 'fact', text: 'the door near the key', namespace: 'agent:a' },
          { kind: 'fact', text: 'text: column filters "quoted" and NOT operators', namespace: 'agent:a' },
        ]);
        const queries = ['"unbalanced quote', 'door NEAR key', 'NEAR(door key, 2)', 'key*', '-door', 'door -key', '(door OR', 'text: door', 'AND', 'NOT door', '^door', '***', '-- ()', '"', "'; DROP TABLE memories; --", 'col:*"'];
        for (const text of queries) {
          const hits = await memories.recall({ text, namespaces: ['agent:a'] });
          expect(Array.isArray(hits), text).toBe(true);
        }
        const near = await memories.recall({ text: 'NEAR', namespaces: ['agent:a'], weights: only('lexical') });
        expect(near[0]!.record.text).toBe('the door near the key');
        const operators = await memories.recall({ text: 'NOT operators', namespaces: ['agent:a'], weights: only('lexical') });
        expect(operators[0]!.record.text).toBe('text: column filters "quoted" and NOT operators');
      });
    });
  });
}
