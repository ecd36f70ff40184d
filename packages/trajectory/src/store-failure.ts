// Turns a failure inside the SQLite trajectory store into a StoreError that says what failed, on
// which file, and what to do. SQLite error codes pick the advice; the cause is always kept.
// A failed group commit of buffered steps gets its own message: how many steps were lost, and whose.
import { StoreError } from '@worldloop/spec';

const adviceByCode: ReadonlyArray<readonly [prefix: string, advice: string]> = [
  ['SQLITE_BUSY', 'Another connection held the write lock longer than the 5 s busy timeout; retry, and look for a process holding a long transaction on this file.'],
  ['SQLITE_LOCKED', 'The database is locked by another statement on this connection; finish or close open statements first.'],
  ['SQLITE_FULL', 'The disk is full; free space and retry.'],
  ['SQLITE_READONLY', 'The file or its directory is read-only; use a writable path.'],
  ['SQLITE_CANTOPEN', 'Check that the path names a file in a writable directory.'],
  ['SQLITE_NOTADB', 'The file is not an SQLite database; point the store at a new path or at a trajectory database.'],
  ['SQLITE_CORRUPT', 'The database file is damaged; run PRAGMA integrity_check on it, or restore a copy.'],
  ['SQLITE_IOERR', 'The filesystem reported an I/O error; check the disk and the path.'],
  ['SQLITE_CONSTRAINT_FOREIGNKEY', 'A referenced run or episode does not exist; create it first.'],
  ['SQLITE_CONSTRAINT_NOTNULL', 'A required field is missing, or is NaN (SQLite stores NaN as NULL); check the record against the TrajectoryStore contract.'],
  ['SQLITE_CONSTRAINT', 'A value broke a schema constraint (named above); check the record against the TrajectoryStore contract.'],
];

/** The `code` of an error (SQLite codes from better-sqlite3, errno codes from node:fs), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wraps `cause` in a StoreError: "Could not <operation> in trajectory store <location>: <cause>.
 * <advice>" (advice only where the SQLite code suggests one). A StoreError passes through unchanged. `advice` overrides the advice for the code.
 */
export function storeFailure(operation: string, location: string, cause: unknown, advice?: string): StoreError {
  if (cause instanceof StoreError) return cause;
  const code = errorCode(cause);
  const chosen = advice ?? adviceForCode(code);
  const message = `Could not ${operation} in trajectory store ${location}: ${reasonOf(cause)}.`;
  return new StoreError(chosen === undefined ? message : `${message} ${chosen}`, {
    cause,
    details: code === undefined ? { path: location } : { path: location, errorCode: code },
  });
}

/** A step that was appended but not committed: enough to say which one was lost. */
export interface LostStep {
  readonly episodeId: number;
  readonly stepIndex: number;
}

/**
 * The StoreError for a group commit that failed: "The group commit of buffered steps to trajectory
 * store <location> failed; <n> steps were lost (episode 3: steps 10 to 17): <cause>. <advice>".
 * `details` carries `lostSteps` (the count) and `lostEpisodeIds`.
 */
export function groupCommitFailure(location: string, lost: readonly LostStep[], cause: unknown): StoreError {
  const code = errorCode(cause);
  const advice =
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
      ? 'Another connection recorded the same step; record each episode through one store.'
      : adviceForCode(code);
  const episodes = new Map<number, number[]>();
  for (const { episodeId, stepIndex } of lost) {
    const indices = episodes.get(episodeId) ?? [];
    indices.push(stepIndex);
    episodes.set(episodeId, indices);
  }
  const which = [...episodes].map(([episodeId, indices]) => `episode ${episodeId}: ${describeIndices(indices)}`).join('; ');
  const count = lost.length === 1 ? '1 step was' : `${lost.length} steps were`;
  const message =
    `The group commit of buffered steps to trajectory store ${location} failed; ${count} lost (${which}): ${reasonOf(cause)}.` +
    (advice === undefined ? '' : ` ${advice}`) +
    ' Those episodes are incomplete on disk; re-run them from their seeds.';
  return new StoreError(message, {
    cause,
    details: {
      path: location,
      ...(code === undefined ? {} : { errorCode: code }),
      lostSteps: lost.length,
      lostEpisodeIds: [...episodes.keys()],
    },
  });
}

function adviceForCode(code: string | undefined): string | undefined {
  return code === undefined ? undefined : adviceByCode.find(([prefix]) => code.startsWith(prefix))?.[1];
}

function reasonOf(cause: unknown): string {
  return (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
}

/** `step 4`, `steps 10 to 17`, or `3 steps between 2 and 9` when they are not consecutive. */
function describeIndices(indices: readonly number[]): string {
  const first = indices.reduce((low, index) => Math.min(low, index));
  const last = indices.reduce((high, index) => Math.max(high, index));
  if (indices.length === 1) return `step ${first}`;
  return last - first + 1 === indices.length ? `steps ${first} to ${last}` : `${indices.length} steps between ${first} and ${last}`;
}
