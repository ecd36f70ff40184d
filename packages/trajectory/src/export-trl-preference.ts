// TRL's conversational preference pairs for DPO: per task (environment, seed and mission), the best
// successful episode against the worst failed one, sharing their prompt up to the first difference.
import type { DatasetFormat, DatasetRow } from './dataset-format.js';
import { noteConversation } from './conversation-rows.js';
import { episodeConversation, type ConversationMessage, type EpisodeConversation } from './episode-conversation.js';
import { exportDataset, type ExportOptions, type ExportResult } from './export-dataset.js';
import type { ExportSource } from './export-source.js';
import { trlMessage, trlTools, type TrlMessage, type TrlTool } from './export-trl-messages.js';
import type { ExportEpisode } from './trajectory-reader.js';

/** One line of the file. */
export interface TrlPreferenceExample {
  /** The shared beginning: system message through the last user message both episodes share. */
  readonly prompt: readonly TrlMessage[];
  /** The successful episode from there on, to its last assistant message. */
  readonly chosen: readonly TrlMessage[];
  /** The failed episode from there on, to its last assistant message. */
  readonly rejected: readonly TrlMessage[];
  readonly tools?: readonly TrlTool[];
}

/**
 * The pair of two conversations of one task, or undefined when they share no prompt ending in a
 * user message. The prompt is their longest common beginning, cut back to its last user message.
 */
export function trlPreferenceExample(chosen: EpisodeConversation, rejected: EpisodeConversation): TrlPreferenceExample | undefined {
  let shared = 0;
  while (shared < chosen.messages.length && shared < rejected.messages.length && sameMessage(chosen.messages[shared]!, rejected.messages[shared]!)) shared++;
  while (shared > 0 && chosen.messages[shared - 1]!.role !== 'user') shared--;
  // Each answer ends on its last assistant message: the tool results of the final action are what the
  // environment said, not something to prefer or train on.
  const chosenEnd = chosen.messages.findLastIndex((message) => message.role === 'assistant') + 1;
  const rejectedEnd = rejected.messages.findLastIndex((message) => message.role === 'assistant') + 1;
  if (shared === 0 || shared >= chosenEnd || shared >= rejectedEnd) return undefined;
  const tools = new Map([...chosen.tools, ...rejected.tools].map((tool) => [tool.name, tool]));
  return {
    prompt: chosen.messages.slice(0, shared).map(trlMessage),
    chosen: chosen.messages.slice(shared, chosenEnd).map(trlMessage),
    rejected: rejected.messages.slice(shared, rejectedEnd).map(trlMessage),
    ...(tools.size > 0 ? { tools: trlTools([...tools.values()]) } : {}),
  };
}

function sameMessage(left: ConversationMessage, right: ConversationMessage): boolean {
  if (left.role === 'assistant' && right.role === 'assistant') {
    return left.content === right.content && JSON.stringify(left.toolCalls) === JSON.stringify(right.toolCalls);
  }
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * One pair per task family. Both conversations as recorded when they share a prompt (same policy
 * kind); else both built from observations and actions, which always share the first observation.
 */
function* preferenceRows(source: ExportSource): Generator<DatasetRow, void, undefined> {
  for (const family of source.families()) {
    const chosenEpisode = source.episode(family.chosenEpisodeId)!;
    const rejectedEpisode = source.episode(family.rejectedEpisodeId)!;
    const conversation = (episode: ExportEpisode, fromObservations: boolean): EpisodeConversation =>
      episodeConversation(episode, source.steps(episode.id), { fromObservations });
    let chosen = conversation(chosenEpisode, false);
    let rejected = conversation(rejectedEpisode, false);
    let example = trlPreferenceExample(chosen, rejected);
    if (example === undefined && (chosen.source === 'model-calls' || rejected.source === 'model-calls')) {
      chosen = conversation(chosenEpisode, true);
      rejected = conversation(rejectedEpisode, true);
      example = trlPreferenceExample(chosen, rejected);
      if (example !== undefined) source.note('pairs built from observations and actions because the two policies were prompted differently');
    }
    if (example === undefined) {
      source.note('task families left out: the two episodes share no prompt');
      continue;
    }
    noteConversation(source, chosen);
    noteConversation(source, rejected);
    const split = source.take(chosenEpisode);
    source.take(rejectedEpisode);
    yield { split, value: example as unknown as Record<string, unknown> };
  }
}

/** The `trl-preference` format. */
export const trlPreferenceFormat: DatasetFormat = {
  name: 'trl-preference',
  rowUnit: 'preference pair',
  file: { kind: 'jsonl' },
  description: [
    "TRL's conversational preference type with an explicit prompt (JSON Lines), for `DPOTrainer` and other preference",
    'trainers. Episodes are grouped by task: same environment, seed and mission (the runner derives seeds from the base',
    'seed and episode index, so runs with the same base seed replay the same tasks). A task with at least one successful',
    'and one failed episode gives one pair: chosen is the successful episode with the highest reward (then fewest steps),',
    'rejected the failed one with the lowest reward (then most steps). Counts below count both episodes of each pair.',
  ].join('\n'),
  schema: [
    '- `prompt`: list of messages (system, then up to the last user message both episodes share)',
    '- `chosen`: list of messages, the successful episode after the prompt (assistant first and last)',
    '- `rejected`: list of messages, the failed episode after the prompt (assistant first and last)',
    '- `tools` (when tools were called): `[{"type": "function", "function": {"name", "description", "parameters"}}]`',
    '- messages are spelt as in `trl-messages`',
  ].join('\n'),
  rows: preferenceRows,
};

/** Exports preference pairs of the selected episodes as TRL JSONL (see {@link trlPreferenceFormat}). */
export function exportTrlPreference(options: ExportOptions): ExportResult {
  return exportDataset(trlPreferenceFormat, options);
}
