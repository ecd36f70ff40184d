// Example: the LLM agent end to end with no download: write a tiny random-weight GGUF, load it
// in process with llama.cpp, and run two recorded gridworld episodes. The model knows nothing, yet
// every action it takes is valid: the grammar narrows the act tool to the actions valid now. The
// point is the wiring (real inference, constrained tool calls, every model call recorded). Swap in
// a real GGUF for a real agent.
// Run: pnpm tsx examples/tiny-llm-agent.ts
import { Agent, LlmPolicy, Runner } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { LlamaCppModel } from '@worldloop/model-llama-cpp';
import { writeTinyGguf } from '@worldloop/testkit';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';

await writeTinyGguf('.worldloop/tiny.gguf', { seed: 1, contextLength: 8192 });
const model = await LlamaCppModel.load({ modelPath: '.worldloop/tiny.gguf', sequences: 2, contextTokens: 8192, threads: 1 });
const store = new SqliteTrajectoryStore({ path: '.worldloop/example.db' });
const agent = new Agent({ policy: new LlmPolicy({ model, sampling: { maxTokens: 96 } }), store, maxSteps: 2 });
const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes: 2, concurrency: 2, baseSeed: 1 });
const calls = summary.episodes.length;
console.log(`${calls} episodes, ${summary.totalSteps} steps, ${summary.invalidActions} refused actions, recorded in run ${summary.runId}`);
await model.close();
await store.close();
