// The `worldloop` command with a language model: a real in-process llama.cpp inference on a tiny
// GGUF the testkit writes (random weights: the actions are noise, but every one must parse), and
// the clear errors for bad --model specs and unreachable servers.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '@worldloop/cli';
import { writeTinyGguf } from '@worldloop/testkit';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { captureIo } from './cli-io-capture.js';

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let directory: string;
let modelPath: string;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-cli-model-'));
  modelPath = join(directory, 'tiny.gguf');
  await writeTinyGguf(modelPath, { seed: 3 });
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('worldloop run --model', () => {
  it('runs an LLM agent on an in-process GGUF model: every step recorded and valid (grammar), episodes end', async () => {
    const db = join(directory, 'llm.db');
    const io = captureIo(directory);
    const code = await main(
      ['run', '--env', 'gridworld/GoToLocal-v0', '--model', `llama-cpp:${modelPath}`, '--episodes', '4', '--concurrency', '2', '--max-steps', '3', '--max-tokens', '96', '--threads', '1', '--db', db],
      io,
    );
    expect(code, io.errors()).toBe(0);
    expect(io.output()).toMatch(/llm:tiny/);
    const store = new SqliteTrajectoryStore({ path: db });
    const episodes = await store.listEpisodes();
    expect(episodes).toHaveLength(4);
    for (const episode of episodes) {
      expect(episode.status).toBe('finished');
      expect(episode.terminated || episode.truncated).toBe(true);
      // Random weights, yet every action is valid: the grammar narrows it to the listed valid actions.
      expect(episode.invalidActionCount).toBe(0);
      let steps = 0;
      for await (const step of store.readSteps(episode.id)) {
        steps++;
        expect(step.accepted).toBe(true);
        expect(step.observation.validActions).toContain(step.action);
        expect(step.modelCalls.length).toBeGreaterThan(0);
        expect(step.modelCalls[0]!.messages[0]!.role).toBe('system');
      }
      expect(steps).toBe(episode.stepCount);
    }
    const run = await store.getRun(1);
    expect(run!.config).toMatchObject({ model: `llama-cpp:${modelPath}`, sampling: { maxTokens: 96 } });
    await store.close();
    // `show` says per step what the model was asked and spent: calls, backend, tokens, time.
    const shown = captureIo(directory);
    expect(await main(['show', '1', '--db', db], shown), shown.errors()).toBe(0);
    expect(shown.output()).toMatch(/^ {2}model: \d+ calls? to llama-cpp\/tiny\.gguf, [\d,]+ prompt tokens( \([\d,]+ cached\))?, [\d,]+ generated, [\d,]+ ms$/m);
  });

  it.each([
    [['--model', 'gpt-4'], /has no known backend prefix/],
    [['--model', 'vllm:not a url'], /is not a URL/],
    [['--model', 'llama-cpp:'], /names no GGUF file/],
    [['--policy', 'llm'], /--policy llm needs --model/],
    [['--policy', 'random', '--model', 'llama-cpp:x.gguf'], /--model is used by --policy llm only/],
    [['--model', 'llama-cpp:x.gguf', '--temperature', 'hot'], /--temperature must be a number/],
  ])('refuses %j with exit code 2', async (flags, message) => {
    const io = captureIo(directory);
    expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', ...flags, '--db', join(directory, 'bad.db')], io)).toBe(2);
    expect(io.errors()).toMatch(message);
  });

  it('names the URL and how to start the server when none answers', async () => {
    const port = await closedPort();
    const io = captureIo(directory);
    const code = await main(['run', '--env', 'gridworld/GoToLocal-v0', '--model', `vllm:http://127.0.0.1:${port}/v1#some-model`, '--db', join(directory, 'down.db')], io);
    expect(code).toBe(1);
    expect(io.errors()).toContain(`Cannot reach vLLM at http://127.0.0.1:${port}/v1/models (ECONNREFUSED)`);
    expect(io.errors()).toMatch(/Start it with: /);
  });

  it('probes a GGUF backend', async () => {
    const io = captureIo(directory);
    expect(await main(['models', '--probe', `llama-cpp:${modelPath}`, '--threads', '1'], io)).toBe(0);
    expect(io.output()).toMatch(/llama-cpp\s+tiny/);
  });
});
