// LlmPolicy on real gridworld episodes with scripted and recorded models: prefix stability, retries
// after invalid or malformed replies, exhausted retries, tool calls within a step in both action
// modes, memories in the volatile tail only, context trimming, recording and exact replay.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gridworldEnvironments } from '@worldloop/gridworld';
import {
  ModelBackendError,
  type ChatMessage,
  type Environment,
  type GenerateRequest,
  type MemoryHit,
  type MemoryRecord,
  type MemoryStore,
  type NewMemory,
  type RecallQuery,
  type StepRecord,
} from '@worldloop/spec';
import { LineWorldEnvironment, RecordedLanguageModel, ScriptedLanguageModel, generateResult, type ScriptedAnswer, type TestLanguageModelOptions } from '@worldloop/testkit';
import { Agent, type AgentMemoryOptions } from './agent.js';
import { defineTool } from './define-tool.js';
import { LlmPolicy, type ActionMode, type LlmDecisionInfo, type LlmPolicyOptions } from './llm-policy.js';
import { ToolRegistry } from './tool-registry.js';

function gridworld(id = 'gridworld/GoToLocal-v0'): Environment {
  return gridworldEnvironments.find((spec) => spec.id === id)!.create();
}

/** The expert's next action, said the way each mode says it. */
function expertAnswer(environment: Environment, mode: ActionMode, callIndex: number): ScriptedAnswer {
  const action = environment.expertAction!() as string;
  if (mode === 'text') return `Thought: following the plan.\nAction: ${action}`;
  return generateResult({ text: 'Following the plan.', toolCalls: [{ id: `call-${callIndex}`, name: 'act', arguments: { action } }] });
}

/** A model that plays the expert, except at the call indexes given in `overrides`. */
function expertModel(environment: Environment, mode: ActionMode, overrides: Record<number, ScriptedAnswer> = {}, options: TestLanguageModelOptions = {}): ScriptedLanguageModel {
  return new ScriptedLanguageModel((_request, callIndex) => overrides[callIndex] ?? expertAnswer(environment, mode, callIndex), options);
}

interface EpisodeRun {
  readonly steps: StepRecord[];
  readonly outcome: Awaited<ReturnType<Agent['runEpisode']>>['outcome'];
}

async function runEpisode(
  environment: Environment,
  policyOptions: LlmPolicyOptions,
  options: { seed?: number; maxSteps?: number; tools?: ToolRegistry; memory?: AgentMemoryOptions } = {},
): Promise<EpisodeRun> {
  const agent = new Agent({
    policy: new LlmPolicy(policyOptions),
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.memory ? { memory: options.memory } : {}),
  });
  const steps: StepRecord[] = [];
  agent.events.on('step-end', ({ step }) => steps.push(step));
  const result = await agent.runEpisode(environment, { seed: options.seed ?? 1, ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}) });
  return { steps, outcome: result.outcome };
}

const info = (step: StepRecord): LlmDecisionInfo => step.policyInfo as LlmDecisionInfo;
const text = (message: ChatMessage | undefined): string => (typeof message?.content === 'string' ? message.content : JSON.stringify(message?.content));

const compass = defineTool({
  name: 'compass',
  description: 'Tells which way you face.',
  inputSchema: z.object({}),
  execute: () => ({ heading: 'north' }),
});

describe('LlmPolicy', () => {
  for (const mode of ['text', 'native'] as const) {
    describe(`${mode} mode`, () => {
      it('keeps the prefix byte-identical and the history append-only over a 30-step episode', async () => {
        const environment = gridworld('gridworld/GoToObjMaze-v0');
        const model = expertModel(environment, mode, { 4: mode === 'text' ? 'Action: fly' : generateResult({ toolCalls: [{ name: 'act', arguments: { action: 'fly' } }] }) });
        const { steps } = await runEpisode(environment, { model, actionMode: mode }, { seed: 3, maxSteps: 30, tools: new ToolRegistry([compass]) });
        expect(steps).toHaveLength(28);
        const system = JSON.stringify(model.calls[0]!.messages[0]);
        // What the prompt shows of the tools; the decoding-only narrowing changes per step.
        const shownTools = (call: GenerateRequest): string => JSON.stringify(call.tools?.map(({ decodingParameters: _decoding, ...shown }) => shown));
        const tools = shownTools(model.calls[0]!);
        expect(model.calls.length).toBe(29); // one retry
        for (const call of model.calls) {
          expect(JSON.stringify(call.messages[0])).toBe(system);
          expect(shownTools(call)).toBe(tools);
          // The volatile tail (map, valid actions, step counter) is in the current opening only.
          const opening = call.messages.findLastIndex((message) => message.role === 'user' && text(message).startsWith('Observation:'));
          const volatile = call.messages.map((message, index) => (/Steps used: |\nmap:\n/.test(text(message)) ? index : -1)).filter((index) => index >= 0);
          expect(volatile).toEqual([opening]);
        }
        if (mode === 'native') expect(model.calls[0]!.tools!.map((tool) => tool.name)).toEqual(['compass', 'act']);
        else expect(model.calls[0]!.tools).toBeUndefined();
        expect(text(model.calls[0]!.messages[0])).toContain(mode === 'text' ? '- compass: Tells which way you face.' : 'calling the act tool');
        for (let index = 1; index < steps.length; index++) {
          const previous = steps[index - 1]!.modelCalls.at(-1)!.messages;
          const current = steps[index]!.modelCalls[0]!.messages;
          // The previous prompt, minus the volatile tail of its last opening, starts the current one.
          const opening = previous.findLastIndex((message) => message.role === 'user' && text(message).startsWith('Observation:'));
          expect(current.slice(0, opening)).toEqual(previous.slice(0, opening));
          expect(text(previous[opening]).startsWith(text(current[opening]))).toBe(true);
          expect(current.slice(opening + 1, previous.length)).toEqual(previous.slice(opening + 1));
        }
      });

      it('plays a whole episode to success, one model call per step, reasoning recorded', async () => {
        const environment = gridworld();
        const model = expertModel(environment, mode);
        const { steps, outcome } = await runEpisode(environment, { model, actionMode: mode }, { seed: 2 });
        expect(outcome).toMatchObject({ status: 'finished', success: true, invalidActionCount: 0 });
        for (const step of steps) {
          expect(step.accepted).toBe(true);
          expect(step.modelCalls).toHaveLength(1);
          expect(step.reasoning).toBe(mode === 'text' ? 'following the plan.' : 'Following the plan.');
          expect(info(step)).toMatchObject({ actionMode: mode, modelCalls: 1, invalidAttempts: 0, toolCalls: 0, outcome: 'valid', fallbackUsed: false, omittedSteps: 0 });
        }
      });

      it('tells the model exactly why an action is invalid and takes the corrected one', async () => {
        const environment = gridworld();
        const fly = mode === 'text' ? 'Thought: I will fly.\nAction: fly' : generateResult({ toolCalls: [{ id: 'fly-call', name: 'act', arguments: { action: 'fly' } }] });
        const model = expertModel(environment, mode, { 1: fly });
        const { steps, outcome } = await runEpisode(environment, { model, actionMode: mode }, { seed: 2 });
        expect(outcome).toMatchObject({ success: true, invalidActionCount: 0 });
        const step = steps[1]!;
        expect(step.accepted).toBe(true);
        expect(step.modelCalls).toHaveLength(2);
        expect(info(step)).toMatchObject({ invalidAttempts: 1, modelCalls: 2, outcome: 'valid' });
        const validation = environment.actionSpace.validate('fly');
        const reason = validation.ok ? '' : validation.reason.replace(/\.$/, '');
        const valid = steps[1]!.observation.validActions!.join(', ');
        const expected =
          `Your action "fly" is not valid: ${reason}. Valid actions now: ${valid}. ` +
          (mode === 'text' ? 'Answer again, ending with a line "Action: <one valid action>".' : 'Call act again with one valid action.');
        expect(info(step).corrections).toEqual([expected]);
        const retry = step.modelCalls[1]!.messages;
        expect(retry.at(-1)).toEqual(mode === 'text' ? { role: 'user', content: expected } : { role: 'tool', toolCallId: 'fly-call', name: 'act', content: expected });
        expect(retry.slice(0, -2)).toEqual(step.modelCalls[0]!.messages);
      });

      it('corrects malformed output: no action line, broken JSON, no act call', async () => {
        const environment = gridworld();
        const malformed: Record<number, ScriptedAnswer> =
          mode === 'text'
            ? { 0: 'I am not sure what to do.\nMaybe turn?', 2: '<tool_call>{"name": "act", "arguments": {"direction": "left"}}</tool_call>' }
            : { 0: generateResult({ toolCalls: [{ id: 'broken', name: 'act', arguments: '{"action": left}' }] }), 2: 'I need to think.\nLet me look around.' };
        const model = expertModel(environment, mode, malformed);
        const { steps, outcome } = await runEpisode(environment, { model, actionMode: mode }, { seed: 2 });
        expect(outcome).toMatchObject({ success: true, invalidActionCount: 0 });
        expect(info(steps[0]!)).toMatchObject({ invalidAttempts: 1, modelCalls: 2 });
        expect(info(steps[1]!)).toMatchObject({ invalidAttempts: 1, modelCalls: 2 });
        const [first, second] = [info(steps[0]!).corrections[0]!, info(steps[1]!).corrections[0]!];
        if (mode === 'text') {
          expect(first).toMatch(/^Your reply has no "Action:" line\. Valid actions now: .*\. Answer again, ending with a line "Action: <one valid action>"\.$/);
          expect(second).toMatch(/^The arguments of act must be a JSON object \{"action": "<one valid action>"\}; got \{"direction":"left"\}\./);
        } else {
          expect(first).toMatch(/^The arguments of act must be a JSON object \{"action": "<one valid action>"\}; got \{"action": left\}\. Valid actions now: .*Call act again with one valid action\.$/);
          expect(steps[0]!.modelCalls[1]!.messages.at(-1)).toMatchObject({ role: 'tool', toolCallId: 'broken' });
          expect(second).toMatch(/^Your reply has no "Action:" line\. Valid actions now: .*Call the act tool with \{"action": "<one valid action>"\}, or end your reply with a line "Action: <one valid action>"\.$/);
          expect(steps[1]!.modelCalls[1]!.messages.at(-1)).toMatchObject({ role: 'user' });
        }
      });

      it('sends the last invalid action when retries run out; the loop counts and records it', async () => {
        const environment = gridworld();
        const fly = (index: number): ScriptedAnswer => (mode === 'text' ? 'Action: fly' : generateResult({ toolCalls: [{ id: `fly-${index}`, name: 'act', arguments: { action: 'fly' } }] }));
        const model = expertModel(environment, mode, { 0: fly(0), 1: fly(1), 2: fly(2) });
        const { steps, outcome } = await runEpisode(environment, { model, actionMode: mode }, { seed: 2 });
        expect(outcome).toMatchObject({ success: true, invalidActionCount: 1 });
        expect(steps[0]).toMatchObject({ action: 'fly', accepted: false });
        expect(steps[0]!.feedback).toMatch(/^Invalid action "fly"/);
        expect(steps[0]!.modelCalls).toHaveLength(3);
        expect(info(steps[0]!)).toMatchObject({ invalidAttempts: 3, modelCalls: 3, outcome: 'retries-exhausted', fallbackUsed: false });
        expect(info(steps[0]!).corrections).toHaveLength(2);
        // The refusal reaches the model at the next step: in the act call's result, or in the opening.
        const next = steps[1]!.modelCalls[0]!.messages;
        if (mode === 'native') {
          expect(next).toContainEqual({ role: 'tool', toolCallId: 'fly-2', name: 'act', content: steps[0]!.feedback });
        } else {
          expect(text(next.at(-1))).toContain(`Your last action did not take effect: ${steps[0]!.feedback}\nObservation:`);
        }
      });

      it('sends the fallback action instead when one is configured', async () => {
        const environment = gridworld();
        const model = expertModel(environment, mode, { 0: 'no idea', 1: 'none at all', 2: 'Action:' });
        const { steps } = await runEpisode(environment, { model, actionMode: mode, fallbackAction: 'left', maxRetriesPerStep: 2 }, { seed: 2 });
        expect(steps[0]).toMatchObject({ action: 'left', accepted: true });
        expect(info(steps[0]!)).toMatchObject({ outcome: 'retries-exhausted', fallbackUsed: true, invalidAttempts: 3 });
      });

      it('runs a tool call within the step and feeds its result back', async () => {
        const environment = gridworld();
        const call =
          mode === 'text'
            ? 'Thought: which way do I face?\n<tool_call>{"name": "compass", "arguments": {}}</tool_call>'
            : generateResult({ text: 'Which way do I face?', toolCalls: [{ id: 'compass-1', name: 'compass', arguments: '{}' }] });
        const model = expertModel(environment, mode, { 0: call });
        const { steps, outcome } = await runEpisode(environment, { model, actionMode: mode }, { seed: 2, tools: new ToolRegistry([compass]) });
        expect(outcome.success).toBe(true);
        const step = steps[0]!;
        expect(step.accepted).toBe(true);
        expect(step.toolCalls).toHaveLength(1);
        expect(step.toolCalls[0]).toMatchObject({ call: { name: 'compass' }, result: { ok: true, output: { heading: 'north' } } });
        expect(info(step)).toMatchObject({ toolCalls: 1, modelCalls: 2, invalidAttempts: 0 });
        const second = step.modelCalls[1]!.messages;
        if (mode === 'text') {
          expect(step.toolCalls[0]!.call.id).toBe('step-0-reply-1-call-0');
          expect(second.at(-1)).toEqual({ role: 'user', content: 'Result of compass: {"heading":"north"}' });
        } else {
          expect(step.toolCalls[0]!.call.id).toBe('compass-1');
          expect(second.at(-2)).toMatchObject({ role: 'assistant', toolCalls: [{ id: 'compass-1', name: 'compass' }] });
          expect(second.at(-1)).toEqual({ role: 'tool', toolCallId: 'compass-1', name: 'compass', content: '{"heading":"north"}' });
        }
      });

      it('refuses tool calls beyond maxToolCallsPerStep and asks for an action', async () => {
        const environment = gridworld();
        const call = (index: number): ScriptedAnswer =>
          mode === 'text' ? '<tool_call>{"name": "compass", "arguments": {}}</tool_call>' : generateResult({ toolCalls: [{ id: `compass-${index}`, name: 'compass', arguments: {} }] });
        const model = expertModel(environment, mode, { 0: call(0), 1: call(1) });
        const { steps } = await runEpisode(environment, { model, actionMode: mode, maxToolCallsPerStep: 1 }, { seed: 2, tools: new ToolRegistry([compass]) });
        expect(steps[0]!.toolCalls).toHaveLength(1);
        expect(info(steps[0]!)).toMatchObject({ toolCalls: 1, modelCalls: 3, invalidAttempts: 1, outcome: 'valid' });
        const refusal = 'Not run: the limit of 1 tool calls per step is reached. Choose your action now.';
        const third = steps[0]!.modelCalls[2]!.messages;
        if (mode === 'text') expect(text(third.at(-1))).toMatch(new RegExp(`^Result of compass: ${refusal.replace(/\./g, '\\.')}\n\nYour reply has no action\\.`));
        else expect(third.at(-2)).toEqual({ role: 'tool', toolCallId: 'compass-1', name: 'compass', content: refusal });
      });

      it('tells the model when a guard replaced its action, where it would hear of a refusal', async () => {
        const say = (action: string, callIndex: number): ScriptedAnswer =>
          mode === 'text' ? `Thought: let me ${action}.\nAction: ${action}` : generateResult({ text: `Let me ${action}.`, toolCalls: [{ id: `call-${callIndex}`, name: 'act', arguments: { action } }] });
        const model = new ScriptedLanguageModel((_request, callIndex) => say(callIndex === 0 ? 'wait' : 'right', callIndex));
        const agent = new Agent({
          policy: new LlmPolicy({ model, actionMode: mode }),
          guards: [{ name: 'no-waiting', check: ({ action }) => (action === 'wait' ? { decision: 'rewrite', action: 'right', reason: 'keep moving' } : { decision: 'allow' }) }],
        });
        const steps: StepRecord[] = [];
        agent.events.on('step-end', ({ step }) => steps.push(step));
        const { outcome } = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
        expect(outcome).toMatchObject({ success: true, stepCount: 3, invalidActionCount: 0 });
        expect(steps[0]).toMatchObject({ action: 'wait', executedAction: 'right', accepted: true });
        const note = 'Your action "wait" was replaced by "right" by guard no-waiting: keep moving.';
        const next = steps[1]!.modelCalls[0]!.messages;
        if (mode === 'native') {
          expect(next).toContainEqual({ role: 'tool', toolCallId: 'call-0', name: 'act', content: note });
          expect(steps[2]!.modelCalls[0]!.messages).toContainEqual({ role: 'tool', toolCallId: 'call-1', name: 'act', content: 'Done.' });
        } else {
          expect(text(next.at(-1)).startsWith(`${note}\nObservation:`)).toBe(true);
        }
        // The note stays in the history as written; the step after it opens without one.
        expect(steps[2]!.modelCalls[0]!.messages.filter((message) => text(message).includes(note))).toHaveLength(1);
        expect(text(steps[2]!.modelCalls[0]!.messages.at(-1))).not.toContain('replaced');
      });
    });
  }

  it('native mode: an action written as text, and an act call next to a tool call, are handled', async () => {
    const environment = gridworld();
    const model = expertModel(environment, 'native', {
      0: 'Thought: turning.\nAction: left',
      1: generateResult({ toolCalls: [{ id: 'c', name: 'compass', arguments: {} }, { id: 'a', name: 'act', arguments: { action: 'right' } }] }),
    });
    const { steps } = await runEpisode(environment, { model, actionMode: 'native' }, { seed: 2, tools: new ToolRegistry([compass]) });
    expect(steps[0]).toMatchObject({ action: 'left', accepted: true, reasoning: 'turning.' });
    expect(info(steps[0]!)).toMatchObject({ modelCalls: 1, invalidAttempts: 0 });
    // Step 1 opens without a tool message: the text action had no call to answer.
    expect(steps[1]!.modelCalls[0]!.messages.at(-2)).toMatchObject({ role: 'assistant', content: 'Thought: turning.\nAction: left' });
    const second = steps[1]!.modelCalls[1]!.messages;
    expect(second.slice(-2)).toEqual([
      { role: 'tool', toolCallId: 'c', name: 'compass', content: '{"heading":"north"}' },
      { role: 'tool', toolCallId: 'a', name: 'act', content: 'Not taken: this reply also called tools. Read their results, then choose your action.' },
    ]);
    expect(steps[1]!.toolCalls).toHaveLength(1);
  });

  it('native mode: narrows the act tool to the valid actions for decoding only, unless told not to', async () => {
    const environment = gridworld();
    const model = expertModel(environment, 'native');
    const { steps } = await runEpisode(environment, { model, actionMode: 'native' }, { seed: 2, maxSteps: 3 });
    expect(steps.length).toBeGreaterThan(0);
    for (const [index, step] of steps.entries()) {
      const act = model.calls[index]!.tools!.find((tool) => tool.name === 'act')!;
      expect(act.parameters).toEqual(model.calls[0]!.tools!.find((tool) => tool.name === 'act')!.parameters);
      expect(act.decodingParameters).toEqual({
        type: 'object',
        properties: { action: { type: 'string', enum: step.observation.validActions } },
        required: ['action'],
        additionalProperties: false,
      });
    }
    const free = expertModel(environment, 'native');
    await runEpisode(environment, { model: free, actionMode: 'native', constrainActions: false }, { seed: 2, maxSteps: 2 });
    expect(free.calls.every((call) => call.tools!.every((tool) => tool.decodingParameters === undefined))).toBe(true);
  });

  it('shows recalled memories in the volatile tail of the current step only', async () => {
    let recalls = 0;
    const written: MemoryRecord[] = [];
    const store: MemoryStore = {
      write: async (memories: readonly NewMemory[]) => {
        const records = memories.map((memory, index): MemoryRecord => ({ ...memory, id: `m${written.length + index}`, importance: 0.5, createdAt: 0 }));
        written.push(...records);
        return records;
      },
      recall: async (): Promise<readonly MemoryHit[]> => {
        const record: MemoryRecord = { id: `r${recalls}`, kind: 'fact', text: `MEMO-${recalls++} the door is locked`, namespace: 'n', importance: 0.5, createdAt: 0 };
        return [{ record, score: 0.9, components: { lexical: 1, vector: 0, recency: 0, importance: 0.5 } }];
      },
      get: async () => [],
      close: async () => undefined,
    };
    for (const mode of ['text', 'native'] as const) {
      recalls = 0;
      const environment = gridworld();
      const model = expertModel(environment, mode, { 1: 'Action: fly' });
      const { steps } = await runEpisode(environment, { model, actionMode: mode }, { seed: 2, memory: { store } });
      expect(steps.length).toBeGreaterThan(2);
      steps.forEach((step, stepIndex) => {
        for (const call of step.modelCalls) {
          const holders = call.messages.map((message, index) => (text(message).includes('MEMO-') ? index : -1)).filter((index) => index >= 0);
          const opening = call.messages.findLastIndex((message) => message.role === 'user' && text(message).startsWith('Observation:'));
          expect(holders).toEqual([opening]);
          expect(text(call.messages[opening])).toContain(`Memories that may help:\n- MEMO-${stepIndex} the door is locked\n\nValid actions now:`);
        }
      });
      expect(steps[1]!.modelCalls).toHaveLength(2);
      expect(steps[1]!.memoryReads).toEqual([{ id: 'r1', score: 0.9 }]);
    }
  });

  it('shows recalled skills, apart from memories, in the volatile tail of the current step only', async () => {
    const queries: RecallQuery[] = [];
    const skillRecord: MemoryRecord = {
      id: 's1',
      kind: 'skill',
      text: 'Skill: go to the red ball: left, forward',
      namespace: 'n',
      importance: 0.8,
      createdAt: 0,
      payload: { name: 'go to the red ball', actions: ['left', 'forward'] },
    };
    const store: MemoryStore = {
      write: async (memories: readonly NewMemory[]) => memories.map((memory, index): MemoryRecord => ({ ...memory, id: `m${index}`, importance: 0.5, createdAt: 0 })),
      recall: async (query: RecallQuery): Promise<readonly MemoryHit[]> => {
        queries.push(query);
        const record: MemoryRecord = query.kinds?.includes('skill') && query.kinds.length === 1 ? skillRecord : { id: 'r1', kind: 'fact', text: 'MEMO the door is locked', namespace: 'n', importance: 0.5, createdAt: 0 };
        return [{ record, score: 0.7, components: { lexical: 1, vector: 0, recency: 0, importance: 0.5 } }];
      },
      get: async () => [],
      close: async () => undefined,
    };
    for (const mode of ['text', 'native'] as const) {
      queries.length = 0;
      const environment = gridworld();
      const { steps } = await runEpisode(environment, { model: expertModel(environment, mode), actionMode: mode }, { seed: 2, memory: { store, skills: { limit: 2 } } });
      expect(steps.length).toBeGreaterThan(2);
      // Skills once per episode, by mission; memories at every step, skills left out of them.
      expect(queries.filter((query) => query.kinds?.includes('skill'))).toEqual([expect.objectContaining({ kinds: ['skill'], limit: 2, text: steps[0]!.observation.mission })]);
      expect(queries.slice(1).every((query) => query.kinds !== undefined && !query.kinds.includes('skill'))).toBe(true);
      for (const step of steps) {
        for (const call of step.modelCalls) {
          const holders = call.messages.map((message, index) => (text(message).includes('Skills that worked before') ? index : -1)).filter((index) => index >= 0);
          const opening = call.messages.findLastIndex((message) => message.role === 'user' && text(message).startsWith('Observation:'));
          expect(holders).toEqual([opening]);
          expect(text(call.messages[opening])).toContain(
            'Skills that worked before on similar missions:\n- go to the red ball: left, forward\n\nMemories that may help:\n- MEMO the door is locked\n\nValid actions now:',
          );
          expect(text(call.messages[0])).not.toContain('Skills that worked before');
        }
        expect(step.memoryReads).toEqual([{ id: 'r1', score: 0.7 }, { id: 's1', score: 0.7 }]);
      }
    }
  });

  it('drops the oldest steps to fit a small context window, keeping the system message intact', async () => {
    const environment = gridworld('gridworld/GoToObjMaze-v0');
    const model = expertModel(environment, 'text', {}, { capabilities: { contextTokens: 3000 } });
    const { steps } = await runEpisode(environment, { model, actionMode: 'text', sampling: { maxTokens: 200 }, marginTokens: 100 }, { seed: 3, maxSteps: 30 });
    expect(steps).toHaveLength(28);
    const system = JSON.stringify(steps[0]!.modelCalls[0]!.messages[0]);
    const omitted = steps.map((step) => info(step).omittedSteps);
    expect(omitted.at(-1)).toBeGreaterThan(0);
    expect(new Set(omitted).size).toBeLessThan(omitted.at(-1)! / 2); // chunks, not one step at a time
    for (const step of steps) {
      const messages = step.modelCalls[0]!.messages;
      expect(JSON.stringify(messages[0])).toBe(system);
      expect(info(step).promptTokens).toBeLessThanOrEqual(3000 - 200 - 100);
      if (info(step).omittedSteps > 0) {
        expect(text(messages[1])).toMatch(new RegExp(`^\\(${info(step).omittedSteps} earlier steps omitted\\)\n\nObservation:\n`));
        expect(messages.filter((message) => text(message).includes('earlier steps omitted'))).toHaveLength(1);
      }
    }
    const full = steps.at(-1)!.modelCalls[0]!.messages;
    expect(full.filter((message) => message.role === 'assistant')).toHaveLength(steps.length - 1 - info(steps.at(-1)!).omittedSteps);
  });

  it('learns from the reported prompt sizes when the estimator errs low, and trims in time', async () => {
    const environment = gridworld('gridworld/GoToObjMaze-v0');
    // A tokenizer at 4 tokens per 3 characters: the chars / 4 estimate is 5.3 times too low.
    const realTokens = (messages: readonly ChatMessage[]): number => Math.ceil((messages.reduce((sum, message) => sum + text(message).length + 16, 0) * 4) / 3);
    const reported: number[] = [];
    const model = new ScriptedLanguageModel(
      (request) => {
        const promptTokens = realTokens(request.messages);
        reported.push(promptTokens);
        const answer = expertAnswer(environment, 'text', 0) as string;
        return generateResult({ text: answer, usage: { promptTokens, completionTokens: 10 } });
      },
      { capabilities: { contextTokens: 8192 } },
    );
    const { steps } = await runEpisode(environment, { model, actionMode: 'text', sampling: { maxTokens: 100 } }, { seed: 3, maxSteps: 30 });
    expect(steps).toHaveLength(28);
    const budget = 8192 - 100 - Math.ceil(8192 * 0.05);
    expect(reported.slice(1).every((tokens) => tokens <= budget)).toBe(true);
    expect(info(steps.at(-1)!).omittedSteps).toBeGreaterThan(0);
    expect(info(steps.at(-1)!).tokenScale).toBeGreaterThan(4);
    // Without the reports, the chars / 4 estimate would have let the prompt overflow.
    const blind = new ScriptedLanguageModel(() => expertAnswer(environment, 'text', 0), { capabilities: { contextTokens: 8192 } });
    const unscaled = await runEpisode(environment, { model: blind, actionMode: 'text', sampling: { maxTokens: 100 } }, { seed: 3, maxSteps: 30 });
    expect(Math.max(...blind.calls.map((call) => realTokens(call.messages)))).toBeGreaterThan(budget);
    expect(info(unscaled.steps.at(-1)!)).toMatchObject({ omittedSteps: 0, tokenScale: 1 });
  });

  it('stops retrying when another attempt would not fit the context window, and says why', async () => {
    const estimate = (messages: readonly ChatMessage[]): number =>
      messages.reduce((sum, message) => sum + 4 + Math.ceil(text(message).length / 4) + (message.role === 'assistant' && message.toolCalls?.length ? Math.ceil(JSON.stringify(message.toolCalls).length / 4) : 0), 0);
    // A long memory recalled at the first step only: it fills that step's volatile tail, so the next
    // step (without it) fits where a third attempt at the first step does not.
    const memory = (): AgentMemoryOptions => {
      let recalls = 0;
      const record: MemoryRecord = { id: 'long', kind: 'fact', text: `The way out is ${'far, '.repeat(300)}away.`, namespace: 'n', importance: 0.5, createdAt: 0 };
      return {
        store: {
          write: async () => [],
          recall: async () => (recalls++ === 0 ? [{ record, score: 1, components: { lexical: 1, vector: 0, recency: 0, importance: 0 } }] : []),
          get: async () => [],
          close: async () => undefined,
        },
        toMemories: () => [],
      };
    };
    for (const mode of ['text', 'native'] as const) {
      const fly = (index: number): ScriptedAnswer => (mode === 'text' ? 'Action: fly' : generateResult({ toolCalls: [{ id: `fly-${index}`, name: 'act', arguments: { action: 'fly' } }] }));
      const flyModel = (contextTokens: number, environment: Environment): ScriptedLanguageModel =>
        expertModel(environment, mode, { 0: fly(0), 1: fly(1) }, { capabilities: { contextTokens } });
      const options = { actionMode: mode, maxRetriesPerStep: 3, marginTokens: 0, sampling: { maxTokens: 10 } } as const;
      // Measure the third call's prompt with room to spare, then leave one token too few for it.
      const roomy = flyModel(100_000, gridworld());
      await runEpisode(gridworld(), { model: roomy, ...options }, { seed: 2, maxSteps: 1, memory: memory() });
      // The prompt shows the tools without their decoding-only narrowing.
      const shown = roomy.calls[0]!.tools?.map(({ decodingParameters: _decoding, ...tool }) => tool);
      const tools = shown ? Math.ceil(JSON.stringify(shown).length / 4) : 0;
      const third = estimate(roomy.calls[2]!.messages) + tools;
      const environment = gridworld();
      const model = flyModel(third - 1 + 10, environment);
      const { steps, outcome } = await runEpisode(environment, { model, ...options }, { seed: 2, maxSteps: 2, memory: memory() });
      expect(steps[0]).toMatchObject({ action: 'fly', accepted: false });
      expect(info(steps[0]!)).toMatchObject({ outcome: 'context-full', modelCalls: 2, invalidAttempts: 2, fallbackUsed: false });
      expect(info(steps[0]!).corrections).toHaveLength(1);
      expect(outcome.invalidActionCount).toBe(1);
      // No correction is left dangling: the step's turn ends with the model's reply (text), or with
      // its act call answered at the next step by the refusal (native).
      expect(info(steps[1]!).omittedSteps).toBe(0);
      const next = steps[1]!.modelCalls[0]!.messages;
      expect(next.slice(0, 4)).toEqual(steps[0]!.modelCalls[1]!.messages.slice(0, 4).map((message, index) => (index === 1 ? next[1] : message)));
      if (mode === 'text') expect(next.slice(4)).toMatchObject([{ role: 'assistant', content: 'Action: fly' }, { role: 'user' }]);
      else expect(next.slice(4)).toMatchObject([{ role: 'assistant' }, { role: 'tool', toolCallId: 'fly-1', name: 'act', content: steps[0]!.feedback }, { role: 'user' }]);
    }
  });

  it('passes the sampling parameters and records them with every call', async () => {
    const environment = gridworld();
    const sampling = { temperature: 0.2, topP: 0.9, maxTokens: 64, seed: 7 };
    const model = expertModel(environment, 'text');
    const { steps } = await runEpisode(environment, { model, actionMode: 'text', sampling, logprobs: 3 }, { seed: 2 });
    expect(model.calls.every((call) => call.sampling === sampling && call.logprobs === 3)).toBe(true);
    expect(steps[0]!.modelCalls[0]!.sampling).toEqual(sampling);
  });

  it('chooses the action mode from the model capabilities unless told', () => {
    const withTools = new ScriptedLanguageModel(() => '', { capabilities: { toolCalls: true } });
    const withoutTools = new ScriptedLanguageModel(() => '', { capabilities: { toolCalls: false } });
    expect(new LlmPolicy({ model: withTools }).actionMode).toBe('native');
    expect(new LlmPolicy({ model: withoutTools }).actionMode).toBe('text');
    expect(new LlmPolicy({ model: withTools, actionMode: 'text' }).actionMode).toBe('text');
    expect(new LlmPolicy({ model: withTools }).name).toBe('llm:scripted');
    expect(() => new LlmPolicy({ model: withTools, maxRetriesPerStep: -1 })).toThrow(/maxRetriesPerStep/);
  });

  it('lets backend failures end the episode as failed', async () => {
    const model = new ScriptedLanguageModel(() => {
      throw new ModelBackendError('HTTP 503 from http://localhost:8000/v1/chat/completions', { retryable: true });
    });
    const { outcome } = await runEpisode(gridworld(), { model }, { seed: 2 });
    expect(outcome).toMatchObject({ status: 'failed', stepCount: 0, error: 'HTTP 503 from http://localhost:8000/v1/chat/completions' });
  });

  it('refuses a tool named like the action tool', async () => {
    const act = defineTool({ name: 'act', description: 'x', inputSchema: z.object({}), execute: () => 1 });
    const { outcome } = await runEpisode(gridworld(), { model: expertModel(gridworld(), 'text') }, { tools: new ToolRegistry([act]) });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/A tool is named "act", which LlmPolicy uses to take actions/);
  });

  it('replays a recorded episode exactly, and reports the first divergence', async () => {
    const recordEnvironment = gridworld();
    const recording = await runEpisode(
      recordEnvironment,
      { model: expertModel(recordEnvironment, 'text', { 2: 'Action: fly', 5: '<tool_call>{"name": "compass", "arguments": {}}</tool_call>' }), actionMode: 'text' },
      { seed: 4, tools: new ToolRegistry([compass]) },
    );
    const stored = JSON.parse(JSON.stringify(recording.steps)) as StepRecord[]; // as a store gives them back
    const model = RecordedLanguageModel.fromSteps(stored, { match: 'exact' });
    const replay = await runEpisode(gridworld(), { model, actionMode: 'text' }, { seed: 4, tools: new ToolRegistry([compass]) });
    expect(replay.outcome).toEqual(recording.outcome);
    expect(replay.steps.map((step) => step.action)).toEqual(recording.steps.map((step) => step.action));
    expect(model.remaining).toBe(0);

    const drifting = RecordedLanguageModel.fromSteps(stored, { match: 'exact' });
    const diverged = await runEpisode(gridworld(), { model: drifting, actionMode: 'text', instructions: 'You are a different agent.' }, { seed: 4, tools: new ToolRegistry([compass]) });
    expect(diverged.outcome.status).toBe('failed');
    expect(diverged.outcome.error).toMatch(/^Replay diverged at model call #0: message 0 \(system\) differs from recording 0 at character \d+ of its JSON: expected ".*You are an agent acting.*", got ".*You are a different agent.*"/);
  });
});
