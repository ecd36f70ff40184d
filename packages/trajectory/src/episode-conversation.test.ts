// episodeConversation on hand-made steps: the model's last prompt as the conversation, refused
// replies marked, replies matched from the end when early steps were trimmed, the last action
// answered, and conversations built from observations for model-free policies.
import { Agent, LlmPolicy } from '@worldloop/core';
import type { ChatMessage, Guard, StepRecord } from '@worldloop/spec';
import { LineWorldEnvironment, ScriptedLanguageModel, ScriptedPolicy, generateResult } from '@worldloop/testkit';
import { describe, expect, it } from 'vitest';
import { alternatingTurns } from './alternating-turns.js';
import { episodeConversation } from './episode-conversation.js';
import { agentGymFormat } from './export-agentgym.js';
import { openAiChatExample, openAiChatFormat } from './export-openai-chat.js';
import { shareGptExample, shareGptFormat } from './export-sharegpt.js';
import { trlMessagesFormat } from './export-trl-messages.js';
import { lineEpisode, lineStep, modelCall } from './fixtures/sample-records.js';

const episode = lineEpisode;

const step = lineStep;

const call = modelCall;

describe('episodeConversation', () => {
  it('is the last prompt plus the last reply; a corrected reply is not trainable; the last action call is answered', () => {
    const system: ChatMessage = { role: 'system', content: 'act' };
    const first: ChatMessage[] = [system, { role: 'user', content: 'at 0' }];
    const correction = 'Your action "fly" is not valid.';
    const badReply: ChatMessage = { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'act', arguments: { action: 'fly' } }] };
    const retry = [...first, badReply, { role: 'tool' as const, toolCallId: 'a', name: 'act', content: correction }];
    const goodReply: ChatMessage = { role: 'assistant', content: '', toolCalls: [{ id: 'b', name: 'act', arguments: { action: 'right' } }] };
    const second = [...retry, goodReply, { role: 'tool' as const, toolCallId: 'b', name: 'act', content: 'Done.' }, { role: 'user' as const, content: 'at 1' }];
    const steps = [
      step(0, { modelCalls: [call(first, '', badReply.toolCalls), call(retry, '', goodReply.toolCalls)], policyInfo: { corrections: [correction], outcome: 'valid' } }),
      step(1, { modelCalls: [call(second, 'done', [{ id: '', name: 'act', arguments: { action: 'left' } }])], accepted: false, feedback: 'You cannot go left.', policyInfo: { corrections: [], outcome: 'valid' } }),
    ];
    const conversation = episodeConversation(episode, steps);
    expect(conversation.source).toBe('model-calls');
    const assistants = conversation.messages.filter((message) => message.role === 'assistant');
    expect(assistants.map((message) => message.trainable)).toEqual([false, true, false]); // corrected, kept, refused by the environment
    expect(conversation.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'step-1-reply-1-call-0', name: 'act', content: 'You cannot go left.' });
    expect(conversation.tools.map((tool) => tool.name)).toEqual(['act']);
    expect(conversation.toolsInferred).toBe(true);
  });

  it('matches replies from the end when the last prompt dropped early steps', () => {
    const kept: ChatMessage[] = [{ role: 'system', content: 'act' }, { role: 'user', content: '(1 earlier step omitted)\n\nat 1' }];
    const steps = [
      step(0, { modelCalls: [call([{ role: 'system', content: 'act' }, { role: 'user', content: 'at 0' }], 'Action: fly'), call([], 'Action: right')], policyInfo: { corrections: [] } }),
      step(1, { modelCalls: [call(kept, 'Action: right')], policyInfo: { omittedSteps: 1 } }),
    ];
    const conversation = episodeConversation(episode, steps);
    expect(conversation.omittedSteps).toBe(1);
    expect(conversation.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(conversation.messages.at(-1)).toMatchObject({ content: 'Action: right', trainable: true });
  });

  it('builds the conversation from observations and actions for a policy without a model, tool calls included', () => {
    const steps = [
      step(0, { toolCalls: [{ call: { id: 'n0', name: 'note', arguments: { text: 'hi' } }, result: { ok: true, output: 'noted', durationMs: 1 } }], action: 'fly', accepted: false, feedback: 'Not an action.' }),
      step(1),
    ];
    const conversation = episodeConversation(episode, steps);
    expect(conversation.source).toBe('observations');
    expect(conversation.messages).toEqual([
      { role: 'system', content: 'You are an agent acting in the environment line. Each turn shows what you observe; answer with exactly one action.\nMission: reach the end' },
      { role: 'user', content: 'at 0' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'n0', name: 'note', arguments: { text: 'hi' } }], trainable: true },
      { role: 'tool', toolCallId: 'n0', name: 'note', content: 'noted' },
      { role: 'assistant', content: 'fly', toolCalls: [], trainable: false },
      { role: 'user', content: 'Not an action.\n\nat 1' },
      { role: 'assistant', content: 'right', toolCalls: [], trainable: true },
    ]);
    // ShareGPT: the tool call is a function_call turn, its result an observation, the action a gpt turn.
    const example = shareGptExample(conversation)!;
    expect(example.conversations.map((turn) => turn.from)).toEqual(['human', 'function_call', 'observation', 'gpt', 'human', 'gpt']);
    expect(alternatingTurns(conversation.messages).map((turn) => turn.side)).toEqual(['in', 'out', 'in', 'out', 'in', 'out']);
  });

  describe('when a guard replaced the action', () => {
    const note = 'Your action "wait" was replaced by "right" by guard no-waiting: keep moving.';
    const noWaiting: Guard = { name: 'no-waiting', check: ({ action }) => (action === 'wait' ? { decision: 'rewrite', action: 'right', reason: 'keep moving' } : { decision: 'allow' }) };

    /** The steps of a LineWorld episode (cell 1 to 4) run by `agent`. */
    async function recordedSteps(agent: Agent): Promise<StepRecord[]> {
      const steps: StepRecord[] = [];
      agent.events.on('step-end', ({ step }) => steps.push(step));
      const { outcome } = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
      expect(outcome).toMatchObject({ success: true, stepCount: 3 });
      return steps;
    }

    it("answers the last act call with the note the live model would have read, and trains on no reply whose action was replaced", async () => {
      // wait (sent as right), right, wait (sent as right): the first note is in the live transcript, the last is the export's.
      const model = new ScriptedLanguageModel((_request, callIndex) =>
        generateResult({ toolCalls: [{ id: `call-${callIndex}`, name: 'act', arguments: { action: callIndex === 1 ? 'right' : 'wait' } }] }),
      );
      const steps = await recordedSteps(new Agent({ policy: new LlmPolicy({ model, actionMode: 'native' }), guards: [noWaiting] }));
      const conversation = episodeConversation(lineEpisode, steps);
      const answers = conversation.messages.filter((message) => message.role === 'tool');
      expect(answers.map((message) => message.content)).toEqual([note, 'Done.', note]);
      expect(conversation.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'call-2', name: 'act', content: note });
      expect(conversation.messages.filter((message) => message.role === 'assistant').map((message) => message.trainable)).toEqual([false, true, false]);
      // The OpenAI example ends on the last reply trained on: the replaced last reply is context that trains nothing.
      expect(openAiChatExample(conversation)!.messages.filter((message) => message.role === 'assistant').map((message) => message.weight)).toEqual([0, 1]);
    });

    it('says so in the next user message of a built conversation, and does not train on the replaced action', async () => {
      const steps = await recordedSteps(new Agent({ policy: new ScriptedPolicy(['wait', 'right', 'right']), guards: [noWaiting] }));
      const conversation = episodeConversation(lineEpisode, steps);
      expect(conversation.source).toBe('observations');
      expect(conversation.messages.slice(1).map((message) => [message.role, message.role === 'assistant' ? message.trainable : message.content])).toEqual([
        ['user', steps[0]!.observation.text],
        ['assistant', false],
        ['user', `${note}\n\n${steps[1]!.observation.text}`],
        ['assistant', true],
        ['user', steps[2]!.observation.text],
        ['assistant', true],
      ]);
    });

    it("is in the dataset cards: masked where a format has weights or loss flags, kept where it has none", () => {
      for (const format of [openAiChatFormat, agentGymFormat, shareGptFormat, trlMessagesFormat]) expect(format.description, format.name).toMatch(/replaced by a guard/);
    });
  });
});
