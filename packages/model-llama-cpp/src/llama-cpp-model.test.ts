// Real llama.cpp inference on a tiny random-weight GGUF written by the testkit: plain text,
// grammar-constrained JSON and tool calls, batching over sequences, prefix reuse, abort, errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortedError, ConfigError, ModelBackendError, type ChatMessage, type GenerateRequest, type ToolDefinition } from '@worldloop/spec';
import { writeTinyGguf } from '@worldloop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlamaCppModel } from './llama-cpp-model.js';

const directory = mkdtempSync(join(tmpdir(), 'worldloop-llama-cpp-'));
const modelPath = join(directory, 'tiny.gguf');
let model: LlamaCppModel;

const SYSTEM: ChatMessage = { role: 'system', content: 'You act in a grid.' };
const ACTIONS = ['left', 'right', 'forward', 'pickup', 'done'] as const;
const ACTION_SCHEMA = {
  type: 'object',
  properties: { action: { enum: ACTIONS }, confidence: { type: 'integer' } },
  required: ['action', 'confidence'],
  additionalProperties: false,
};
const TOOLS: ToolDefinition[] = [
  {
    name: 'move',
    description: 'Moves one cell.',
    parameters: { type: 'object', properties: { direction: { enum: ['north', 'south', 'east', 'west'] } }, required: ['direction'] },
  },
  {
    name: 'say',
    description: 'Says something short.',
    parameters: { type: 'object', properties: { text: { type: 'string', maxLength: 6 }, loud: { type: 'boolean' } }, required: ['text'] },
  },
];

function ask(text: string, extra: Partial<GenerateRequest> = {}): GenerateRequest {
  return { messages: [SYSTEM, { role: 'user', content: text }], ...extra };
}

beforeAll(async () => {
  await writeTinyGguf(modelPath, { seed: 7 });
  model = await LlamaCppModel.load({ modelPath, gpu: false, threads: 1, chatWrapper: 'general', sequences: 4, contextTokens: 2048 });
});

afterAll(async () => {
  await model?.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('LlamaCppModel', () => {
  it('declares what it supports', () => {
    expect(model.provider).toBe('llama-cpp');
    expect(model.modelId).toBe('tiny.gguf');
    expect(model.capabilities).toEqual({ toolCalls: true, jsonSchema: true, logprobs: false, images: false, contextTokens: 2048 });
  });

  it('generates free text with usage, timings and a finish reason', async () => {
    const result = await model.generate(ask('Say hello.', { sampling: { maxTokens: 12 } }));
    expect(typeof result.text).toBe('string');
    expect(result.toolCalls).toEqual([]);
    expect(['length', 'stop']).toContain(result.finishReason);
    expect(result.usage!.promptTokens).toBeGreaterThan(20);
    expect(result.usage!.completionTokens).toBeGreaterThan(0);
    expect(result.usage!.completionTokens).toBeLessThanOrEqual(12);
    expect(result.timings!.totalMs).toBeGreaterThan(0);
    expect(result.timings!.firstTokenMs).toBeLessThanOrEqual(result.timings!.totalMs);
    expect(result.raw).toMatchObject({ grammar: false, stopReason: expect.any(String), sequenceIndex: expect.any(Number) });
    expect(result.warnings).toEqual([]);
  });

  it('is deterministic when greedy, and seeded sampling reproduces', async () => {
    const greedy = ask('Repeat after me.', { sampling: { maxTokens: 10 } });
    expect((await model.generate(greedy)).text).toBe((await model.generate(greedy)).text);
    const seeded = ask('Roll a die.', { sampling: { maxTokens: 10, temperature: 1, seed: 42 } });
    expect((await model.generate(seeded)).text).toBe((await model.generate(seeded)).text);
  });

  it('stops at a stop string', async () => {
    const free = await model.generate(ask('Count.', { sampling: { maxTokens: 24 } }));
    const stopAt = free.text.slice(3, 4);
    if (stopAt.length === 0) return; // the random model ended early: nothing to stop at
    const stopped = await model.generate(ask('Count.', { sampling: { maxTokens: 24, stop: [stopAt] } }));
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(free.text.slice(0, free.text.indexOf(stopAt)));
  });

  it('constrains output to the response schema: 20 of 20 sampled outputs parse and match', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        model.generate(ask(`Step ${index}: choose an action.`, { responseSchema: ACTION_SCHEMA, sampling: { temperature: 1, seed: index + 1, maxTokens: 96 } })),
      ),
    );
    for (const result of results) {
      expect(result.finishReason).toBe('stop');
      const parsed = JSON.parse(result.text) as { action: string; confidence: number };
      expect(Object.keys(parsed).sort()).toEqual(['action', 'confidence']);
      expect(ACTIONS).toContain(parsed.action);
      // node-llama-cpp's integer grammar allows exponents (`4E+56`, even `3E9933`, which JSON.parse reads as Infinity).
      expect(typeof parsed.confidence).toBe('number');
      expect(result.raw).toMatchObject({ grammar: true });
    }
  });

  it('returns tool calls when tools are required: every call names a tool with valid arguments', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        model.generate(ask(`Turn ${index}: act.`, { tools: TOOLS, toolChoice: 'required', sampling: { temperature: 1, seed: 100 + index, maxTokens: 96 } })),
      ),
    );
    const ids = new Set<string>();
    for (const result of results) {
      expect(result.finishReason).toBe('tool-calls');
      expect(result.text).toBe('');
      expect(result.toolCalls).toHaveLength(1);
      const [call] = result.toolCalls;
      ids.add(call!.id);
      const args = call!.arguments as Record<string, unknown>;
      if (call!.name === 'move') expect(['north', 'south', 'east', 'west']).toContain(args['direction']);
      else {
        expect(call!.name).toBe('say');
        expect(typeof args['text']).toBe('string');
        // The grammar allows 6 code points. Random byte tokens can spell a character in bytes that do
        // not form valid UTF-8, each decoded as U+FFFD, so up to 4 of those stand for one code point.
        const characters = [...(args['text'] as string)];
        const replaced = characters.filter((character) => character === '\uFFFD').length;
        expect(characters.length - replaced + Math.ceil(replaced / 4)).toBeLessThanOrEqual(6);
        expect(typeof args['loud']).toBe('boolean');
      }
    }
    expect(ids.size).toBe(results.length);
  });

  it('offers a final answer next to the tools when toolChoice is auto, and one named tool when chosen', async () => {
    const auto = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        model.generate(
          ask(`Round ${index}.`, { tools: TOOLS, responseSchema: { enum: ['finished', 'stuck'] }, sampling: { temperature: 1, seed: 200 + index, maxTokens: 96 } }),
        ),
      ),
    );
    for (const result of auto) {
      if (result.toolCalls.length === 0) {
        expect(result.finishReason).toBe('stop');
        expect(['"finished"', '"stuck"']).toContain(result.text);
      } else expect(['move', 'say']).toContain(result.toolCalls[0]!.name);
    }
    const named = await model.generate(ask('Go.', { tools: TOOLS, toolChoice: { name: 'move' }, sampling: { maxTokens: 96 } }));
    expect(named.toolCalls.map((call) => call.name)).toEqual(['move']);
  });

  it('enforces the definitions a tool\'s schema refers to with $ref', async () => {
    const ship: ToolDefinition = {
      name: 'ship',
      description: 'Ships a parcel.',
      parameters: {
        type: 'object',
        properties: { to: { $ref: '#/$defs/Address' } },
        required: ['to'],
        $defs: { Address: { type: 'object', properties: { city: { enum: ['Oslo', 'Rome'] } }, required: ['city'], additionalProperties: false } },
      },
    };
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, index) => model.generate(ask(`Parcel ${index}.`, { tools: [ship], toolChoice: 'required', sampling: { temperature: 1, seed: 300 + index, maxTokens: 256 } }))),
    );
    for (const result of results) {
      expect(result.toolCalls).toHaveLength(1);
      expect(result.toolCalls[0]!.arguments).toEqual({ to: { city: expect.stringMatching(/^(Oslo|Rome)$/) } });
    }
  });

  it('reuses the evaluated prefix on the next step of an episode', async () => {
    const messages: ChatMessage[] = [SYSTEM, { role: 'user', content: 'Episode R, step 1. You see a wall.' }];
    const first = await model.generate({ messages, responseSchema: ACTION_SCHEMA, sampling: { maxTokens: 96 } });
    messages.push({ role: 'assistant', content: first.text }, { role: 'user', content: 'Step 2. You see a door.' });
    const second = await model.generate({ messages, responseSchema: ACTION_SCHEMA, sampling: { maxTokens: 96 } });
    expect(second.raw).toMatchObject({ sequenceIndex: (first.raw as { sequenceIndex: number }).sequenceIndex });
    // Everything up to the new turn was evaluated at step 1: the whole first prompt at least.
    expect(second.usage!.cachedPromptTokens).toBeGreaterThanOrEqual(first.usage!.promptTokens);
    expect(second.usage!.promptTokens - second.usage!.cachedPromptTokens!).toBeLessThan(60);
  });

  it('serves concurrent episodes on separate sequences, queues the overflow, and keeps each episode on its sequence', async () => {
    const episodes = Array.from({ length: 4 }, (_, episode) => [SYSTEM, { role: 'user', content: `Episode ${episode}. Mission: find the key.` }] as ChatMessage[]);
    const steps: { sequenceIndex: number; cached: number; prompt: number }[][] = episodes.map(() => []);
    await Promise.all(
      episodes.map(async (messages, episode) => {
        for (let step = 0; step < 3; step++) {
          const result = await model.generate({ messages, responseSchema: ACTION_SCHEMA, sampling: { maxTokens: 96, temperature: 1, seed: episode * 10 + step } });
          expect(() => JSON.parse(result.text)).not.toThrow();
          const raw = result.raw as { sequenceIndex: number };
          steps[episode]!.push({ sequenceIndex: raw.sequenceIndex, cached: result.usage!.cachedPromptTokens!, prompt: result.usage!.promptTokens });
          messages.push({ role: 'assistant', content: result.text }, { role: 'user', content: `Step ${step + 1}: nothing changed.` });
        }
      }),
    );
    expect(new Set(steps.map((episode) => episode[0]!.sequenceIndex)).size).toBe(4);
    for (const episode of steps) {
      expect(new Set(episode.map((step) => step.sequenceIndex)).size).toBe(1);
      for (let step = 1; step < episode.length; step++) expect(episode[step]!.cached).toBeGreaterThanOrEqual(episode[step - 1]!.prompt);
    }

    const overflow = await Promise.all(Array.from({ length: 7 }, (_, index) => model.generate(ask(`Overflow ${index}.`, { sampling: { maxTokens: 24 } }))));
    const waited = overflow.filter((result) => (result.raw as { waitedMs: number }).waitedMs > 0);
    expect(waited.length).toBeGreaterThanOrEqual(3);
  });

  it('aborts: before the start, while generating, and keeps working after', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await expect(model.generate(ask('Never.', { signal: aborted.signal }))).rejects.toBeInstanceOf(AbortedError);

    const controller = new AbortController();
    const running = model.generate(ask('Talk for a long time.', { signal: controller.signal, sampling: { maxTokens: 1500 } }));
    setTimeout(() => controller.abort(new Error('user stopped')), 30);
    await expect(running).rejects.toBeInstanceOf(AbortedError);

    const after = await model.generate(ask('Still there?', { sampling: { maxTokens: 4 } }));
    expect(after.usage!.completionTokens).toBeGreaterThan(0);
  });

  it('warns about settings it ignores or changes', async () => {
    const result = await model.generate({
      messages: [SYSTEM, { role: 'user', content: [{ type: 'text', text: 'Look.' }, { type: 'image', mediaType: 'image/png', data: 'AAAA' }] }],
      responseSchema: { type: 'object', properties: { count: { type: 'integer', minimum: 0, maximum: 9 } } },
      sampling: { maxTokens: 5000, topP: 0.5 },
    });
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('1 image part(s) dropped'),
        expect.stringContaining('topP ignored'),
        expect.stringMatching(/maxTokens lowered from 5000 to \d+/),
        expect.stringContaining('not enforced by the grammar (outputs parse but may violate them): maximum, minimum'),
      ]),
    );
  });

  it('refuses a prompt longer than the context, bad sampling and unknown tool choices', async () => {
    const long = 'x'.repeat(2100);
    await expect(model.generate(ask(long))).rejects.toBeInstanceOf(ModelBackendError);
    await expect(model.generate(ask(long))).rejects.toThrow(/The prompt is \d+ tokens; a sequence of tiny.gguf holds 2048/);
    await expect(model.generate(ask('Hi', { sampling: { temperature: -1 } }))).rejects.toBeInstanceOf(ConfigError);
    await expect(model.generate(ask('Hi', { tools: TOOLS, toolChoice: { name: 'fly' } }))).rejects.toThrow(/toolChoice names "fly"/);
  });
});

describe('LlamaCppModel.load', () => {
  it('refuses a missing file, a file that is not GGUF, and bad options before llama.cpp runs', async () => {
    await expect(LlamaCppModel.load({ modelPath: join(directory, 'missing.gguf'), gpu: false })).rejects.toThrow(ConfigError);
    const text = join(directory, 'notes.gguf');
    writeFileSync(text, 'just some text, no weights');
    await expect(LlamaCppModel.load({ modelPath: text, gpu: false })).rejects.toThrow(/is not a GGUF file/);
    await expect(LlamaCppModel.load({ modelPath, gpu: false, sequences: 0 })).rejects.toThrow(/sequences must be a positive integer/);
  });

  it('renders template-less files like `general` by default; closes: calls in flight, waiting and later fail with ModelBackendError', async () => {
    // Default chat wrapper: the tiny file has no chat template, so `auto` renders like `general`.
    const second = await LlamaCppModel.load({ modelPath, gpu: false, threads: 1, sequences: 1, contextTokens: 512 });
    expect(second.capabilities.contextTokens).toBe(512);
    const request = ask('Same prompt.', { sampling: { maxTokens: 2 } });
    expect((await second.generate(request)).usage!.promptTokens).toBe((await model.generate(request)).usage!.promptTokens);
    const running = second.generate(ask('Talk.', { sampling: { maxTokens: 400 } }));
    const queued = second.generate(ask('Me next.'));
    setTimeout(() => void second.close(), 30);
    const [runningOutcome, queuedOutcome] = await Promise.allSettled([running, queued]);
    expect(runningOutcome).toMatchObject({ status: 'rejected', reason: expect.any(ModelBackendError) });
    expect(queuedOutcome).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/was closed while the call waited/) } });
    await second.close();
    await expect(second.generate(ask('Hi'))).rejects.toBeInstanceOf(ModelBackendError);
  });

  it('resolves every close() only once the model is freed, also when called while it is closing', async () => {
    const closing = await LlamaCppModel.load({ modelPath, gpu: false, threads: 1, sequences: 1, contextTokens: 256 });
    let firstClosed = false;
    const first = closing.close().then(() => (firstClosed = true));
    await closing.close();
    expect(firstClosed).toBe(true);
    await first;
  });
});
