// Chat-shaped exports on hand-made episodes at their edges: an empty last reply, tool-call ids a
// server reuses across replies, arguments that were not JSON, preference answers that end on tools,
// and counts that leave out the episodes a format left out.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage, ModelToolCall, StepRecord } from '@worldloop/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFormats } from './dataset-formats.js';
import { episodeConversation } from './episode-conversation.js';
import { exportDataset } from './export-dataset.js';
import { exportOpenAiChat, openAiChatExample } from './export-openai-chat.js';
import { shareGptExample } from './export-sharegpt.js';
import { exportTrlMessages, trlMessagesExample } from './export-trl-messages.js';
import { trlPreferenceExample } from './export-trl-preference.js';
import { lineEpisode, lineStep, modelCall, sampleOutcome, sampleRun } from './fixtures/sample-records.js';
import { SqliteTrajectoryStore } from './sqlite-trajectory-store.js';

const episode = lineEpisode;

const step = lineStep;

const call = modelCall;

const first: ChatMessage[] = [{ role: 'system', content: 'act' }, { role: 'user', content: 'at 0' }];

/** Two native steps whose calls carry `calls[0]` then `calls[1]`, each answered "Done." by the policy. */
function nativeSteps(calls: readonly [ModelToolCall, ModelToolCall], last: Partial<StepRecord> = {}): StepRecord[] {
  const reply: ChatMessage = { role: 'assistant', content: '', toolCalls: [calls[0]] };
  const second: ChatMessage[] = [...first, reply, { role: 'tool', toolCallId: calls[0].id, name: calls[0].name, content: 'Done.' }, { role: 'user', content: 'at 1' }];
  return [step(0, { modelCalls: [call(first, '', [calls[0]])] }), step(1, { modelCalls: [call(second, '', [calls[1]])], ...last })];
}

describe('chat exports at their edges', () => {
  it('ends an OpenAI example on the assistant when the last reply was empty (the policy fell back on a default action)', () => {
    const second: ChatMessage[] = [...first, { role: 'assistant', content: 'Action: right' }, { role: 'user', content: 'at 1' }];
    const steps = [step(0, { modelCalls: [call(first, 'Action: right')] }), step(1, { modelCalls: [call(second, '')], policyInfo: { fallbackUsed: true } })];
    const example = openAiChatExample(episodeConversation(episode, steps))!;
    expect(example.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
    expect(example.messages.at(-1)).toEqual({ role: 'assistant', content: 'Action: right', weight: 1 });
  });

  it('writes no OpenAI example for an episode with no reply trained on, and ends one on its last reply trained on', () => {
    const refused = { feedback: 'Invalid action "fly": not an action here.', accepted: false } as Partial<StepRecord>;
    const second: ChatMessage[] = [...first, { role: 'assistant', content: 'Action: right' }, { role: 'user', content: 'at 1' }];
    const onlyRefused = [step(0, { modelCalls: [call(first, 'Action: fly')], ...refused })];
    expect(episodeConversation(episode, onlyRefused).messages.some((message) => message.role === 'assistant' && !message.trainable)).toBe(true);
    expect(openAiChatExample(episodeConversation(episode, onlyRefused))).toBeUndefined();
    const trainedThenRefused = [step(0, { modelCalls: [call(first, 'Action: right')] }), step(1, { modelCalls: [call(second, 'Action: fly')], ...refused })];
    const example = openAiChatExample(episodeConversation(episode, trainedThenRefused))!;
    expect(example.messages.at(-1)).toEqual({ role: 'assistant', content: 'Action: right', weight: 1 });
  });

  it('answers every tool call of every reply when the server reused a tool-call id across replies', () => {
    const act = (action: string): ModelToolCall => ({ id: 'call_0', name: 'act', arguments: { action } });
    const conversation = episodeConversation(episode, nativeSteps([act('right'), act('right')]));
    const example = trlMessagesExample(conversation)!;
    const roles = example.messages.map((message) => message.role);
    expect(roles).toEqual(['system', 'user', 'assistant', 'tool', 'user', 'assistant', 'tool']);
    expect(example.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_0', content: 'Done.' });
  });

  it('writes arguments that were not JSON as {"invalid_arguments": text}: a JSON string for OpenAI, an object elsewhere', () => {
    const broken: ModelToolCall = { id: 'b', name: 'act', arguments: '{"action": "right"' };
    const conversation = episodeConversation(episode, nativeSteps([broken, { id: 'c', name: 'act', arguments: { action: 'right' } }], { policyInfo: { corrections: [] } }));
    const wrapped = { invalid_arguments: '{"action": "right"' };

    const openAi = openAiChatExample(conversation)!;
    const openAiCalls = openAi.messages.flatMap((message) => (message.role === 'assistant' ? (message.tool_calls ?? []) : []));
    for (const toolCall of openAiCalls) expect(() => JSON.parse(toolCall.function.arguments) as unknown).not.toThrow();
    expect(JSON.parse(openAiCalls[0]!.function.arguments)).toEqual(wrapped);
    expect(openAiCalls[1]!.function.arguments).toBe('{"action":"right"}');

    const trl = trlMessagesExample(conversation)!;
    const trlCalls = trl.messages.flatMap((message) => (message.role === 'assistant' ? (message.tool_calls ?? []) : []));
    expect(trlCalls.map((toolCall) => toolCall.function.arguments)).toEqual([wrapped, { action: 'right' }]);

    const shareGpt = shareGptExample(conversation)!;
    const functionCall = shareGpt.conversations.find((turn) => turn.from === 'function_call')!;
    expect(JSON.parse(functionCall.value)).toEqual({ name: 'act', arguments: wrapped });
  });

  it('ends both answers of a preference pair on the assistant, not on the tool results of the last action', () => {
    const act = (id: string, action: string): ModelToolCall => ({ id, name: 'act', arguments: { action } });
    const chosen = episodeConversation(episode, nativeSteps([act('a', 'right'), act('b', 'right')]));
    const rejected = episodeConversation(episode, nativeSteps([act('a', 'right'), act('b', 'left')], { accepted: false, feedback: 'You cannot go left.' }));
    const pair = trlPreferenceExample(chosen, rejected)!;
    expect(pair.prompt.at(-1)).toEqual({ role: 'user', content: 'at 1' });
    expect(pair.chosen.map((message) => message.role)).toEqual(['assistant']);
    expect(pair.rejected.map((message) => message.role)).toEqual(['assistant']);
    expect(JSON.stringify(pair.rejected)).not.toContain('You cannot go left.');
  });
});

describe('chat exports of a recorded episode whose call was not JSON', () => {
  const directory = mkdtempSync(join(tmpdir(), 'worldloop-edges-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('gives every trl-messages line the same argument type, and OpenAI JSON-string arguments', async () => {
    const databasePath = join(directory, 'worldloop.db');
    const store = new SqliteTrajectoryStore({ path: databasePath });
    const run = await store.createRun(sampleRun({ environmentId: 'line', episodesRequested: 1 }));
    const started = await store.startEpisode({ runId: run.id, episodeIndex: 0, seed: 5, environmentId: 'line', mission: 'reach the end' });
    const steps = nativeSteps([{ id: 'b', name: 'act', arguments: 'act(right' }, { id: 'c', name: 'act', arguments: { action: 'right' } }]);
    for (const recorded of steps) await store.appendStep(started.id, recorded);
    await store.endEpisode(started.id, sampleOutcome({ stepCount: 2 }));
    await store.close();

    const trl = exportTrlMessages({ databasePath, outputPath: join(directory, 'trl.jsonl') });
    const [line] = readFileSync(trl.files[0]!.path, 'utf8').trimEnd().split('\n').map((text) => JSON.parse(text) as { messages: { tool_calls?: { function: { arguments: unknown } }[] }[] });
    const argumentsTypes = line!.messages.flatMap((message) => (message.tool_calls ?? []).map((toolCall) => typeof toolCall.function.arguments));
    expect(argumentsTypes).toEqual(['object', 'object']);

    const openAi = exportOpenAiChat({ databasePath, outputPath: join(directory, 'openai.jsonl') });
    const text = readFileSync(openAi.files[0]!.path, 'utf8');
    const example = JSON.parse(text) as { messages: { tool_calls?: { function: { arguments: string } }[] }[] };
    const texts = example.messages.flatMap((message) => (message.tool_calls ?? []).map((toolCall) => toolCall.function.arguments));
    expect(texts.map((argumentsText) => JSON.parse(argumentsText) as unknown)).toEqual([{ invalid_arguments: 'act(right' }, { action: 'right' }]);
  });

  it('counts only the episodes a chat format wrote: an episode with no steps is left out of the counts too', async () => {
    const databasePath = join(directory, 'empty-episode.db');
    const store = new SqliteTrajectoryStore({ path: databasePath });
    const run = await store.createRun(sampleRun({ environmentId: 'line', episodesRequested: 2 }));
    const empty = await store.startEpisode({ runId: run.id, episodeIndex: 0, seed: 5, environmentId: 'line', mission: 'reach the end' });
    await store.endEpisode(empty.id, sampleOutcome({ success: false, stepCount: 0 }));
    const played = await store.startEpisode({ runId: run.id, episodeIndex: 1, seed: 6, environmentId: 'line', mission: 'reach the end' });
    await store.appendStep(played.id, step(0));
    await store.endEpisode(played.id, sampleOutcome({ stepCount: 1 }));
    await store.close();

    for (const format of datasetFormats.filter((candidate) => candidate.rowUnit === 'episode')) {
      const result = exportDataset(format, { databasePath, outputPath: join(directory, format.name, 'data.jsonl') });
      expect(result.files[0]!.rows).toBe(1);
      expect(result.counts.train).toEqual({ episodes: 1, steps: 1, successes: 1 });
      expect(readFileSync(result.files[0]!.cardPath, 'utf8')).toContain('episodes left out: no assistant turn to train on');
    }
  });
});
