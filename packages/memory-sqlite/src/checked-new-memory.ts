// Validates one memory of a write batch against the MemoryStore contract and turns it into column
// values. Refusals are StoreErrors naming the memory's position in the batch, the value and the fix.
import { StoreError, type MemoryKind, type NewMemory } from '@worldloop/spec';

/** Memory kinds, and their codes in the vector index's metadata (never renumber). */
export const memoryKindCodes: ReadonlyMap<MemoryKind, number> = new Map<MemoryKind, number>([
  ['observation', 0],
  ['action-outcome', 1],
  ['reflection', 2],
  ['fact', 3],
  ['skill', 4],
]);

/** Importance of a memory written without one. */
export const defaultImportance = 0.5;

/** A memory whose fields passed the checks, as column values. */
export interface CheckedNewMemory {
  readonly kind: MemoryKind;
  readonly text: string;
  /** The payload as JSON text, or null. */
  readonly payload: string | null;
  readonly importance: number;
  readonly namespace: string;
  readonly runId: number | null;
  readonly episodeId: number | null;
  readonly stepIndex: number | null;
  /** Ids of the linked memories, in order (existence is checked when writing). */
  readonly links: readonly number[];
  readonly createdAt: number | undefined;
  readonly embedding: ArrayLike<number> | undefined;
}

/**
 * Checks `memory`, the `position`-th of its batch. Throws StoreError (details.reason
 * `invalid-memory`) for an unknown kind, text that is empty or only whitespace, a namespace that is
 * not a non-empty string, importance outside 0..1, a payload JSON cannot carry, provenance ids
 * that are not non-negative whole numbers, a createdAt that is not a whole number of ms, or a link
 * that is not a memory id. The embedding is checked later, against the store's dimension.
 */
export function checkNewMemory(memory: NewMemory, position: number): CheckedNewMemory {
  const which = `Memory ${position} of the batch`;
  function refuse(problem: string, field: string): never {
    throw new StoreError(`${which} ${problem}`, { details: { reason: 'invalid-memory', position, field } });
  }
  if (memory === null || typeof memory !== 'object') refuse(`is ${memory === null ? 'null' : typeof memory}, not a memory object.`, 'memory');
  if (!memoryKindCodes.has(memory.kind)) refuse(`has kind ${JSON.stringify(memory.kind)}; use one of ${[...memoryKindCodes.keys()].join(', ')}.`, 'kind');
  if (typeof memory.text !== 'string' || memory.text.trim() === '') {
    refuse(`has ${typeof memory.text === 'string' ? 'empty text' : `text ${JSON.stringify(memory.text)}`}; a memory needs text saying what is remembered.`, 'text');
  }
  if (typeof memory.namespace !== 'string' || memory.namespace.trim() === '') {
    refuse(`has namespace ${JSON.stringify(memory.namespace)}; give a non-empty namespace such as "agent:alice" or "task:UnlockPickup".`, 'namespace');
  }
  const importance = memory.importance ?? defaultImportance;
  if (typeof importance !== 'number' || !(importance >= 0 && importance <= 1)) {
    refuse(`has importance ${String(importance)}; importance is a number from 0 to 1 (default ${defaultImportance}).`, 'importance');
  }
  let payload: string | null = null;
  if (memory.payload !== undefined) {
    try {
      payload = JSON.stringify(memory.payload) ?? null;
    } catch (error) {
      refuse(`has a payload JSON cannot carry (${error instanceof Error ? error.message : String(error)}); store plain JSON data.`, 'payload');
    }
    if (payload === null) refuse(`has a payload of type ${typeof memory.payload}, not a JSON value.`, 'payload');
  }
  const provenance = memory.provenance ?? {};
  const provenanceId = (field: 'runId' | 'episodeId' | 'stepIndex'): number | null => {
    const value = provenance[field];
    if (value === undefined) return null;
    if (!Number.isSafeInteger(value) || value < 0) refuse(`has provenance.${field} ${String(value)}; use a non-negative whole number, or leave it out.`, `provenance.${field}`);
    return value;
  };
  if (memory.createdAt !== undefined && !Number.isSafeInteger(memory.createdAt)) {
    refuse(`has createdAt ${String(memory.createdAt)}; use whole milliseconds since the epoch (Date.now()), or leave it out for now.`, 'createdAt');
  }
  const links = (memory.links ?? []).map((link) => {
    // A JS number holds ids below 2^53 exactly; a larger one would read as a neighbouring id.
    if (typeof link !== 'string' || !/^[1-9][0-9]{0,15}$/.test(link) || String(Number(link)) !== link) {
      refuse(`links to ${JSON.stringify(link)}, which is not a memory id; link to ids that write returned.`, 'links');
    }
    return Number(link);
  });
  return {
    kind: memory.kind,
    text: memory.text,
    payload,
    importance,
    namespace: memory.namespace,
    runId: provenanceId('runId'),
    episodeId: provenanceId('episodeId'),
    stepIndex: provenanceId('stepIndex'),
    links,
    createdAt: memory.createdAt,
    embedding: memory.embedding,
  };
}
