// The SQL of recall's row filters (kinds, episode, time range) on one table's columns, shared by the
// memories query and the vector index, which stores kinds as integer codes.

/** The filters both tables can apply; undefined fields filter nothing. */
export interface RowFilters {
  /** Kind names (`memories.kind`) or codes (the vector index's `kind`). */
  readonly kinds: readonly (string | number)[] | undefined;
  readonly episodeId: number | undefined;
  /** Oldest `created_at` kept (inclusive). */
  readonly since: number | undefined;
  /** `created_at` kept below this (exclusive). */
  readonly until: number | undefined;
}

/**
 * Appends to `conditions` and `parameters` the clauses of `filters` on the columns `kind`,
 * `episode_id` and `created_at`, each written with `columnPrefix` (`m.` for an alias, `` for none).
 */
export function appendFilterConditions(filters: RowFilters, columnPrefix: string, conditions: string[], parameters: unknown[]): void {
  if (filters.kinds !== undefined) {
    conditions.push(`${columnPrefix}kind IN (${filters.kinds.map(() => '?').join(', ')})`);
    parameters.push(...filters.kinds);
  }
  if (filters.episodeId !== undefined) {
    conditions.push(`${columnPrefix}episode_id = ?`);
    parameters.push(filters.episodeId);
  }
  if (filters.since !== undefined) {
    conditions.push(`${columnPrefix}created_at >= ?`);
    parameters.push(filters.since);
  }
  if (filters.until !== undefined) {
    conditions.push(`${columnPrefix}created_at < ?`);
    parameters.push(filters.until);
  }
}
