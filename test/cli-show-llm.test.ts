// `worldloop show` on an LLM agent's episode: per step the model's stated reasoning, the corrections
// sent back for an invalid action, and what the calls cost (backend, tokens, cached tokens, time).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@worldloop/cli';
import { Agent, LlmPolicy, Runner } from '@worldloop/core';
import { generateResult, LineWorldEnvironment, ScriptedLanguageModel } from '@worldloop/testkit';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from './cli-io-capture.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-cli-show-llm-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('worldloop show on an LLM agent’s episode', () => {
  it('prints each step’s thought, the corrections the model got, and the calls’ backend, tokens and time', async () => {
    const db = join(directory, 'runs.db');
    // The first reply names an action the world does not have; the correction brings a valid one.
    const model = new ScriptedLanguageModel(
      (_request, callIndex) =>
        generateResult({
          text: callIndex === 0 ? 'Thought: I will fly to the goal.\nAction: fly' : 'Thought: the goal is to the right.\nAction: right',
          usage: { promptTokens: 200 + callIndex, completionTokens: 12, cachedPromptTokens: callIndex === 0 ? 0 : 180 },
        }),
      { provider: 'vllm', modelId: 'Qwen2.5-7B-Instruct' },
    );
    const store = new SqliteTrajectoryStore({ path: db });
    await new Runner(new Agent({ policy: new LlmPolicy({ model, actionMode: 'text' }), store, maxSteps: 2 })).run({ createEnvironment: () => new LineWorldEnvironment({ length: 6 }), episodes: 1, baseSeed: 1 });
    await store.close();

    const io = captureIo(directory);
    expect(await main(['show', '1', '--db', db], io), io.errors()).toBe(0);
    const step0 = io.output().split('── step 1 ──')[0]!;
    expect(step0).toMatch(/^ {2}thought: the goal is to the right\.$/m);
    expect(step0).toMatch(/^ {2}model: 2 calls to vllm\/Qwen2\.5-7B-Instruct, 401 prompt tokens \(180 cached\), 24 generated, \d+ ms$/m);
    expect(step0).toMatch(/^ {2}corrected: .*fly/m);
    expect(step0).toMatch(/^> right$/m);
  });
});
