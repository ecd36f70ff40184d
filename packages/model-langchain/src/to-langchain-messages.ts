// Converts worldloop chat messages to LangChain messages (SystemMessage, HumanMessage, AIMessage,
// ToolMessage). Images become OpenAI-style `image_url` blocks, which LangChain's providers accept.
// Caveat: a tool call whose arguments are not a JSON object (a model's broken JSON, kept as a string)
// is sent with `{}` as its args, so providers still see the call its tool message answers.
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage, type MessageContent } from '@langchain/core/messages';
import type { ChatMessage, MessageContentPart } from '@worldloop/spec';

/**
 * The LangChain messages for a worldloop transcript, in order, one for one. Assistant tool calls
 * become `tool_calls` (`type: 'tool_call'`) with their ids, so tool messages stay linked to them.
 */
export function toLangChainMessages(messages: readonly ChatMessage[]): BaseMessage[] {
  return messages.map((message): BaseMessage => {
    switch (message.role) {
      case 'system':
        return new SystemMessage(message.content);
      case 'user':
        return new HumanMessage({ content: typeof message.content === 'string' ? message.content : message.content.map(contentBlock) as MessageContent });
      case 'assistant':
        return new AIMessage({
          content: message.content,
          tool_calls: (message.toolCalls ?? []).map((call) => ({ id: call.id, name: call.name, args: argumentsObject(call.arguments), type: 'tool_call' as const })),
        });
      case 'tool':
        return new ToolMessage({ content: message.content, tool_call_id: message.toolCallId, name: message.name });
    }
  });
}

function contentBlock(part: MessageContentPart): Record<string, unknown> {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const url = part.url ?? `data:${part.mediaType};base64,${part.data ?? ''}`;
  return { type: 'image_url', image_url: { url } };
}

function argumentsObject(value: unknown): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}
