// Converts worldloop chat messages to node-llama-cpp's chat history. Rendering is a pure function
// of the messages, so an episode whose messages only grow renders to a growing token prefix.
import type { ChatMessage } from '@worldloop/spec';
import type { ChatHistoryItem } from 'node-llama-cpp';

/** The converted history and what could not be carried over. */
export interface ConvertedChatHistory {
  readonly history: ChatHistoryItem[];
  readonly warnings: string[];
}

/**
 * Maps messages to chat-history items. Assistant tool calls are written as the JSON the
 * grammar makes the model produce (`{"name", "arguments"}`), tool results become user turns
 * (`Result of <tool> (<call id>): ...`) since llama chat templates have no tool role here, and
 * image parts are dropped with a warning. `systemSuffix` (the tool instructions) is appended to
 * the first system message, or becomes one when there is none, so it sits in the stable prefix.
 */
export function toChatHistory(messages: readonly ChatMessage[], systemSuffix?: string): ConvertedChatHistory {
  const history: ChatHistoryItem[] = [];
  const warnings: string[] = [];
  let droppedImages = 0;
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: message.content });
        break;
      case 'user': {
        if (typeof message.content === 'string') {
          history.push({ type: 'user', text: message.content });
          break;
        }
        const texts: string[] = [];
        for (const part of message.content) {
          if (part.type === 'text') texts.push(part.text);
          else droppedImages++;
        }
        history.push({ type: 'user', text: texts.join('\n') });
        break;
      }
      case 'assistant': {
        const calls = (message.toolCalls ?? []).map((call) => JSON.stringify({ name: call.name, arguments: call.arguments }));
        const text = [message.content, ...calls].filter((part) => part.length > 0).join('\n');
        history.push({ type: 'model', response: [text] });
        break;
      }
      case 'tool':
        history.push({ type: 'user', text: `Result of ${message.name} (${message.toolCallId}): ${message.content}` });
        break;
    }
  }
  if (droppedImages > 0) warnings.push(`images are not supported by this backend: ${droppedImages} image part(s) dropped`);
  if (systemSuffix !== undefined) {
    const first = history[0];
    if (first?.type === 'system' && typeof first.text === 'string') history[0] = { type: 'system', text: `${first.text}\n\n${systemSuffix}` };
    else history.unshift({ type: 'system', text: systemSuffix });
  }
  return { history, warnings };
}
