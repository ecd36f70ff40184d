// The rows of a chat-shaped export: one conversation per selected episode, turned into a row by
// the format, with the facts a dataset card must mention (built conversations, inferred tools).
import type { DatasetRow } from './dataset-format.js';
import { episodeConversation, type EpisodeConversation } from './episode-conversation.js';
import type { ExportSource } from './export-source.js';
import type { ExportEpisode } from './trajectory-reader.js';

/** Card note: conversations built from observations and actions. */
export const builtConversationNote =
  'episodes recorded by a policy without a language model (expert, random, scripted), their conversation built from observations and actions (system: the mission; user: the observation, after the previous refusal if any; assistant: the action)';

/**
 * One row per selected episode: `toRow` turns its conversation into the format's row, or returns
 * undefined to leave the episode out (a conversation the format cannot express).
 */
export function* conversationRows(
  source: ExportSource,
  toRow: (conversation: EpisodeConversation, episode: ExportEpisode) => Readonly<Record<string, unknown>> | undefined,
): Generator<DatasetRow, void, undefined> {
  for (const episode of source.selectedEpisodes()) {
    const conversation = episodeConversation(episode, source.steps(episode.id));
    const value = toRow(conversation, episode);
    if (value === undefined) {
      // Not counted: the card's counts and success rate describe the rows written.
      source.note('episodes left out: no assistant turn to train on');
      continue;
    }
    noteConversation(source, conversation);
    yield { split: source.take(episode), value };
  }
}

/** Records on the card how a conversation was obtained. */
export function noteConversation(source: ExportSource, conversation: EpisodeConversation): void {
  if (conversation.source === 'observations') source.note(builtConversationNote);
  else source.note('episodes whose conversation is the language model\'s own last prompt and reply');
  if (conversation.toolsInferred) source.note('episodes whose tool definitions were inferred from the calls made (names and argument types only: these recordings hold no tool definitions)');
  if (conversation.omittedSteps > 0) source.note('episodes whose last prompt had dropped earlier steps to fit the context window (only the kept steps are in the conversation)');
}
