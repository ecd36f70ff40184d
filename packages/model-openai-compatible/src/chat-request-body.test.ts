// Request bodies: the json-schema-mode rewrite of a conversation, and history that must stay valid JSON.
import { describe, expect, it } from 'vitest';
import type { GenerateRequest, ToolDefinition } from '@worldloop/spec';
import { buildChatRequestBody } from './chat-request-body.js';
import { serverProfile } from './server-profile.js';

const look: ToolDefinition = { name: 'look', description: 'Looks around.', parameters: { type: 'object', properties: {} } };

describe('buildChatRequestBody', () => {
  it('json-schema mode: adds a system message when there is none and merges consecutive user messages', () => {
    const request: GenerateRequest = {
      tools: [look],
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Let me look.', toolCalls: [{ id: 'c1', name: 'look', arguments: {} }] },
        { role: 'tool', toolCallId: 'c1', name: 'look', content: 'A wall.' },
        { role: 'user', content: 'And now?' },
      ],
    };
    const { body } = buildChatRequestBody(request, { model: 'm', profile: serverProfile('generic'), toolMode: 'json-schema' });
    const messages = body.messages as { role: string; content: string }[];
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[0]!.content).toMatch(/^# Tools/);
    expect(messages[2]!.content).toBe('Let me look.\n{"tool":"look","arguments":{}}');
    expect(messages[3]!.content).toBe('Result of tool look (call c1):\nA wall.\n\nAnd now?');
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('tool_choice');
  });

  it('native mode: wraps past arguments that are not JSON so the server accepts the history', () => {
    const request: GenerateRequest = { messages: [{ role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'look', arguments: 'look left' }] }] };
    const { body, warnings } = buildChatRequestBody(request, { model: 'm', profile: serverProfile('vllm'), toolMode: 'native' });
    expect((body.messages as any[])[0].tool_calls[0].function.arguments).toBe('{"invalid_arguments":"look left"}');
    expect(warnings[0]).toMatch(/not JSON; sent as/);
  });

  it('sends text-only content parts as one string, and no tools to Ollama when tool choice is none', () => {
    const request: GenerateRequest = {
      tools: [look],
      toolChoice: 'none',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }],
    };
    const ollama = buildChatRequestBody(request, { model: 'm', profile: serverProfile('ollama'), toolMode: 'native' }).body;
    expect(ollama.messages).toEqual([{ role: 'user', content: 'a\nb' }]);
    expect(ollama).not.toHaveProperty('tools');
    const vllm = buildChatRequestBody(request, { model: 'm', profile: serverProfile('vllm'), toolMode: 'native' }).body;
    expect(vllm).toMatchObject({ tool_choice: 'none', tools: [{ type: 'function' }] });
  });
});
