// LangChainModel over a tiny scripted LangChain chat model (defined here): it drives worldloop's
// LlmPolicy through gridworld steps in native and text modes; tools, tool choice, sampling, usage,
// finish reasons, invalid tool calls and raw map; chat-model failures become ModelBackendError.
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { Agent, LlmPolicy, type ActionMode, type LlmDecisionInfo } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { AbortedError, ModelBackendError, type Environment, type StepRecord } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { LangChainModel } from './langchain-model.js';

interface ScriptedCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

/** What the scripted chat model saw on one call. */
interface SeenCall {
  readonly messages: BaseMessage[];
  readonly options: ScriptedCallOptions;
}

/** A LangChain chat model whose replies come from a function; records calls; supports bindTools. */
class ScriptedChatModel extends BaseChatModel<ScriptedCallOptions> {
  readonly seen: SeenCall[] = [];

  constructor(private readonly reply: (messages: BaseMessage[], callIndex: number) => AIMessage) {
    super({ maxRetries: 0 });
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<ScriptedCallOptions>) {
    return this.withConfig({ ...kwargs, tools });
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    this.seen.push({ messages, options: options as ScriptedCallOptions });
    const message = this.reply(messages, this.seen.length - 1);
    return { generations: [{ text: message.text, message }] };
  }
}

function gridworld(): Environment {
  return gridworldEnvironments.find((spec) => spec.id === 'gridworld/GoToLocal-v0')!.create();
}

async function runSteps(model: LangChainModel, environment: Environment, mode: ActionMode, maxSteps: number): Promise<StepRecord[]> {
  const agent = new Agent({ policy: new LlmPolicy({ model, actionMode: mode }) });
  const steps: StepRecord[] = [];
  agent.events.on('step-end', ({ step }) => steps.push(step));
  await agent.runEpisode(environment, { seed: 3, maxSteps });
  return steps;
}

describe('LangChainModel', () => {
  for (const mode of ['native', 'text'] as const) {
    it(`drives LlmPolicy through gridworld steps (${mode} mode)`, async () => {
      const environment = gridworld();
      const expected: string[] = [];
      const chatModel = new ScriptedChatModel((_messages, callIndex) => {
        const action = environment.expertAction!() as string;
        expected.push(action);
        return mode === 'text'
          ? new AIMessage({ content: `Thought: following the plan.\nAction: ${action}`, response_metadata: { finish_reason: 'stop' } })
          : new AIMessage({ content: 'Following the plan.', tool_calls: [{ id: `call-${callIndex}`, name: 'act', args: { action }, type: 'tool_call' }], usage_metadata: { input_tokens: 100, output_tokens: 8, total_tokens: 108 } });
      });
      const model = new LangChainModel(chatModel);
      expect(model).toMatchObject({ provider: 'langchain', modelId: 'scripted', capabilities: { toolCalls: true, jsonSchema: false } });

      const steps = await runSteps(model, environment, mode, 4);

      expect(steps.length).toBeGreaterThanOrEqual(2);
      expect(steps.map((step) => step.action)).toEqual(expected.slice(0, steps.length));
      expect(steps.every((step) => (step.policyInfo as LlmDecisionInfo).invalidAttempts === 0)).toBe(true);
      const first = chatModel.seen[0]!;
      expect(first.messages[0]!.type).toBe('system');
      if (mode === 'native') {
        expect(first.options.tools?.map((tool) => (tool as { function: { name: string } }).function.name)).toContain('act');
        // The second step's prompt carries the first step's tool call and its answer, linked by id.
        const second = chatModel.seen[1]!.messages;
        expect(second.some((message) => AIMessage.isInstance(message) && message.tool_calls?.[0]?.id === 'call-0')).toBe(true);
      } else {
        expect(first.options.tools).toBeUndefined();
      }
    });
  }

  it('maps tools, tool choice, sampling, usage, finish reason, invalid tool calls and raw', async () => {
    const chatModel = new ScriptedChatModel(() => {
      const message = new AIMessage({
        content: 'calling',
        tool_calls: [{ name: 'look', args: { far: true }, type: 'tool_call' }],
        invalid_tool_calls: [{ id: 'bad', name: 'look', args: '{"far":', error: 'bad JSON', type: 'invalid_tool_call' }],
        response_metadata: { stop_reason: 'max_tokens' },
        usage_metadata: { input_tokens: 12, output_tokens: 3, total_tokens: 15, input_token_details: { cache_read: 8 } },
      });
      return message;
    });
    const model = new LangChainModel(chatModel, { modelId: 'fake-1' });

    const result = await model.generate({
      messages: [{ role: 'user', content: 'look' }],
      tools: [{ name: 'look', description: 'Look ahead.', parameters: { type: 'object', properties: { far: { type: 'boolean' } } } }],
      toolChoice: 'required',
      sampling: { temperature: 0.2, stop: ['END'] },
      responseSchema: { type: 'object' },
    });

    expect(chatModel.seen[0]!.options).toMatchObject({ tool_choice: 'any', stop: ['END'], tools: [{ type: 'function', function: { name: 'look', description: 'Look ahead.' } }] });
    expect(result.toolCalls).toEqual([
      { id: 'call-0', name: 'look', arguments: { far: true } },
      { id: 'bad', name: 'look', arguments: '{"far":' },
    ]);
    expect(result.finishReason).toBe('length');
    expect(result.usage).toEqual({ promptTokens: 12, completionTokens: 3, cachedPromptTokens: 8 });
    expect(result.text).toBe('calling');
    expect(result.raw).toMatchObject({ content: 'calling', response_metadata: { stop_reason: 'max_tokens' } });
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings.join(' ')).toMatch(/temperature.*responseSchema/s);
  });

  it('applies samplingCallOptions and reports tool calls without a finish reason as tool-calls', async () => {
    const chatModel = new ScriptedChatModel(() => new AIMessage({ content: '', tool_calls: [{ id: 't', name: 'act', args: {}, type: 'tool_call' }] }));
    const model = new LangChainModel(chatModel, { samplingCallOptions: (sampling) => ({ callOptions: { temperature: sampling.temperature } }) });

    const result = await model.generate({ messages: [{ role: 'user', content: 'go' }], sampling: { temperature: 0 } });

    expect(chatModel.seen[0]!.options).toMatchObject({ temperature: 0 });
    expect(result.warnings).toEqual([]);
    expect(result.finishReason).toBe('tool-calls');
  });

  it('maps chat-model failures to ModelBackendError and a fired signal to AbortedError', async () => {
    const failing = new LangChainModel(
      new ScriptedChatModel(() => {
        throw Object.assign(new Error('Too many requests'), { status: 429 });
      }),
    );
    const error = await failing.generate({ messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect(error).toMatchObject({ retryable: true, details: { status: 429 } });
    expect((error as Error).message).toMatch(/scripted failed \(status 429\): Too many requests/);

    const broken = new LangChainModel(new ScriptedChatModel(() => { throw new TypeError('bad request shape'); }));
    await expect(broken.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'model-backend', retryable: false });

    const controller = new AbortController();
    const slow = new LangChainModel(new ScriptedChatModel(() => { controller.abort(); throw new Error('aborted'); }));
    await expect(slow.generate({ messages: [{ role: 'user', content: 'hi' }], signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });

  it('ends the call with AbortedError when the signal fires, even if the chat model ignores it', async () => {
    class NeverAnswers extends BaseChatModel {
      _llmType(): string {
        return 'never';
      }
      _generate(): Promise<ChatResult> {
        return new Promise<ChatResult>(() => undefined);
      }
    }
    const controller = new AbortController();
    const call = new LangChainModel(new NeverAnswers({ maxRetries: 0 })).generate({ messages: [{ role: 'user', content: 'hi' }], signal: controller.signal });
    controller.abort(new Error('user stopped'));
    await expect(call).rejects.toBeInstanceOf(AbortedError);
  });

  it('gives tool calls without an id ids that differ from call to call', async () => {
    const model = new LangChainModel(new ScriptedChatModel(() => new AIMessage({ content: '', tool_calls: [{ name: 'act', args: {}, type: 'tool_call' }, { name: 'act', args: {}, type: 'tool_call' }] })));
    const first = await model.generate({ messages: [{ role: 'user', content: 'go' }] });
    const second = await model.generate({ messages: [{ role: 'user', content: 'go' }] });
    const ids = [...first.toolCalls, ...second.toolCalls].map((call) => call.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids.every((id) => id.length > 0)).toBe(true);
  });
});
