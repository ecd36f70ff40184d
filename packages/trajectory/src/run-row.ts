// Maps runs between the RunRecord type and rows of the `runs` table: config as JSON, absent
// optional fields as NULL and back to absent.
import type { JsonValue, NewRun, RunRecord, RunStatus } from '@worldloop/spec';
import { fromJsonColumn, toJsonColumn } from './json-column.js';

/** A row of `runs` as better-sqlite3 returns it. */
export interface RunRow {
  readonly id: number;
  readonly environment_id: string;
  readonly policy: string;
  readonly episodes_requested: number;
  readonly base_seed: number;
  readonly concurrency: number;
  readonly max_steps: number | null;
  readonly config: string;
  readonly worldloop_version: string;
  readonly git_commit: string | null;
  readonly writer: string | null;
  readonly status: RunStatus;
  readonly started_at: number;
  readonly ended_at: number | null;
}

/** Named parameters of the run insert, from a new run. */
export function runParameters(run: NewRun, startedAt: number): Record<string, string | number | null> {
  return {
    environmentId: run.environmentId,
    policy: run.policy,
    episodesRequested: run.episodesRequested,
    baseSeed: run.baseSeed,
    concurrency: run.concurrency,
    maxSteps: run.maxSteps ?? null,
    config: toJsonColumn(run.config, 'run.config'),
    worldloopVersion: run.worldloopVersion,
    gitCommit: run.gitCommit ?? null,
    writer: run.writer ?? null,
    startedAt,
  };
}

/** The run a row holds. */
export function runFromRow(row: RunRow): RunRecord {
  const run: { -readonly [Key in keyof RunRecord]: RunRecord[Key] } = {
    id: row.id,
    environmentId: row.environment_id,
    policy: row.policy,
    episodesRequested: row.episodes_requested,
    baseSeed: row.base_seed,
    concurrency: row.concurrency,
    config: fromJsonColumn<JsonValue>(row.config),
    worldloopVersion: row.worldloop_version,
    status: row.status,
    startedAt: row.started_at,
  };
  if (row.max_steps !== null) run.maxSteps = row.max_steps;
  if (row.git_commit !== null) run.gitCommit = row.git_commit;
  if (row.writer !== null) run.writer = row.writer;
  if (row.ended_at !== null) run.endedAt = row.ended_at;
  return run;
}
