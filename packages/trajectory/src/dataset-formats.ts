// The registry of export formats by name, as `worldloop export --format` takes them.
import { ConfigError } from '@worldloop/spec';
import type { DatasetFormat } from './dataset-format.js';
import { agentGymFormat } from './export-agentgym.js';
import { openAiChatFormat } from './export-openai-chat.js';
import { shareGptFormat } from './export-sharegpt.js';
import { transitionsFormat, transitionsParquetFormat } from './export-transitions.js';
import { trlMessagesFormat } from './export-trl-messages.js';
import { trlPreferenceFormat } from './export-trl-preference.js';
import { worldModelFormat, worldModelParquetFormat } from './export-world-model.js';

/** Every export format, in the order help lists them. */
export const datasetFormats: readonly DatasetFormat[] = [
  openAiChatFormat,
  shareGptFormat,
  agentGymFormat,
  trlMessagesFormat,
  trlPreferenceFormat,
  transitionsFormat,
  transitionsParquetFormat,
  worldModelFormat,
  worldModelParquetFormat,
];

/** The format named `name`; throws ConfigError listing the formats when there is none. */
export function datasetFormat(name: string): DatasetFormat {
  const format = datasetFormats.find((candidate) => candidate.name === name);
  if (format === undefined) {
    throw new ConfigError(`Unknown export format ${JSON.stringify(name)}. Formats: ${datasetFormats.map((candidate) => candidate.name).join(', ')}.`, {
      details: { format: name, formats: datasetFormats.map((candidate) => candidate.name) },
    });
  }
  return format;
}
