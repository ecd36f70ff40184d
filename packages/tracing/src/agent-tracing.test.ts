// Tests of AgentTracing on a real OpenTelemetry SDK (in-memory exporter): the span tree of a run of an
// LLM agent that calls a tool before acting, GenAI attributes, content kept out unless asked,
// refusals as events, failures as ERROR spans with the exception, and reflections after the end.
import { InMemorySpanExporter, SimpleSpanProcessor, BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { Agent, defineTool, EpisodeReflection, LlmPolicy, Runner, RuleReflector, ToolRegistry } from '@worldloop/core';
import { AbortedError, ModelBackendError, StoreError } from '@worldloop/spec';
import { generateResult, InMemoryMemoryStore, LineWorldEnvironment, ScriptedLanguageModel, ScriptedPolicy, stubTrajectoryStore } from '@worldloop/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentTracing } from './agent-tracing.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
afterEach(() => exporter.reset());

const spans = () => exporter.getFinishedSpans();
const named = (prefix: string) => spans().filter((span) => span.name.startsWith(prefix));
const parentOf = (span: ReadableSpan) => spans().find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId);

/** An LLM agent on the line world that asks a tool for the distance, then goes right; its model fails at call `failAt`. */
function toolUsingAgent(options: { failAt?: number } = {}) {
  const tools = new ToolRegistry().register(
    defineTool({ name: 'distance_to_goal', description: 'Cells to the goal.', inputSchema: z.object({ position: z.number() }), execute: ({ position }) => 4 - position }),
  );
  const model = new ScriptedLanguageModel(
    (request, callIndex) => {
      if (options.failAt !== undefined && callIndex === options.failAt) throw new ModelBackendError('HTTP 503 from http://127.0.0.1:8000/v1/chat/completions');
      const last = request.messages[request.messages.length - 1]!;
      if (last.role !== 'tool') return generateResult({ toolCalls: [{ name: 'distance_to_goal', arguments: { position: 1 } }], usage: { promptTokens: 120, completionTokens: 9 } });
      return generateResult({ text: 'Going right.', toolCalls: [{ name: 'act', arguments: { action: 'right' } }], usage: { promptTokens: 140, completionTokens: 12, cachedPromptTokens: 100 } });
    },
    { provider: 'vllm', modelId: 'Qwen2.5-7B-Instruct' },
  );
  return new Agent({ policy: new LlmPolicy({ model, actionMode: 'native', sampling: { temperature: 0.2, maxTokens: 64 } }), tools, maxSteps: 6 });
}

describe('AgentTracing', () => {
  it('traces a run as run → episode → step → chat and execute_tool spans, with GenAI attributes and no content by default', async () => {
    const agent = toolUsingAgent();
    new AgentTracing({ tracer, agentName: 'llm:Qwen2.5-7B-Instruct' }).attach(agent.events);
    await new Runner(agent).run({ createEnvironment: () => new LineWorldEnvironment({ length: 5 }), episodes: 2, concurrency: 2, baseSeed: 1 });

    const [run] = named('worldloop.run');
    expect(run!.attributes).toMatchObject({ 'worldloop.run.episodes_requested': 2, 'worldloop.run.status': 'finished', 'worldloop.run.episodes_finished': 2, 'worldloop.run.successes': 2 });
    const episodes = named('invoke_agent ');
    expect(episodes).toHaveLength(2);
    for (const episode of episodes) {
      expect(episode.name).toBe('invoke_agent llm:Qwen2.5-7B-Instruct');
      expect(parentOf(episode)).toBe(run);
      expect(episode.spanContext().traceId).toBe(run!.spanContext().traceId);
      expect(episode.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'worldloop.environment.id': 'testkit/LineWorld-v0', 'worldloop.episode.status': 'finished', 'worldloop.episode.success': true });
    }
    const steps = named('step ');
    expect(steps.length).toBe(episodes.reduce((sum, episode) => sum + (episode.attributes['worldloop.episode.steps'] as number), 0));
    for (const step of steps) {
      expect(episodes).toContain(parentOf(step));
      expect(step.attributes).toMatchObject({ 'worldloop.step.action': 'right', 'worldloop.step.accepted': true, 'worldloop.step.model_calls': 2, 'worldloop.step.tool_calls': 1 });
      const children = spans().filter((span) => parentOf(span) === step);
      const chats = children.filter((span) => span.name === 'chat Qwen2.5-7B-Instruct');
      const tools = children.filter((span) => span.name === 'execute_tool distance_to_goal');
      expect(chats).toHaveLength(2);
      expect(tools).toHaveLength(1);
      expect(chats[0]!.kind).toBe(SpanKind.CLIENT);
      expect(chats[0]!.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'vllm',
        'gen_ai.request.model': 'Qwen2.5-7B-Instruct',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 64,
        'gen_ai.response.finish_reasons': ['tool_calls'],
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 9,
      });
      expect(chats[1]!.attributes).toMatchObject({ 'gen_ai.usage.cache_read.input_tokens': 100 });
      expect(tools[0]!.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'distance_to_goal', 'gen_ai.tool.type': 'function' });
      // The tool ran between the two model calls, all within the step.
      const time = (value: [number, number]) => value[0] * 1e3 + value[1] / 1e6;
      expect(time(tools[0]!.startTime)).toBeGreaterThanOrEqual(time(chats[0]!.startTime));
      expect(time(chats[1]!.endTime)).toBeLessThanOrEqual(time(step.endTime) + 1);
    }
    // Content stays out unless asked for.
    const keys = spans().flatMap((span) => Object.keys(span.attributes));
    expect(keys.filter((key) => /messages|observation\.text|call\.arguments|call\.result/.test(key))).toEqual([]);
  });

  it('records messages, observations and tool arguments and results when content capture is on', async () => {
    const agent = toolUsingAgent();
    new AgentTracing({ tracer, captureContent: true }).attach(agent.events);
    await agent.runEpisode(new LineWorldEnvironment({ length: 3 }), { seed: 1 });
    const chat = named('chat ')[0]!;
    const input = JSON.parse(chat.attributes['gen_ai.input.messages'] as string);
    expect(input[0]).toMatchObject({ role: 'system', parts: [{ type: 'text' }] });
    expect(JSON.parse(chat.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call-0', name: 'distance_to_goal', arguments: { position: 1 } }], finish_reason: 'tool_call' },
    ]);
    const second = JSON.parse(named('chat ')[1]!.attributes['gen_ai.input.messages'] as string);
    expect(second[second.length - 1]).toEqual({ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call-0', response: expect.stringContaining('3') }] });
    // gen_ai.output.messages takes the conventions' FinishReason (`tool_call`); gen_ai.response.finish_reasons the provider's.
    expect(chat.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    expect(named('execute_tool ')[0]!.attributes).toMatchObject({ 'gen_ai.tool.call.arguments': '{"position":1}', 'gen_ai.tool.call.result': '3' });
    expect(named('step 0')[0]!.attributes['worldloop.observation.text']).toEqual(expect.any(String));
    // Without a Runner, the episode is the root of its own trace.
    expect(named('invoke_agent ')[0]!.parentSpanContext).toBeUndefined();
  });

  it("records the action a guard sent instead of the proposed one on the step span and its refusal, and only then", async () => {
    const agent = new Agent({
      policy: new ScriptedPolicy(['wait', 'left', 'right', 'right']),
      guards: [
        {
          name: 'mirror',
          check: ({ action }) =>
            action === 'wait' ? { decision: 'rewrite', action: 'right', reason: 'keep moving' } : action === 'left' ? { decision: 'rewrite', action: 'jump', reason: 'try jumping' } : { decision: 'rewrite', action, reason: 'unchanged' },
        },
      ],
      maxSteps: 6,
    });
    new AgentTracing({ tracer }).attach(agent.events);
    await agent.runEpisode(new LineWorldEnvironment({ length: 4 }), { seed: 1 }); // starts at cell 1, goal at 3
    const step = (index: number) => named(`step ${index}`)[0]!;
    expect(step(0).attributes).toMatchObject({ 'worldloop.step.action': 'wait', 'worldloop.step.executed_action': 'right', 'worldloop.step.accepted': true });
    expect(step(1).attributes).toMatchObject({ 'worldloop.step.action': 'left', 'worldloop.step.executed_action': 'jump', 'worldloop.step.accepted': false });
    // The environment refused the replacement: the refusal names it.
    expect(step(1).events.find((event) => event.name === 'worldloop.action_refused')!.attributes).toMatchObject({
      'worldloop.step.action': 'left',
      'worldloop.step.executed_action': 'jump',
      'worldloop.step.feedback': expect.stringContaining('Invalid action "jump"'),
    });
    // A "rewrite" to the same action is no replacement.
    expect(step(2).attributes).toMatchObject({ 'worldloop.step.action': 'right', 'worldloop.step.accepted': true });
    expect(step(2).attributes).not.toHaveProperty('worldloop.step.executed_action');
  });

  it('marks a refused action with an event, a failed tool call and a failed episode with ERROR and the exception', async () => {
    const refusing = new Agent({ policy: new ScriptedPolicy(['fly', 'right', 'right', 'right']), maxSteps: 4 });
    new AgentTracing({ tracer }).attach(refusing.events);
    await refusing.runEpisode(new LineWorldEnvironment({ length: 3 }), { seed: 1 });
    const [refused] = named('step 0');
    expect(refused!.attributes).toMatchObject({ 'worldloop.step.action': 'fly', 'worldloop.step.accepted': false });
    expect(refused!.events.find((event) => event.name === 'worldloop.action_refused')!.attributes).toMatchObject({ 'worldloop.step.feedback': expect.stringContaining('expected one of left, right, wait') });
    // A refusal is the model's mistake, fed back to it, not a failure of the trace's parts.
    expect(spans().every((span) => span.status.code !== SpanStatusCode.ERROR)).toBe(true);
    exporter.reset();

    const failing = toolUsingAgent({ failAt: 2 });
    new AgentTracing({ tracer }).attach(failing.events);
    const result = await failing.runEpisode(new LineWorldEnvironment({ length: 5 }), { seed: 1 });
    expect(result.outcome.status).toBe('failed');
    const [episode] = named('invoke_agent ');
    expect(episode!.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringContaining('HTTP 503') });
    expect(episode!.events.find((event) => event.name === 'exception')!.attributes).toMatchObject({ 'exception.message': expect.stringContaining('HTTP 503') });
    // The step the failure cut short ends with the episode, marked so.
    const cut = named('step ').find((span) => span.status.code === SpanStatusCode.ERROR);
    expect(cut!.status.message).toMatch(/the episode ended \(failed\) before this finished/);
    expect(parentOf(cut!)).toBe(episode);
  });

  it('marks a tool call that failed (bad arguments) as an ERROR span with its error code', async () => {
    const tools = new ToolRegistry().register(defineTool({ name: 'distance_to_goal', description: 'Cells to the goal.', inputSchema: z.object({ position: z.number() }), execute: ({ position }) => 4 - position }));
    const model = new ScriptedLanguageModel((request) =>
      request.messages[request.messages.length - 1]!.role === 'tool'
        ? generateResult({ toolCalls: [{ name: 'act', arguments: { action: 'right' } }] })
        : generateResult({ toolCalls: [{ name: 'distance_to_goal', arguments: { position: 'far' } }] }),
    );
    const agent = new Agent({ policy: new LlmPolicy({ model, actionMode: 'native' }), tools, maxSteps: 1 });
    new AgentTracing({ tracer }).attach(agent.events);
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    const [tool] = named('execute_tool ');
    expect(tool!.status.code).toBe(SpanStatusCode.ERROR);
    expect(tool!.attributes['error.type']).toEqual(expect.any(String));
  });

  it('puts reflections written after an episode ended under that episode’s span', async () => {
    const memory = new InMemoryMemoryStore();
    const reflection = new EpisodeReflection({ store: memory, reflector: new RuleReflector(), namespace: 'agent:a' });
    const withMemory = new Agent({ policy: new LlmPolicy({ model: new ScriptedLanguageModel(() => generateResult({ toolCalls: [{ name: 'act', arguments: { action: 'right' } }] })), actionMode: 'native' }), memory: { store: reflection.store, namespace: 'agent:a' }, maxSteps: 3 });
    reflection.attach(withMemory.events);
    new AgentTracing({ tracer }).attach(withMemory.events);
    await new Runner(withMemory).run({ createEnvironment: () => new LineWorldEnvironment({ length: 5 }), episodes: 1, baseSeed: 2 });
    const [reflect] = named('worldloop.reflect');
    expect(reflect!.attributes).toMatchObject({ 'worldloop.reflection.trigger': 'episode-end' });
    expect((reflect!.attributes['worldloop.memory.write_ids'] as string[]).length).toBeGreaterThan(0);
    expect(parentOf(reflect!)).toBe(named('invoke_agent ')[0]);
  });

  it('stops listening when detached', async () => {
    const agent = toolUsingAgent();
    const detach = new AgentTracing({ tracer }).attach(agent.events);
    detach();
    await agent.runEpisode(new LineWorldEnvironment({ length: 3 }), { seed: 1 });
    expect(spans()).toEqual([]);
  });
});

describe('AgentTracing, uneven paths', () => {
  it('ends the spans of an episode that never announced its end (its store failed to end it) when the run ends', async () => {
    // A store that cannot end the episode: the StoreError fails the run before `episode-end`.
    const store = stubTrajectoryStore({
      endEpisode: async () => {
        throw new StoreError('the disk is full');
      },
    });
    const agent = new Agent({ policy: new ScriptedPolicy(['right', 'right']), store, maxSteps: 2 });
    new AgentTracing({ tracer }).attach(agent.events);
    await expect(new Runner(agent).run({ createEnvironment: () => new LineWorldEnvironment({ length: 5 }), episodes: 1 })).rejects.toThrow(/the disk is full/);
    const [run] = named('worldloop.run');
    expect(run!.attributes['worldloop.run.status']).toBe('failed');
    const [episode] = named('invoke_agent ');
    expect(episode, 'the episode span was never ended').toBeDefined();
    expect(parentOf(episode!)).toBe(run);
    expect(episode!.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.stringMatching(/the run ended \(failed\) before this episode did/) });
    expect(named('step ')).toHaveLength(2);
  });

  it('keeps each model call’s span within its step, even when the backend reports a longer time than the step took', async () => {
    // A replayed (cached) reply carries the time the original call took, not this one's.
    const model = new ScriptedLanguageModel(() => ({ ...generateResult({ toolCalls: [{ name: 'act', arguments: { action: 'right' } }] }), timings: { totalMs: 60_000 } }));
    const agent = new Agent({ policy: new LlmPolicy({ model, actionMode: 'native' }), maxSteps: 2 });
    new AgentTracing({ tracer }).attach(agent.events);
    await agent.runEpisode(new LineWorldEnvironment({ length: 5 }), { seed: 1 });
    const time = (value: [number, number]) => value[0] * 1e9 + value[1];
    const steps = named('step ');
    expect(steps).toHaveLength(2);
    for (const step of steps) {
      const [chat] = spans().filter((span) => parentOf(span) === step && span.name.startsWith('chat '));
      expect(time(chat!.startTime)).toBeGreaterThanOrEqual(time(step.startTime));
      expect(time(chat!.endTime)).toBeLessThanOrEqual(time(step.endTime));
    }
  });

  it('does not mark an episode aborted in the middle of a model call as an error, as the aborted run is not', async () => {
    const controller = new AbortController();
    const policy = {
      name: 'aborted-mid-call',
      begin: () => ({
        decide: async ({ stepIndex }: { stepIndex: number }) => {
          if (stepIndex === 0) return { action: 'right' };
          controller.abort(); // Ctrl-C while the model is answering: the call rejects
          throw new AbortedError('The model call was aborted.');
        },
      }),
    };
    const agent = new Agent({ policy, maxSteps: 4 });
    new AgentTracing({ tracer }).attach(agent.events);
    const summary = await new Runner(agent).run({ createEnvironment: () => new LineWorldEnvironment({ length: 5 }), episodes: 1, signal: controller.signal });
    expect(summary.status).toBe('aborted');
    const [episode] = named('invoke_agent ');
    expect(episode!.attributes['worldloop.episode.status']).toBe('aborted');
    expect(episode!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(named('worldloop.run')[0]!.status.code).not.toBe(SpanStatusCode.ERROR);
    // What cut it short is still on the span.
    expect(episode!.events.find((event) => event.name === 'exception')!.attributes).toMatchObject({ 'exception.message': 'The model call was aborted.' });
  });

  it('names a model call of an unknown model `chat`, without a made-up gen_ai.request.model, and gives a failed one error.type', async () => {
    // A policy of its own that records its model calls without saying which model answered.
    const policy = {
      name: 'recorded-calls',
      begin: () => ({ decide: async () => ({ action: 'right', modelCalls: [{ messages: [], result: generateResult({ text: 'right', finishReason: 'error' }) }] }) }),
    };
    const agent = new Agent({ policy, maxSteps: 1 });
    new AgentTracing({ tracer }).attach(agent.events);
    await agent.runEpisode(new LineWorldEnvironment({ length: 5 }), { seed: 1 });
    const [chat] = spans().filter((span) => span.attributes['gen_ai.operation.name'] === 'chat');
    expect(chat!.name).toBe('chat');
    expect(chat!.attributes).not.toHaveProperty('gen_ai.request.model');
    expect(chat!.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat!.attributes['error.type']).toEqual(expect.any(String));
  });

  it('never fails the episode over content it cannot serialise (a tool that returns a BigInt)', async () => {
    const tools = new ToolRegistry().register(defineTool({ name: 'grains', description: 'Grains of rice on the board.', inputSchema: z.object({}), execute: () => ({ grains: 2n ** 64n - 1n }) }));
    // A policy of code, not a model: it reads the tool's output as it is, no JSON in between.
    const policy = {
      name: 'counts-grains',
      begin: () => ({
        decide: async ({ tools: box }: { tools: { call: (name: string, args: unknown) => Promise<unknown> } }) => {
          await box.call('grains', {});
          return { action: 'right' };
        },
      }),
    };
    const agent = new Agent({ policy, tools, maxSteps: 1 });
    new AgentTracing({ tracer, captureContent: true }).attach(agent.events);
    const result = await agent.runEpisode(new LineWorldEnvironment({ length: 5 }), { seed: 1 });
    expect(result.outcome).toMatchObject({ status: 'finished', stepCount: 1 });
    const [tool] = named('execute_tool ');
    expect(tool!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(tool!.attributes['gen_ai.tool.call.result']).toBe('{"grains":"18446744073709551615"}');
  });
});
