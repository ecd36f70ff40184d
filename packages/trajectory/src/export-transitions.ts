// RL transitions, one row per recorded step: {state, action, reward, next_state, terminated,
// truncated} with episode identity, as JSON Lines (`transitions`) or Parquet (`transitions-parquet`).
import type { DatasetFormat } from './dataset-format.js';
import { exportDataset, type ExportOptions, type ExportResult } from './export-dataset.js';
import type { ParquetColumn } from './parquet-table-writer.js';
import { stepTableFormats } from './step-table-formats.js';
import { featuresValue, jsonNumber, type StepTransition } from './step-transitions.js';
import type { ExportEpisode } from './trajectory-reader.js';

/** The columns of a transition row, in order. */
export const transitionColumns: readonly ParquetColumn[] = [
  { name: 'run_id', type: 'INT32', description: 'run the episode belongs to' },
  { name: 'episode_id', type: 'INT32', description: 'episode id in the database' },
  { name: 'episode_index', type: 'INT32', description: 'position of the episode in its run, from 0' },
  { name: 'environment_id', type: 'STRING', description: 'environment id, e.g. gridworld/GoToLocal-v0' },
  { name: 'seed', type: 'INT64', description: 'seed the environment was reset with' },
  { name: 'mission', type: 'STRING', nullable: true, description: 'the task in language, when the environment has one' },
  { name: 'step_index', type: 'INT32', description: 'step within the episode, from 0' },
  { name: 'state', type: 'STRING', description: 'text of the observation the action was chosen on' },
  { name: 'state_features', type: 'JSON', nullable: true, description: "the observation's discrete features (JSON object), when the environment gives them" },
  { name: 'action', type: 'STRING', description: 'the action sent to the environment (after guards)' },
  { name: 'accepted', type: 'BOOLEAN', description: 'false when the environment or a guard refused the action (the state did not change)' },
  { name: 'reward', type: 'DOUBLE', description: 'reward of this step' },
  { name: 'next_state', type: 'STRING', description: 'text of the observation after the action (the final observation after the last step)' },
  { name: 'next_state_features', type: 'JSON', nullable: true, description: 'discrete features of the next observation' },
  { name: 'terminated', type: 'BOOLEAN', description: 'the episode ended in a terminal state (success or failure)' },
  { name: 'truncated', type: 'BOOLEAN', description: 'the episode was cut by a step limit' },
];

/** The row of one transition; features as objects (JSONL and Parquet), or JSON text when `featuresAsText`. */
export function transitionRow(transition: StepTransition, featuresAsText: boolean): Record<string, unknown> {
  const { episode, step } = transition;
  return {
    run_id: episode.runId,
    episode_id: episode.id,
    episode_index: episode.episodeIndex,
    environment_id: episode.environmentId,
    seed: episode.seed,
    mission: episode.mission ?? null,
    step_index: step.stepIndex,
    state: step.observationText,
    state_features: featuresValue(step.featuresJson, featuresAsText),
    action: step.action,
    accepted: step.accepted,
    reward: step.reward,
    next_state: transition.nextObservationText,
    next_state_features: featuresValue(transition.nextFeaturesJson, featuresAsText),
    terminated: step.terminated,
    truncated: step.truncated,
  };
}

/** The episode's fields of a transition line, serialised once per episode (with a trailing comma). */
function transitionEpisodeFields(episode: ExportEpisode): string {
  return `{"run_id":${episode.runId},"episode_id":${episode.id},"episode_index":${episode.episodeIndex},"environment_id":${JSON.stringify(episode.environmentId)},"seed":${episode.seed},"mission":${JSON.stringify(episode.mission ?? null)},`;
}

/** `JSON.stringify(transitionRow(transition, false))`, spliced from pieces serialised once. */
export function transitionLine(transition: StepTransition, episodePrefix: string): string {
  const { step } = transition;
  return (
    `${episodePrefix}"step_index":${step.stepIndex},"state":${transition.stateJson},"state_features":${step.featuresJson ?? 'null'},` +
    `"action":${JSON.stringify(step.action)},"accepted":${step.accepted},"reward":${jsonNumber(step.reward)},"next_state":${transition.nextStateJson},` +
    `"next_state_features":${transition.nextFeaturesJson ?? 'null'},"terminated":${step.terminated},"truncated":${step.truncated}}`
  );
}

const transitionsDescription = [
  'Reinforcement-learning transitions, one row per recorded step, in step order within each episode: the observation the',
  'action was chosen on (`state`), the action, its reward, the observation after it (`next_state`) and the end flags',
  '(Gymnasium semantics: `terminated` for a terminal state, `truncated` for a step limit). The last step of an episode',
  "has the episode's final observation as `next_state`. Refused actions are kept (`accepted` false, state unchanged).",
].join('\n');

const transitionFormats = stepTableFormats({
  name: 'transitions',
  columns: transitionColumns,
  description: transitionsDescription,
  row: transitionRow,
  episodeFields: transitionEpisodeFields,
  line: transitionLine,
});

/** The `transitions` format (JSON Lines). */
export const transitionsFormat: DatasetFormat = transitionFormats.jsonl;

/** The `transitions-parquet` format. */
export const transitionsParquetFormat: DatasetFormat = transitionFormats.parquet;

/** Exports the selected episodes' steps as transitions, JSON Lines (see {@link transitionsFormat}). */
export function exportTransitions(options: ExportOptions): ExportResult {
  return exportDataset(transitionsFormat, options);
}

/** Exports the selected episodes' steps as transitions, Parquet (see {@link transitionsParquetFormat}). */
export function exportTransitionsParquet(options: ExportOptions): ExportResult {
  return exportDataset(transitionsParquetFormat, options);
}
