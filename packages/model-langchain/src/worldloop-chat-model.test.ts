// A scripted worldloop model wrapped as a LangChain chat model drives langchain's createAgent: it
// calls a worldloop tool (through toLangChainTools and the registry) and finishes; tool failures
// come back to it as text; tool choice, usage and invalid tool calls map to LangChain's shapes.
import { AIMessage, HumanMessage, type ToolMessage } from '@langchain/core/messages';
import { ToolRegistry, defineTool } from '@worldloop/core';
import { ModelBackendError, type ChatMessage } from '@worldloop/spec';
import { ScriptedLanguageModel, generateResult } from '@worldloop/testkit';
import { createAgent } from 'langchain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toLangChainTools } from './to-langchain-tools.js';
import { WorldloopChatModel } from './worldloop-chat-model.js';

function compassRegistry(executions: string[]): ToolRegistry {
  return new ToolRegistry([
    defineTool({
      name: 'compass',
      description: 'Which way the agent faces.',
      inputSchema: z.object({ precise: z.boolean().default(false) }),
      execute: ({ precise }) => {
        executions.push(`compass:${precise}`);
        return precise ? { heading: 90 } : 'east';
      },
    }),
    defineTool({
      name: 'open_vault',
      description: 'Opens the vault.',
      inputSchema: z.object({}),
      permissions: ['vault:open'],
      execute: () => {
        executions.push('open_vault');
        return 'opened';
      },
    }),
  ]);
}

const lastMessage = (messages: readonly ChatMessage[]): ChatMessage => messages[messages.length - 1]!;

describe('WorldloopChatModel with createAgent', () => {
  it('calls a worldloop tool through the registry and finishes', async () => {
    const executions: string[] = [];
    const model = new ScriptedLanguageModel((request, callIndex) => {
      if (callIndex === 0) return generateResult({ text: 'Checking.', toolCalls: [{ id: 'call-a', name: 'compass', arguments: { precise: true } }], usage: { promptTokens: 40, completionTokens: 5 } });
      const last = lastMessage(request.messages);
      return `Heading known: ${last.role === 'tool' ? last.content : '?'}`;
    });
    const agent = createAgent({ model: new WorldloopChatModel({ model }), tools: toLangChainTools(compassRegistry(executions)) });

    const result = await agent.invoke({ messages: [new HumanMessage('Which way am I facing?')] });

    expect(executions).toEqual(['compass:true']);
    expect(model.calls).toHaveLength(2);
    expect(model.calls[0]!.tools?.map((tool) => tool.name)).toEqual(['compass', 'open_vault']);
    expect(model.calls[0]!.tools?.[0]!.parameters).toMatchObject({ type: 'object', properties: { precise: { type: 'boolean' } } });
    expect(model.calls[1]!.messages.slice(-2)).toEqual([
      { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'call-a', name: 'compass', arguments: { precise: true } }] },
      { role: 'tool', toolCallId: 'call-a', name: 'compass', content: '{"heading":90}' },
    ]);
    const final = result.messages[result.messages.length - 1]!;
    expect(final.type).toBe('ai');
    expect(final.text).toBe('Heading known: {"heading":90}');
    expect((result.messages[1] as AIMessage).usage_metadata).toMatchObject({ input_tokens: 40, output_tokens: 5, total_tokens: 45 });
  });

  it('returns tool failures (a permission the agent lacks) to the model as text', async () => {
    const executions: string[] = [];
    const model = new ScriptedLanguageModel((request, callIndex) =>
      callIndex === 0 ? generateResult({ toolCalls: [{ id: 'v', name: 'open_vault', arguments: {} }] }) : `Saw: ${(lastMessage(request.messages) as { content: string }).content}`,
    );
    const tools = toLangChainTools(compassRegistry(executions), { permissions: [] });
    const agent = createAgent({ model: new WorldloopChatModel({ model }), tools });

    const result = await agent.invoke({ messages: [new HumanMessage('Open the vault.')] });

    expect(executions).toEqual([]);
    expect(result.messages[result.messages.length - 1]!.text).toMatch(/^Saw: Error \(tool-denied\): Tool "open_vault" needs permission vault:open/);
    await expect(tools[1]!.invoke({})).resolves.toMatch(/^Error \(tool-denied\)/);
  });

  it('refuses a tool that needs a permission unless the access grants it, listing it with a note', async () => {
    const executions: string[] = [];
    const registry = compassRegistry(executions);
    for (const tools of [toLangChainTools(registry), toLangChainTools(registry, {}), toLangChainTools(registry, { permissions: ['vault:read'] }), toLangChainTools(registry, { allow: ['open_vault'] })]) {
      const vault = tools.find((candidate) => candidate.name === 'open_vault')!;
      expect(vault.description).toBe('Opens the vault. (Unavailable: needs permission vault:open, which you do not hold; calls to it are refused.)');
      await expect(vault.invoke({})).resolves.toMatch(/^Error \(tool-denied\): Tool "open_vault" needs permission vault:open, .*toLangChainTools\(registry, \{ permissions: \["vault:open"\] \}\)/);
      const reply = await vault.invoke({ name: 'open_vault', args: {}, id: 'v', type: 'tool_call' });
      expect((reply as unknown as ToolMessage).content).toMatch(/^Error \(tool-denied\)/);
    }
    expect(executions).toEqual([]);

    const granted = toLangChainTools(registry, { permissions: ['vault:open'] }).find((candidate) => candidate.name === 'open_vault')!;
    expect(granted.description).toBe('Opens the vault.');
    await expect(granted.invoke({})).resolves.toBe('opened');
    expect(executions).toEqual(['open_vault']);
  });

  it('answers arguments that fail the schema with an error message the model can correct', async () => {
    const executions: string[] = [];
    const model = new ScriptedLanguageModel((request, callIndex) =>
      callIndex === 0 ? generateResult({ toolCalls: [{ id: 'p', name: 'compass', arguments: { precise: 'very' } }] }) : `Saw: ${(lastMessage(request.messages) as { content: string }).content}`,
    );
    const agent = createAgent({ model: new WorldloopChatModel({ model }), tools: toLangChainTools(compassRegistry(executions)) });

    const result = await agent.invoke({ messages: [new HumanMessage('Which way?')] });

    expect(executions).toEqual([]);
    expect(lastMessage(model.calls[1]!.messages)).toMatchObject({ role: 'tool', toolCallId: 'p', name: 'compass' });
    expect(result.messages[result.messages.length - 1]!.text).toMatch(/^Saw: .*precise/s);
  });

  it('validates arguments once: a tool whose schema transforms its input gets the model\'s arguments through', async () => {
    const registry = new ToolRegistry([
      defineTool({ name: 'advance', description: 'Moves n cells.', inputSchema: z.object({ cells: z.string().transform((text) => Number(text)) }), execute: ({ cells }) => `moved ${cells + 1}` }),
    ]);
    const [advance] = toLangChainTools(registry);

    const reply = await advance!.invoke({ name: 'advance', args: { cells: '2' }, id: 'adv', type: 'tool_call' });

    expect((reply as unknown as ToolMessage).content).toBe('moved 3');
    expect((reply as unknown as ToolMessage).tool_call_id).toBe('adv');
  });

  it('maps tool_choice, stop, invalid tool calls and finish reason', async () => {
    const model = new ScriptedLanguageModel(() =>
      generateResult({ text: 'hm', toolCalls: [{ id: 'x', name: 'compass', arguments: '{"precise":' }], finishReason: 'length', warnings: ['topK ignored'] }),
    );
    const chatModel = new WorldloopChatModel({ model, sampling: { temperature: 0 } });
    const bound = chatModel.bindTools(toLangChainTools(compassRegistry([])), { tool_choice: 'any' });

    const message = await bound.invoke([new HumanMessage('go')], { stop: ['\n\n'] });

    expect(model.calls[0]).toMatchObject({ toolChoice: 'required', sampling: { temperature: 0, stop: ['\n\n'] } });
    expect(message.tool_calls).toEqual([]);
    expect(message.invalid_tool_calls).toMatchObject([{ id: 'x', name: 'compass', args: '{"precise":' }]);
    expect(message.response_metadata).toMatchObject({ finish_reason: 'length', warnings: ['topK ignored'] });
    await chatModel.bindTools([], { tool_choice: 'compass' }).invoke('go');
    expect(model.calls[1]!.toolChoice).toEqual({ name: 'compass' });
    // Provider-style objects: Anthropic's {type: 'auto' | 'any' | 'none' | 'tool'}, OpenAI's {type: 'function', function}.
    for (const [choice, expected] of [
      [{ type: 'auto' }, 'auto'],
      [{ type: 'none' }, 'none'],
      [{ type: 'any' }, 'required'],
      [{ type: 'tool', name: 'compass' }, { name: 'compass' }],
      [{ type: 'function', function: { name: 'compass' } }, { name: 'compass' }],
    ] as const) {
      await chatModel.bindTools([], { tool_choice: choice }).invoke('go');
      expect(model.calls.at(-1)!.toolChoice).toEqual(expected);
    }
  });

  it('sends a bound tool without parameters as a tool taking an empty object', async () => {
    const model = new ScriptedLanguageModel(() => 'fine');
    await new WorldloopChatModel({ model }).bindTools([{ type: 'function', function: { name: 'wait', description: 'Waits a turn.' } }]).invoke('go');
    expect(model.calls[0]!.tools).toEqual([{ name: 'wait', description: 'Waits a turn.', parameters: { type: 'object', properties: {} } }]);
  });

  it('serves withStructuredOutput through a tool call (LangChain binds the schema as a tool)', async () => {
    const model = new ScriptedLanguageModel((request) => generateResult({ toolCalls: [{ name: request.tools![0]!.name, arguments: { direction: 'east' } }] }));
    const structured = new WorldloopChatModel({ model }).withStructuredOutput(z.object({ direction: z.string() }));

    await expect(structured.invoke('Which way?')).resolves.toEqual({ direction: 'east' });
    expect(model.calls[0]!.tools?.[0]?.parameters).toMatchObject({ properties: { direction: { type: 'string' } } });
  });

  it('lets worldloop model errors propagate', async () => {
    const model = new ScriptedLanguageModel(() => {
      throw new ModelBackendError('server down', { retryable: true });
    });
    await expect(new WorldloopChatModel({ model, maxRetries: 0 }).invoke('hello')).rejects.toBeInstanceOf(ModelBackendError);
  });
});
