// World-model training pairs, one row per recorded step: {state, action, next_state, reward} with
// the features a learned or tabular model reads, as JSON Lines (`world-model`) or Parquet.
import type { DatasetFormat } from './dataset-format.js';
import { exportDataset, type ExportOptions, type ExportResult } from './export-dataset.js';
import { transitionColumns } from './export-transitions.js';
import type { ParquetColumn } from './parquet-table-writer.js';
import { stepTableFormats } from './step-table-formats.js';
import { featuresValue, jsonNumber, type StepTransition } from './step-transitions.js';
import type { ExportEpisode } from './trajectory-reader.js';

const kept = ['environment_id', 'mission', 'run_id', 'episode_id', 'step_index', 'state', 'state_features', 'action', 'accepted', 'next_state', 'next_state_features', 'reward', 'terminated'];

/** The columns of a world-model row, in order. */
export const worldModelColumns: readonly ParquetColumn[] = kept.map((name) => transitionColumns.find((column) => column.name === name)!);

/** The row of one transition for world-model training. */
export function worldModelRow(transition: StepTransition, featuresAsText: boolean): Record<string, unknown> {
  const { episode, step } = transition;
  return {
    environment_id: episode.environmentId,
    mission: episode.mission ?? null,
    run_id: episode.runId,
    episode_id: episode.id,
    step_index: step.stepIndex,
    state: step.observationText,
    state_features: featuresValue(step.featuresJson, featuresAsText),
    action: step.action,
    accepted: step.accepted,
    next_state: transition.nextObservationText,
    next_state_features: featuresValue(transition.nextFeaturesJson, featuresAsText),
    reward: step.reward,
    terminated: step.terminated,
  };
}

/** The episode's fields of a world-model line, serialised once per episode (with a trailing comma). */
function worldModelEpisodeFields(episode: ExportEpisode): string {
  return `{"environment_id":${JSON.stringify(episode.environmentId)},"mission":${JSON.stringify(episode.mission ?? null)},"run_id":${episode.runId},"episode_id":${episode.id},`;
}

/** `JSON.stringify(worldModelRow(transition, false))`, spliced from pieces serialised once. */
export function worldModelLine(transition: StepTransition, episodePrefix: string): string {
  const { step } = transition;
  return (
    `${episodePrefix}"step_index":${step.stepIndex},"state":${transition.stateJson},"state_features":${step.featuresJson ?? 'null'},` +
    `"action":${JSON.stringify(step.action)},"accepted":${step.accepted},"next_state":${transition.nextStateJson},` +
    `"next_state_features":${transition.nextFeaturesJson ?? 'null'},"reward":${jsonNumber(step.reward)},"terminated":${step.terminated}}`
  );
}

const worldModelDescription = [
  'Pairs for training a world model (a predictor of what an action does): the state, the action, the next state and the',
  'reward, one row per recorded step, with the discrete features the environment exposes for tabular and learned models.',
  'Refused actions are kept: predicting that nothing changes is part of the task. Episode ends are marked by',
  '`terminated` (a step limit is not a property of the world, so truncation is left out).',
].join('\n');

const worldModelFormats = stepTableFormats({
  name: 'world-model',
  columns: worldModelColumns,
  description: worldModelDescription,
  row: worldModelRow,
  episodeFields: worldModelEpisodeFields,
  line: worldModelLine,
});

/** The `world-model` format (JSON Lines). */
export const worldModelFormat: DatasetFormat = worldModelFormats.jsonl;

/** The `world-model-parquet` format. */
export const worldModelParquetFormat: DatasetFormat = worldModelFormats.parquet;

/** Exports the selected episodes' steps as world-model pairs, JSON Lines (see {@link worldModelFormat}). */
export function exportWorldModel(options: ExportOptions): ExportResult {
  return exportDataset(worldModelFormat, options);
}

/** Exports the selected episodes' steps as world-model pairs, Parquet (see {@link worldModelParquetFormat}). */
export function exportWorldModelParquet(options: ExportOptions): ExportResult {
  return exportDataset(worldModelParquetFormat, options);
}
