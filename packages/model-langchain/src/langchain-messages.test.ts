// Message conversion both ways: a worldloop transcript survives worldloop → LangChain → worldloop,
// LangChain-only shapes (standard image blocks, nameless tool messages) convert, others are refused.
import { AIMessage, FunctionMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { ConfigError, type ChatMessage } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { fromLangChainMessages } from './from-langchain-messages.js';
import { toLangChainMessages } from './to-langchain-messages.js';

const transcript: ChatMessage[] = [
  { role: 'system', content: 'You are an agent.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What do you see?' },
      { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
      { type: 'image', mediaType: 'image/*', url: 'https://example.test/frame.jpg' },
    ],
  },
  { role: 'assistant', content: 'Looking around.', toolCalls: [{ id: 'call-1', name: 'compass', arguments: { precise: true } }] },
  { role: 'tool', toolCallId: 'call-1', name: 'compass', content: 'east' },
  { role: 'assistant', content: 'Thought: east.\nAction: forward' },
  { role: 'user', content: 'Moved.' },
];

describe('toLangChainMessages / fromLangChainMessages', () => {
  it('round-trips a worldloop transcript', () => {
    const converted = toLangChainMessages(transcript);
    expect(converted.map((message) => message.type)).toEqual(['system', 'human', 'ai', 'tool', 'ai', 'human']);
    expect((converted[2] as AIMessage).tool_calls).toEqual([{ id: 'call-1', name: 'compass', args: { precise: true }, type: 'tool_call' }]);
    expect((converted[1] as HumanMessage).content).toContainEqual({ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } });
    expect(fromLangChainMessages(converted)).toEqual(transcript);
  });

  it('sends tool-call arguments given as a JSON string as an object, and broken JSON as {}', () => {
    const [message] = toLangChainMessages([
      { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'act', arguments: '{"action":"left"}' }, { id: 'b', name: 'act', arguments: '{"action":' }] },
    ]);
    expect((message as AIMessage).tool_calls?.map((call) => call.args)).toEqual([{ action: 'left' }, {}]);
  });

  it('reads standard image blocks, nameless tool messages and developer messages', () => {
    const messages = fromLangChainMessages([
      new SystemMessage({ content: [{ type: 'text', text: 'Be brief.' }] }),
      new HumanMessage({ content: [{ type: 'image', mimeType: 'image/jpeg', data: 'AAAA' }, { type: 'image', url: 'https://example.test/a.png' }, 'plain text'] as never }),
      new AIMessage({ content: '', tool_calls: [{ name: 'look', args: {}, type: 'tool_call' }] }),
      new ToolMessage({ content: 'a wall', tool_call_id: 'call-0' }),
    ]);
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'image', mediaType: 'image/jpeg', data: 'AAAA' },
          { type: 'image', mediaType: 'image/*', url: 'https://example.test/a.png' },
          { type: 'text', text: 'plain text' },
        ],
      },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call-0', name: 'look', arguments: {} }] },
      { role: 'tool', toolCallId: 'call-0', name: 'look', content: 'a wall' },
    ]);
  });

  it('refuses message types worldloop has no role for', () => {
    expect(() => fromLangChainMessages([new FunctionMessage({ content: 'x', name: 'f' })])).toThrow(ConfigError);
  });
});
