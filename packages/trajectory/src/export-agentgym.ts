// AgentGym's AgentTraj JSONL: {"conversations": [{"from", "loss", "value"}], "item_id"}, the system
// prompt as the first human turn acknowledged by "OK.", loss true on the agent's kept turns.
import { alternatingTurns, type AlternatingTurn } from './alternating-turns.js';
import { conversationRows } from './conversation-rows.js';
import type { DatasetFormat } from './dataset-format.js';
import { contentText, type ConversationToolCall, type EpisodeConversation } from './episode-conversation.js';
import { exportDataset, type ExportOptions, type ExportResult } from './export-dataset.js';
import type { ExportEpisode } from './trajectory-reader.js';

/** One turn of an AgentTraj conversation. `loss` is null on human turns, as in AgentTraj. */
export interface AgentGymTurn {
  readonly from: 'human' | 'gpt';
  readonly loss: boolean | null;
  readonly value: string;
}

/** One line of the file. */
export interface AgentGymExample {
  readonly conversations: readonly AgentGymTurn[];
  /** `<environment id>_<run>_<episode index>`. */
  readonly item_id: string;
}

/**
 * The example for one conversation, or undefined when it has no agent turn. Tool calls are written
 * as text (AgentTraj has no tool role): a call whose only argument is `action` is the action
 * ("Action:\n<action>"); others are "Tool call: <name> <JSON arguments>", their results human turns.
 * A gpt turn has `loss: true` when every reply in it is kept (not refused).
 */
export function agentGymExample(conversation: EpisodeConversation, episode: ExportEpisode): AgentGymExample | undefined {
  const turns = alternatingTurns(conversation.messages);
  if (turns.length === 0) return undefined;
  const system = conversation.messages.find((message) => message.role === 'system');
  const conversations: AgentGymTurn[] = [];
  if (system !== undefined) conversations.push({ from: 'human', loss: null, value: system.content }, { from: 'gpt', loss: false, value: 'OK.' });
  for (const turn of turns) conversations.push(agentGymTurn(turn, conversation.source === 'observations'));
  return { conversations, item_id: `${episode.environmentId}_${episode.runId}_${episode.episodeIndex}` };
}

function agentGymTurn(turn: AlternatingTurn, built: boolean): AgentGymTurn {
  const parts: string[] = [];
  let trainable = true;
  for (const message of turn.messages) {
    if (message.role === 'user') parts.push(contentText(message.content));
    else if (message.role === 'tool') parts.push(`Tool result (${message.name}): ${message.content}`);
    else if (message.role === 'assistant') {
      trainable &&= message.trainable;
      if (built && message.toolCalls.length === 0) parts.push(`Action:\n${message.content}`);
      else {
        if (message.content.trim() !== '') parts.push(message.content);
        for (const call of message.toolCalls) parts.push(callText(call));
      }
    }
  }
  const value = parts.filter((part) => part !== '').join('\n\n');
  return turn.side === 'in' ? { from: 'human', loss: null, value } : { from: 'gpt', loss: trainable, value };
}

function callText(call: ConversationToolCall): string {
  const input = call.arguments;
  if (typeof input === 'object' && input !== null && Object.keys(input).length === 1 && typeof (input as { action?: unknown }).action === 'string') {
    return `Action:\n${(input as { action: string }).action}`;
  }
  return `Tool call: ${call.name} ${typeof input === 'string' ? input : JSON.stringify(input ?? {})}`;
}

/** The `agentgym` format. */
export const agentGymFormat: DatasetFormat = {
  name: 'agentgym',
  rowUnit: 'episode',
  file: { kind: 'jsonl' },
  description: [
    "AgentGym's AgentTraj format (JSON Lines, one trajectory per episode), as AgentEvol's behavioural cloning reads it.",
    'The first human turn is the system prompt, answered "OK." (loss false); then observations (human, loss null) and the',
    "agent's replies (gpt), loss true unless the reply was refused or its action was replaced by a guard. Tool calls and",
    'results are written as text.',
  ].join('\n'),
  schema: [
    '- `conversations`: list of `{"from": "human" | "gpt", "loss": true | false | null, "value": string}`, alternating, starting with human, ending with gpt',
    '- `item_id`: string, `<environment id>_<run id>_<episode index>`',
  ].join('\n'),
  rows: (source) => conversationRows(source, (conversation, episode) => agentGymExample(conversation, episode) as Record<string, unknown> | undefined),
};

/** Exports the selected episodes as AgentGym AgentTraj JSONL (see {@link agentGymFormat}). */
export function exportAgentGym(options: ExportOptions): ExportResult {
  return exportDataset(agentGymFormat, options);
}
