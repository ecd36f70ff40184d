// Maps episodes between EpisodeRecord/EpisodeOutcome and rows of the `episodes` table: booleans
// as 0/1, the final observation as JSON, NULL outcome fields (episode still running) as absent.
import type { EpisodeOutcome, EpisodeRecord, EpisodeStatus, NewEpisode, ObservationRecord } from '@worldloop/spec';
import { fromJsonColumn, toJsonColumn } from './json-column.js';
import { observationRecord } from '@worldloop/core';

/** A row of `episodes` as better-sqlite3 returns it. */
export interface EpisodeRow {
  readonly id: number;
  readonly run_id: number;
  readonly episode_index: number;
  readonly attempt: number;
  readonly seed: number;
  readonly environment_id: string;
  readonly mission: string | null;
  readonly status: EpisodeStatus;
  readonly success: number | null;
  readonly total_reward: number | null;
  readonly step_count: number | null;
  readonly invalid_action_count: number | null;
  readonly terminated: number | null;
  readonly truncated: number | null;
  readonly final_observation: string | null;
  readonly error: string | null;
  readonly started_at: number;
  readonly ended_at: number | null;
}

/** Named parameters of the episode insert, from a new episode. */
export function newEpisodeParameters(episode: NewEpisode, startedAt: number): Record<string, string | number | null> {
  return {
    runId: episode.runId,
    episodeIndex: episode.episodeIndex,
    seed: episode.seed,
    environmentId: episode.environmentId,
    mission: episode.mission ?? null,
    startedAt,
  };
}

/** Named parameters of the episode update, from its outcome. */
export function outcomeParameters(outcome: EpisodeOutcome, endedAt: number): Record<string, string | number | null> {
  return {
    status: outcome.status,
    success: outcome.success ? 1 : 0,
    totalReward: outcome.totalReward,
    stepCount: outcome.stepCount,
    invalidActionCount: outcome.invalidActionCount,
    terminated: outcome.terminated ? 1 : 0,
    truncated: outcome.truncated ? 1 : 0,
    finalObservation:
      outcome.finalObservation === undefined
        ? null
        : toJsonColumn(observationRecord(outcome.finalObservation), 'outcome.finalObservation'),
    error: outcome.error ?? null,
    endedAt,
  };
}

/** The episode a row holds. */
export function episodeFromRow(row: EpisodeRow): EpisodeRecord {
  const episode: { -readonly [Key in keyof EpisodeRecord]: EpisodeRecord[Key] } = {
    id: row.id,
    runId: row.run_id,
    episodeIndex: row.episode_index,
    attempt: row.attempt,
    seed: row.seed,
    environmentId: row.environment_id,
    status: row.status,
    startedAt: row.started_at,
  };
  if (row.mission !== null) episode.mission = row.mission;
  if (row.success !== null) episode.success = row.success === 1;
  if (row.total_reward !== null) episode.totalReward = row.total_reward;
  if (row.step_count !== null) episode.stepCount = row.step_count;
  if (row.invalid_action_count !== null) episode.invalidActionCount = row.invalid_action_count;
  if (row.terminated !== null) episode.terminated = row.terminated === 1;
  if (row.truncated !== null) episode.truncated = row.truncated === 1;
  if (row.final_observation !== null) episode.finalObservation = fromJsonColumn<ObservationRecord>(row.final_observation);
  if (row.error !== null) episode.error = row.error;
  if (row.ended_at !== null) episode.endedAt = row.ended_at;
  return episode;
}
