// The scripted model and generateResult: answers from a function, every request recorded,
// fixed latency on fake timers, aborts, and backend failures thrown by the script.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, ModelBackendError, type GenerateRequest } from '@worldloop/spec';
import { generateResult } from './generate-result.js';
import { ScriptedLanguageModel } from './scripted-language-model.js';

const request = (content: string, signal?: AbortSignal): GenerateRequest => ({ messages: [{ role: 'user', content }], ...(signal ? { signal } : {}) });

afterEach(() => {
  vi.useRealTimers();
});

describe('generateResult', () => {
  it('fills the defaults and derives the finish reason', () => {
    expect(generateResult({ text: 'hi' })).toEqual({ text: 'hi', toolCalls: [], finishReason: 'stop', warnings: [] });
    expect(generateResult({ toolCalls: [{ name: 'act', arguments: { action: 'left' } }] })).toEqual({
      text: '',
      toolCalls: [{ id: 'call-0', name: 'act', arguments: { action: 'left' } }],
      finishReason: 'tool-calls',
      warnings: [],
    });
    expect(generateResult({ text: 'x', finishReason: 'length', usage: { promptTokens: 3, completionTokens: 1 } })).toMatchObject({ finishReason: 'length', usage: { promptTokens: 3, completionTokens: 1 } });
  });
});

describe('ScriptedLanguageModel', () => {
  it('answers from its function, with text or full results, and records every request', async () => {
    const model = new ScriptedLanguageModel((incoming, callIndex) => (callIndex === 0 ? `echo ${incoming.messages[0]!.content as string}` : generateResult({ text: 'second' })));
    const first = request('one');
    expect(await model.generate(first)).toEqual({ text: 'echo one', toolCalls: [], finishReason: 'stop', warnings: [] });
    expect((await model.generate(request('two'))).text).toBe('second');
    expect(model.calls).toHaveLength(2);
    expect(model.calls[0]).toBe(first);
    expect(model).toMatchObject({ provider: 'testkit', modelId: 'scripted', capabilities: { toolCalls: true, contextTokens: 32_768 } });
    expect(new ScriptedLanguageModel(() => '', { modelId: 'm', capabilities: { contextTokens: 8 } }).capabilities).toMatchObject({ contextTokens: 8, toolCalls: true });
  });

  it('lets the script throw a backend error, still recording the request', async () => {
    const model = new ScriptedLanguageModel(() => {
      throw new ModelBackendError('connection refused', { retryable: true });
    });
    await expect(model.generate(request('x'))).rejects.toBeInstanceOf(ModelBackendError);
    expect(model.calls).toHaveLength(1);
  });

  it('waits its fixed latency, and stops waiting when aborted', async () => {
    vi.useFakeTimers();
    const model = new ScriptedLanguageModel(() => 'ok', { latency: 100 });
    let done = false;
    const answer = model.generate(request('x')).then((result) => {
      done = true;
      return result;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await answer).text).toBe('ok');

    const controller = new AbortController();
    const aborted = model.generate(request('y', controller.signal));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    await expect(model.generate(request('z', controller.signal))).rejects.toBeInstanceOf(AbortedError);
  });

  it('rejects with AbortedError when aborted while its script was answering, latency or not', async () => {
    for (const latency of [undefined, 0]) {
      const controller = new AbortController();
      let release: () => void = () => {};
      const model = new ScriptedLanguageModel(async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return 'late';
      }, latency === undefined ? {} : { latency });
      const answer = model.generate(request('x', controller.signal));
      await Promise.resolve();
      controller.abort();
      release();
      await expect(answer).rejects.toBeInstanceOf(AbortedError);
    }
  });
});
