// Maps steps between StepRecord and rows of the `steps` table. Fields that exporters and filters
// query are columns; every other field (info, tool and model calls, timings, ...) goes in `record`.
import type { ObservationRecord, StepRecord } from '@worldloop/spec';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { observationRecord } from '@worldloop/core';

/** A row of `steps` as better-sqlite3 returns it. */
export interface StepRow {
  readonly episode_id: number;
  readonly step_index: number;
  readonly observation: string;
  readonly action: string;
  readonly executed_action: string | null;
  readonly accepted: number;
  readonly feedback: string | null;
  readonly reward: number;
  readonly terminated: number;
  readonly truncated: number;
  readonly record: string;
  readonly started_at: number;
}

/**
 * Named parameters of the step insert. The observation is copied field by field (it may be lazy);
 * `record` holds every field without a column, including fields later spec versions add.
 * Checks every column against the schema first (the store commits steps later, in groups, so a
 * step SQLite would refuse must be refused here): throws an Error naming the field.
 */
export function stepParameters(episodeId: number, step: StepRecord): Record<string, string | number | null> {
  const {
    stepIndex,
    observation,
    action,
    executedAction,
    accepted,
    feedback,
    reward,
    terminated,
    truncated,
    startedAt,
    ...rest
  } = step;
  requireInteger('step.stepIndex', stepIndex, 'a step index counts from 0');
  requireString('step.action', action, false);
  requireString('step.executedAction', executedAction, true);
  requireString('step.feedback', feedback, true);
  if (typeof reward !== 'number' || Number.isNaN(reward)) {
    throw new Error(`step.reward is ${describeValue(reward)}, not a number; SQLite stores NaN as NULL, so record a number (0 when there is no reward)`);
  }
  requireInteger('step.startedAt', startedAt, 'it is ms since the epoch, as Date.now() gives');
  return {
    episodeId,
    stepIndex,
    observation: toJsonColumn(observationRecord(observation), 'step.observation'),
    action,
    executedAction: executedAction ?? null,
    accepted: accepted ? 1 : 0,
    feedback: feedback ?? null,
    reward,
    terminated: terminated ? 1 : 0,
    truncated: truncated ? 1 : 0,
    record: recordColumn(rest),
    startedAt,
  };
}

/** The step a row holds. */
export function stepFromRow(row: StepRow): StepRecord {
  const step = {
    ...fromJsonColumn<Omit<StepRecord, ColumnField>>(row.record),
    stepIndex: row.step_index,
    observation: fromJsonColumn<ObservationRecord>(row.observation),
    action: row.action,
    accepted: row.accepted === 1,
    reward: row.reward,
    terminated: row.terminated === 1,
    truncated: row.truncated === 1,
    startedAt: row.started_at,
  } as { -readonly [Key in keyof StepRecord]: StepRecord[Key] };
  if (row.executed_action !== null) step.executedAction = row.executed_action;
  if (row.feedback !== null) step.feedback = row.feedback;
  return step;
}

type ColumnField =
  | 'stepIndex'
  | 'observation'
  | 'action'
  | 'executedAction'
  | 'accepted'
  | 'feedback'
  | 'reward'
  | 'terminated'
  | 'truncated'
  | 'startedAt';

/** Refuses anything but a non-negative integer (a STRICT INTEGER column with a CHECK >= 0, or a time). */
function requireInteger(field: string, value: unknown, why: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${field} is ${describeValue(value)}, not a non-negative integer; ${why}`);
  }
}

/** Refuses anything but a string (or undefined, when the field is optional). */
function requireString(field: string, value: unknown, optional: boolean): void {
  if (typeof value === 'string' || (optional && value === undefined)) return;
  throw new Error(`${field} is ${describeValue(value)}, not a string${optional ? ' or absent' : ''}; record it as text`);
}

/** A value as it appears in an error message: `NaN`, `1.5`, `"text"`, `an object`. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/** Serialises the non-column fields; on failure names the field that could not be written. */
function recordColumn(rest: Record<string, unknown>): string {
  try {
    return toJsonColumn(rest, 'step record');
  } catch (error) {
    for (const [field, value] of Object.entries(rest)) toJsonColumn(value, `step.${field}`);
    throw error;
  }
}
