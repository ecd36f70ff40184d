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

/** Serialises the non-column fields; on failure names the field that could not be written. */
function recordColumn(rest: Record<string, unknown>): string {
  try {
    return toJsonColumn(rest, 'step record');
  } catch (error) {
    for (const [field, value] of Object.entries(rest)) toJsonColumn(value, `step.${field}`);
    throw error;
  }
}
