// Chat messages → node-llama-cpp chat history: roles, tool calls and results, images, tool instructions.
import { describe, expect, it } from 'vitest';
import { toChatHistory } from './chat-history.js';

describe('toChatHistory', () => {
  it('maps every role, writing tool calls as the JSON the grammar produces', () => {
    const { history, warnings } = toChatHistory([
      { role: 'system', content: 'Rules.' },
      { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', mediaType: 'image/png', url: 'x.png' }, { type: 'text', text: 'here' }] },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'look', arguments: { far: true } }] },
      { role: 'tool', toolCallId: 'call_1', name: 'look', content: 'a wall' },
      { role: 'assistant', content: 'A wall.' },
    ]);
    expect(history).toEqual([
      { type: 'system', text: 'Rules.' },
      { type: 'user', text: 'Look\nhere' },
      { type: 'model', response: ['{"name":"look","arguments":{"far":true}}'] },
      { type: 'user', text: 'Result of look (call_1): a wall' },
      { type: 'model', response: ['A wall.'] },
    ]);
    expect(warnings).toEqual(['images are not supported by this backend: 1 image part(s) dropped']);
  });

  it('appends tool instructions to the first system message, or adds one', () => {
    expect(toChatHistory([{ role: 'system', content: 'Rules.' }, { role: 'user', content: 'Hi' }], 'Tools: x').history[0]).toEqual({
      type: 'system',
      text: 'Rules.\n\nTools: x',
    });
    expect(toChatHistory([{ role: 'user', content: 'Hi' }], 'Tools: x').history).toEqual([
      { type: 'system', text: 'Tools: x' },
      { type: 'user', text: 'Hi' },
    ]);
  });
});
