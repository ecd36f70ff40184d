// TRL's conversational language-modelling format: {"messages": [...], "tools": [...]} per episode,
// tool calls with arguments as objects, as Hugging Face chat templates render them.
import type { ToolDefinition } from '@worldloop/spec';
import { conversationRows } from './conversation-rows.js';
import type { DatasetFormat } from './dataset-format.js';
import { argumentsObject, contentText, type ConversationMessage, type EpisodeConversation } from './episode-conversation.js';
import { exportDataset, type ExportOptions, type ExportResult } from './export-dataset.js';

/** A message as TRL and Hugging Face chat templates take it. */
export type TrlMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | {
      readonly role: 'assistant';
      readonly content: string;
      readonly tool_calls?: readonly { readonly id: string; readonly type: 'function'; readonly function: { readonly name: string; readonly arguments: unknown } }[];
    }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly name: string; readonly content: string };

/** A tool as chat templates take it (`tools=` of `apply_chat_template`). */
export interface TrlTool {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description: string; readonly parameters: unknown };
}

/** One line of the file. */
export interface TrlMessagesExample {
  readonly messages: readonly TrlMessage[];
  readonly tools?: readonly TrlTool[];
}

/** A conversation message in TRL's spelling (user content parts become their text). */
export function trlMessage(message: ConversationMessage): TrlMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return { role: 'user', content: contentText(message.content) };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, name: message.name, content: message.content };
    case 'assistant':
      return message.toolCalls.length === 0
        ? { role: 'assistant', content: message.content }
        : {
            role: 'assistant',
            content: message.content,
            tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: argumentsObject(call.arguments) } })),
          };
  }
}

/** Tool definitions in TRL's spelling. */
export function trlTools(tools: readonly ToolDefinition[]): TrlTool[] {
  return tools.map(({ name, description, parameters }) => ({ type: 'function', function: { name, description, parameters } }));
}

/** The example for one conversation, or undefined when it has no assistant message. */
export function trlMessagesExample(conversation: EpisodeConversation): TrlMessagesExample | undefined {
  if (!conversation.messages.some((message) => message.role === 'assistant')) return undefined;
  const messages = conversation.messages.map(trlMessage);
  return conversation.tools.length === 0 ? { messages } : { messages, tools: trlTools(conversation.tools) };
}

/** The `trl-messages` format. */
export const trlMessagesFormat: DatasetFormat = {
  name: 'trl-messages',
  rowUnit: 'episode',
  file: { kind: 'jsonl' },
  description: [
    "TRL's conversational language-modelling type (JSON Lines, one conversation per episode), for `SFTTrainer`:",
    '`load_dataset("json", data_files=path)`, then train with `assistant_only_loss=True` to learn the replies only.',
    'Refused replies, and replies whose action was replaced by a guard, stay in the conversation (this format has no',
    'per-message weight; `openai-chat` has).',
  ].join('\n'),
  schema: [
    '- `messages`: list of `{"role": "system" | "user", "content": string}`, `{"role": "assistant", "content": string, "tool_calls"?: [{"id", "type": "function", "function": {"name", "arguments": object}}]}`, `{"role": "tool", "tool_call_id", "name", "content": string}`',
    '- `tools` (when tools were called): `[{"type": "function", "function": {"name", "description", "parameters": JSON Schema}}]`',
  ].join('\n'),
  rows: (source) => conversationRows(source, (conversation) => trlMessagesExample(conversation) as Record<string, unknown> | undefined),
};

/** Exports the selected episodes as TRL conversational JSONL (see {@link trlMessagesFormat}). */
export function exportTrlMessages(options: ExportOptions): ExportResult {
  return exportDataset(trlMessagesFormat, options);
}
