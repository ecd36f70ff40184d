// Replaying recordings: in order, exact matching with a clear divergence error, lookup in any
// order for interleaved episodes, exhaustion, and the recordings of recorded steps.
import { describe, expect, it } from 'vitest';
import { ConfigError, ModelBackendError, type ChatMessage, type ModelCallRecord, type StepRecord } from '@worldloop/spec';
import { generateResult } from './generate-result.js';
import { RecordedLanguageModel } from './recorded-language-model.js';

const messages = (...contents: string[]): ChatMessage[] => [{ role: 'system', content: 'You are an agent.' }, ...contents.map((content): ChatMessage => ({ role: 'user', content }))];
const record = (answer: string, ...contents: string[]): ModelCallRecord => ({ messages: messages(...contents), result: generateResult({ text: answer }) });

describe('RecordedLanguageModel', () => {
  it('replays results in order whatever is asked, then fails or repeats the last', async () => {
    const model = new RecordedLanguageModel([generateResult({ text: 'a' }), generateResult({ text: 'b' })]);
    expect((await model.generate({ messages: messages('anything') })).text).toBe('a');
    expect((await model.generate({ messages: [] })).text).toBe('b');
    expect(model.remaining).toBe(0);
    await expect(model.generate({ messages: [] })).rejects.toThrow('RecordedLanguageModel has no recording left for model call #2 (it holds 2).');
    expect(model.calls).toHaveLength(3);
    const repeating = new RecordedLanguageModel([generateResult({ text: 'a' })], { whenExhausted: 'repeat-last' });
    await repeating.generate({ messages: [] });
    expect((await repeating.generate({ messages: [] })).text).toBe('a');
  });

  it('checks each request against the recording in exact mode and names the first difference', async () => {
    const model = new RecordedLanguageModel([record('left', 'Observation: a wall.'), record('right', 'Observation: a door.')], { match: 'exact' });
    expect((await model.generate({ messages: messages('Observation: a wall.') })).text).toBe('left');
    const error = await model.generate({ messages: messages('Observation: a key.') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect((error as ModelBackendError).message).toBe(
      'Replay diverged at model call #1: message 1 (user) differs from recording 1 at character 27 of its JSON: expected "{\\"content\\":\\"Observation: a door.\\",\\"role\\":\\"user\\"}", got "{\\"content\\":\\"Observation: a key.\\",\\"role\\":\\"user\\"}". ' +
        "The run no longer reproduces the recording: check the seed, the environment's version and the policy's options.",
    );
    expect((error as ModelBackendError).details).toEqual({ callIndex: 1, messageIndex: 1 });
    const longer = new RecordedLanguageModel([record('x', 'one')], { match: 'exact' });
    await expect(longer.generate({ messages: messages('one', 'two') })).rejects.toThrow(/the request has 3 messages, recording 0 has 2/);
  });

  it('uses up no recording on a diverging request in exact mode: remaining still counts it, and it still answers', async () => {
    const model = new RecordedLanguageModel([record('left', 'Observation: a wall.'), record('right', 'Observation: a door.')], { match: 'exact' });
    await model.generate({ messages: messages('Observation: a wall.') });
    await expect(model.generate({ messages: messages('Observation: a key.') })).rejects.toBeInstanceOf(ModelBackendError);
    expect(model.remaining).toBe(1);
    expect((await model.generate({ messages: messages('Observation: a door.') })).text).toBe('right');
    expect(model.remaining).toBe(0);
  });

  it('compares data, not key order or absent fields (recordings come back from JSON stores)', async () => {
    const recorded: ModelCallRecord = { messages: [{ content: 'hi', role: 'user' } as ChatMessage], result: generateResult({ text: 'ok' }) };
    const model = new RecordedLanguageModel([JSON.parse(JSON.stringify(recorded)) as ModelCallRecord], { match: 'exact' });
    const request = { messages: [{ role: 'assistant', content: 'hi', toolCalls: undefined } as unknown as ChatMessage] };
    await expect(model.generate(request)).rejects.toThrow(/message 0 \(user\) differs/);
    const same = new RecordedLanguageModel([recorded], { match: 'exact' });
    expect((await same.generate({ messages: [{ role: 'user', content: 'hi', ...{ extra: undefined } } as ChatMessage] })).text).toBe('ok');
  });

  it('answers interleaved requests by their messages in lookup mode', async () => {
    const model = new RecordedLanguageModel([record('a1', 'episode A step 1'), record('a2', 'episode A step 2'), record('b1', 'episode B step 1')], { match: 'lookup' });
    expect((await model.generate({ messages: messages('episode B step 1') })).text).toBe('b1');
    expect((await model.generate({ messages: messages('episode A step 2') })).text).toBe('a2');
    await expect(model.generate({ messages: messages('episode A step 3') })).rejects.toThrow(/^Replay diverged at model call #2: message 1 \(user\) differs from the closest unused recording \(0\) at character 27 of its JSON: expected ".*episode A step 1.*", got ".*episode A step 3.*"/);
    expect((await model.generate({ messages: messages('episode A step 1') })).text).toBe('a1');
    await expect(model.generate({ messages: messages('episode A step 1') })).rejects.toThrow('RecordedLanguageModel has no recording left for model call #4 (all 3 are used).');
  });

  it('needs recorded messages to match, and builds from recorded steps', async () => {
    expect(() => new RecordedLanguageModel([generateResult({ text: 'x' })], { match: 'exact' })).toThrow(ConfigError);
    expect(() => new RecordedLanguageModel([record('x', 'y')], { match: 'lookup', whenExhausted: 'repeat-last' })).toThrow(ConfigError);
    const steps = [{ modelCalls: [record('first', 'one'), record('second', 'one', 'two')] }, { modelCalls: [] }, { modelCalls: [record('third', 'three')] }] as unknown as StepRecord[];
    const model = RecordedLanguageModel.fromSteps(steps, { match: 'exact' });
    expect(model.modelId).toBe('recorded');
    expect(model.remaining).toBe(3);
    expect((await model.generate({ messages: messages('one') })).text).toBe('first');
    expect((await model.generate({ messages: messages('one', 'two') })).text).toBe('second');
    expect((await model.generate({ messages: messages('three') })).text).toBe('third');
  });
});
