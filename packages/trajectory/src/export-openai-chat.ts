// OpenAI fine-tuning JSONL (chat format with tools): one conversation per episode, tool-call
// arguments as JSON strings, every tool_call_id answered but the final reply's, `weight` 0 on refused replies
// and on those whose action a guard replaced; an example ends on its last reply trained on.
import type { MessageContentPart, ToolDefinition } from '@worldloop/spec';
import { conversationRows } from './conversation-rows.js';
import type { DatasetFormat } from './dataset-format.js';
import { argumentsText, type ConversationMessage, type EpisodeConversation } from './episode-conversation.js';
import { exportDataset, type ExportOptions, type ExportResult } from './export-dataset.js';

/** A message of an OpenAI chat fine-tuning example. */
export type OpenAiChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string | readonly OpenAiContentPart[] }
  | {
      readonly role: 'assistant';
      readonly content?: string;
      readonly tool_calls?: readonly { readonly id: string; readonly type: 'function'; readonly function: { readonly name: string; readonly arguments: string } }[];
      /** 1: trained on; 0: kept as context only (a refused reply). */
      readonly weight: 0 | 1;
    }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string };

/** A part of a user message: text, or an image by URL (data URLs for inline images). */
export type OpenAiContentPart = { readonly type: 'text'; readonly text: string } | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

/** One line of the file. */
export interface OpenAiChatExample {
  readonly messages: readonly OpenAiChatMessage[];
  readonly tools?: readonly { readonly type: 'function'; readonly function: { readonly name: string; readonly description?: string; readonly parameters: unknown } }[];
}

/**
 * The example for one conversation, or undefined when it has no assistant message trained on
 * (`weight: 1`: an example of refused or replaced replies only would cost tokens and teach nothing).
 * Empty assistant replies without tool calls are left out (OpenAI refuses empty content); empty user
 * and tool contents become "(empty)". It ends on the last assistant message trained on: what follows
 * it (the tool messages answering its calls, later replies kept only as context, the user message an
 * empty final reply answered) is left out.
 */
export function openAiChatExample(conversation: EpisodeConversation): OpenAiChatExample | undefined {
  const messages: OpenAiChatMessage[] = [];
  for (const message of conversation.messages) {
    const converted = openAiChatMessage(message);
    if (converted !== undefined) messages.push(converted);
  }
  const trained = (message: OpenAiChatMessage | undefined) => message?.role === 'assistant' && message.weight === 1;
  if (!messages.some(trained)) return undefined;
  // The example ends on the model's last reply trained on, its tool calls unanswered, as OpenAI's
  // function-calling examples do: what the last action brought is not something the model is trained
  // to say, and context after the last trained reply trains nothing. A last reply left out (empty:
  // the policy fell back on a default action) must not leave it ending on the user.
  while (!trained(messages.at(-1))) messages.pop();
  return conversation.tools.length === 0 ? { messages } : { messages, tools: conversation.tools.map(openAiTool) };
}

function openAiChatMessage(message: ConversationMessage): OpenAiChatMessage | undefined {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: nonEmpty(message.content) };
    case 'user':
      return { role: 'user', content: typeof message.content === 'string' ? nonEmpty(message.content) : message.content.map(openAiContentPart) };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: nonEmpty(message.content) };
    case 'assistant': {
      const weight = message.trainable ? 1 : 0;
      if (message.toolCalls.length === 0) return message.content.trim() === '' ? undefined : { role: 'assistant', content: message.content, weight };
      return {
        role: 'assistant',
        ...(message.content.trim() === '' ? {} : { content: message.content }),
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: argumentsText(call.arguments) },
        })),
        weight,
      };
    }
  }
}

function openAiContentPart(part: MessageContentPart): OpenAiContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return { type: 'image_url', image_url: { url: part.url ?? `data:${part.mediaType};base64,${part.data ?? ''}` } };
}

function openAiTool(tool: ToolDefinition): NonNullable<OpenAiChatExample['tools']>[number] {
  return { type: 'function', function: { name: tool.name, ...(tool.description === '' ? {} : { description: tool.description }), parameters: tool.parameters } };
}

function nonEmpty(text: string): string {
  return text === '' ? '(empty)' : text;
}

/** The `openai-chat` format. */
export const openAiChatFormat: DatasetFormat = {
  name: 'openai-chat',
  rowUnit: 'episode',
  file: { kind: 'jsonl' },
  description: [
    "OpenAI's chat fine-tuning format (JSON Lines, one conversation per episode), also read by most SFT tools that take",
    'OpenAI-style messages. Upload as is: `client.files.create(file=open(path, "rb"), purpose="fine-tune")`.',
    'Replies of the model that were refused (corrected by the policy, or whose action the environment or a guard refused)',
    'or whose action was replaced by a guard (the outcome that follows is not theirs) stay in the conversation as context',
    'with `weight: 0`; every other assistant message has `weight: 1`. An example ends on its last reply with `weight: 1`,',
    'and an episode with none is left out (it would teach nothing).',
  ].join('\n'),
  schema: [
    '- `messages`: list, in order:',
    '  - `{"role": "system", "content": string}`',
    '  - `{"role": "user", "content": string | [{"type": "text", "text"} | {"type": "image_url", "image_url": {"url"}}]}`',
    '  - `{"role": "assistant", "content"?: string, "tool_calls"?: [{"id", "type": "function", "function": {"name", "arguments": JSON string, `{"invalid_arguments": text}` for a call that was not JSON}}], "weight": 0 | 1}`',
    '  - `{"role": "tool", "tool_call_id": string, "content": string}`: one after each assistant message with tool calls, for every id, except after the last assistant message: every example ends on the model\'s final reply',
    '- `tools` (when tools were called): `[{"type": "function", "function": {"name", "description"?, "parameters": JSON Schema}}]`',
  ].join('\n'),
  rows: (source) => conversationRows(source, (conversation) => openAiChatExample(conversation) as Record<string, unknown> | undefined),
};

/** Exports the selected episodes as OpenAI chat fine-tuning JSONL (see {@link openAiChatFormat}). */
export function exportOpenAiChat(options: ExportOptions): ExportResult {
  return exportDataset(openAiChatFormat, options);
}
