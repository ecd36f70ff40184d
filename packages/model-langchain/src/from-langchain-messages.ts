// Converts LangChain messages back to worldloop chat messages, for a worldloop model driven by
// LangChain. Text of every content block is joined; images come from `image_url` blocks and from
// standard `image` blocks (url, or base64 data with a mime type). Developer messages count as
// system messages; other message types (function, generic) are refused as a ConfigError.
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { ConfigError, type ChatMessage, type MessageContentPart, type ModelToolCall } from '@worldloop/spec';

/**
 * The worldloop transcript for LangChain messages. A tool message without a name takes the name of
 * the assistant tool call it answers; tool calls without an id get `call-<index>`.
 */
export function fromLangChainMessages(messages: readonly BaseMessage[]): ChatMessage[] {
  const toolNames = new Map<string, string>();
  let callCount = 0;
  return messages.map((message): ChatMessage => {
    if (SystemMessage.isInstance(message) || message.type === 'developer') return { role: 'system', content: message.text };
    if (HumanMessage.isInstance(message)) {
      if (typeof message.content === 'string') return { role: 'user', content: message.content };
      const parts = message.content.map(contentPart).filter((part): part is MessageContentPart => part !== undefined);
      return { role: 'user', content: parts };
    }
    if (AIMessage.isInstance(message)) {
      const toolCalls: ModelToolCall[] = (message.tool_calls ?? []).map((call) => {
        const id = call.id ?? `call-${callCount}`;
        callCount += 1;
        toolNames.set(id, call.name);
        return { id, name: call.name, arguments: call.args };
      });
      return toolCalls.length > 0 ? { role: 'assistant', content: message.text, toolCalls } : { role: 'assistant', content: message.text };
    }
    if (ToolMessage.isInstance(message)) {
      const content = typeof message.content === 'string' ? message.content : message.text;
      return { role: 'tool', toolCallId: message.tool_call_id, name: message.name ?? toolNames.get(message.tool_call_id) ?? '', content };
    }
    throw new ConfigError(`Cannot convert a LangChain message of type ${JSON.stringify(message.type)} to a worldloop chat message; use system, human, ai or tool messages.`);
  });
}

function contentPart(block: unknown): MessageContentPart | undefined {
  if (typeof block === 'string') return { type: 'text', text: block };
  if (typeof block !== 'object' || block === null) return undefined;
  const record = block as Record<string, unknown>;
  if (record.type === 'text' && typeof record.text === 'string') return { type: 'text', text: record.text };
  if (record.type === 'image_url') {
    const url = typeof record.image_url === 'string' ? record.image_url : (record.image_url as { url?: unknown } | undefined)?.url;
    return typeof url === 'string' ? imageFromUrl(url) : undefined;
  }
  if (record.type === 'image') {
    const mediaType = stringField(record, 'mimeType') ?? stringField(record, 'mime_type');
    const data = stringField(record, 'data');
    if (data !== undefined) return { type: 'image', mediaType: mediaType ?? 'image/png', data };
    const url = stringField(record, 'url');
    return url === undefined ? undefined : imageFromUrl(url, mediaType);
  }
  return undefined;
}

/** A data URL becomes inline data; any other URL is kept, its media type `image/*` unless known. */
function imageFromUrl(url: string, mediaType?: string): MessageContentPart {
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (dataUrl) return { type: 'image', mediaType: dataUrl[1]!, data: dataUrl[2]! };
  return { type: 'image', mediaType: mediaType ?? 'image/*', url };
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
