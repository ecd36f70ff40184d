// Validates a recall query and fills in the store's defaults (limit, weights). Refusals are
// StoreErrors (details.reason `invalid-query`) naming the field, the value and the fix.
import { StoreError, type MemoryKind, type RecallQuery, type RecallWeights } from '@worldloop/spec';
import { memoryKindCodes } from './checked-new-memory.js';

/** Most hits one recall may ask for. */
export const largestRecallLimit = 1000;

/** A recall query whose fields passed the checks, defaults filled in. */
export interface CheckedRecallQuery {
  readonly text: string | undefined;
  readonly embedding: ArrayLike<number> | undefined;
  readonly namespaces: readonly string[] | undefined;
  readonly kinds: readonly MemoryKind[] | undefined;
  readonly episodeId: number | undefined;
  readonly since: number | undefined;
  readonly until: number | undefined;
  readonly limit: number;
  readonly weights: Readonly<Required<RecallWeights>>;
}

/** Checks `query` and fills in `defaults`; throws StoreError on a bad field. */
export function checkRecallQuery(query: RecallQuery, defaults: { readonly limit: number; readonly weights: Readonly<Required<RecallWeights>> }): CheckedRecallQuery {
  function refuse(problem: string, field: string): never {
    throw new StoreError(`Recall query ${problem}`, { details: { reason: 'invalid-query', field } });
  }
  if (query === null || typeof query !== 'object') refuse(`is ${query === null ? 'null' : typeof query}, not an object.`, 'query');
  if (query.text !== undefined && (typeof query.text !== 'string' || query.text.trim() === '')) {
    refuse(`has ${typeof query.text === 'string' ? 'empty text' : `text ${JSON.stringify(query.text)}`}; give the text to recall memories about, or leave text out to recall by recency and importance.`, 'text');
  }
  if (query.namespaces !== undefined && (!Array.isArray(query.namespaces) || query.namespaces.some((namespace) => typeof namespace !== 'string'))) {
    refuse(`has namespaces ${JSON.stringify(query.namespaces)}; give a list of namespace names, or leave it out to search every namespace.`, 'namespaces');
  }
  if (query.kinds !== undefined && (!Array.isArray(query.kinds) || query.kinds.some((kind) => !memoryKindCodes.has(kind)))) {
    refuse(`has kinds ${JSON.stringify(query.kinds)}; use a list of ${[...memoryKindCodes.keys()].join(', ')}.`, 'kinds');
  }
  if (query.episodeId !== undefined && (!Number.isSafeInteger(query.episodeId) || query.episodeId < 0)) {
    refuse(`has episodeId ${String(query.episodeId)}; use a non-negative whole number.`, 'episodeId');
  }
  for (const field of ['since', 'until'] as const) {
    const value = query[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) refuse(`has ${field} ${String(value)}; use ms since the epoch.`, field);
  }
  const limit = query.limit ?? defaults.limit;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > largestRecallLimit) {
    refuse(`has limit ${String(query.limit)}; use a whole number from 1 to ${largestRecallLimit}.`, 'limit');
  }
  for (const name of Object.keys(query.weights ?? {})) {
    if (!(name in defaults.weights)) refuse(`has weight ${JSON.stringify(name)}; the components are lexical, vector, recency and importance.`, `weights.${name}`);
  }
  const weights = { ...defaults.weights, ...definedWeights(query.weights) };
  for (const [name, weight] of Object.entries(weights)) {
    if (typeof weight !== 'number' || !(weight >= 0) || weight === Infinity) refuse(`has weight ${name} = ${String(weight)}; weights are finite numbers ≥ 0.`, `weights.${name}`);
  }
  if (weights.lexical + weights.vector + weights.recency + weights.importance === 0) {
    refuse('has every weight 0, so nothing could rank the memories; give at least one component a positive weight.', 'weights');
  }
  return {
    text: query.text,
    embedding: query.embedding,
    namespaces: query.namespaces,
    kinds: query.kinds,
    episodeId: query.episodeId,
    since: query.since,
    until: query.until,
    limit,
    weights,
  };
}

/** The weights actually given (an explicit `undefined` keeps the default). */
function definedWeights(weights: RecallWeights | undefined): RecallWeights {
  if (weights === undefined) return {};
  return Object.fromEntries(Object.entries(weights).filter(([, value]) => value !== undefined));
}
