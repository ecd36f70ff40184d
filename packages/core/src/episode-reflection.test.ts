// Reflection hooked onto the agent: lessons written at episode end and past the importance
// threshold, linked to their sources, and recalled by the next attempt at the task (Reflexion).
import { describe, expect, it } from 'vitest';
import type { ReflectionInput, Reflector } from '@worldloop/spec';
import { InMemoryMemoryStore, LineWorldEnvironment, ScriptedLanguageModel, ScriptedPolicy } from '@worldloop/testkit';
import { Agent } from './agent.js';
import { EpisodeReflection } from './episode-reflection.js';
import { ExpertPolicy } from './expert-policy.js';
import { LanguageModelReflector } from './language-model-reflector.js';
import { RuleReflector } from './rule-reflector.js';

const namespace = 'agent:reflexion';

function setUp(policy: ConstructorParameters<typeof Agent>[0]['policy'], reflector: Reflector, importanceThreshold?: number) {
  const store = new InMemoryMemoryStore();
  const reflection = new EpisodeReflection({ store, reflector, namespace, ...(importanceThreshold !== undefined ? { importanceThreshold } : {}) });
  const agent = new Agent({ policy, memory: { store: reflection.store, namespace }, maxSteps: 4 });
  reflection.attach(agent.events);
  return { store, reflection, agent };
}

describe('EpisodeReflection', () => {
  it('writes lessons of a failed episode that the retry recalls in its first percept', async () => {
    const policy = new ScriptedPolicy(['jump', 'left']);
    const { store, reflection, agent } = setUp(policy, new RuleReflector());
    const first = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(first.outcome).toMatchObject({ success: false, truncated: true, stepCount: 4 });
    await reflection.settled();

    const texts = reflection.reflections.map((record) => record.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^In reach the goal, jump was refused: /);
    expect(texts[1]).toBe('In reach the goal: failed: ran out of steps after 4 steps; actions taken: left ×3. Try a different approach.');
    const failure = reflection.reflections[1]!;
    expect(failure).toMatchObject({ kind: 'reflection', namespace, importance: 0.9 });
    expect(failure.links).toHaveLength(4); // one action-outcome memory per step
    const sources = await store.recall({ namespaces: [namespace], kinds: ['action-outcome'], limit: 10 });
    expect(new Set(failure.links)).toEqual(new Set(sources.map((hit) => hit.record.id)));

    const inputsBefore = policy.inputs.length;
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    const recalled = policy.inputs[inputsBefore]!.percept.memories.map((hit) => hit.record);
    expect(recalled.filter((record) => record.kind === 'reflection').map((record) => record.text)).toEqual(expect.arrayContaining(texts));
  });

  it('reflects in the middle of an episode once the summed importance passes the threshold, without writing a lesson twice', async () => {
    const reflector = new RecordingReflector(new RuleReflector());
    const policy = new ScriptedPolicy(['jump', 'jump', 'wait', 'left']);
    const { reflection, agent } = setUp(policy, reflector, 1);
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await reflection.settled();
    // Two refusals (0.6 each) pass 1 after the second step; the episode end reflects on all four steps.
    expect(reflector.inputs.map((input) => ({ steps: input.steps.length, memories: input.memories.length, ended: input.outcome !== undefined }))).toEqual([
      { steps: 2, memories: 2, ended: false },
      { steps: 4, memories: 4, ended: true },
    ]);
    const refusals = reflection.reflections.filter((record) => record.text.includes('jump was refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.links).toHaveLength(2);
  });

  it('summarises a success with its action sequence', async () => {
    const { reflection, agent } = setUp(new ExpertPolicy(), new RuleReflector());
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await reflection.settled();
    expect(reflection.reflections.map((record) => [record.text, record.importance])).toEqual([['In reach the goal: succeeded in 3 steps by: right ×3', 0.7]]);
  });

  it('keeps going when the language model fails: no reflection, a warning', async () => {
    const model = new ScriptedLanguageModel(() => {
      throw new Error('connection refused');
    });
    const warnings: string[] = [];
    const store = new InMemoryMemoryStore();
    const reflection = new EpisodeReflection({ store, reflector: new LanguageModelReflector({ model }), namespace, onWarning: (warning) => warnings.push(warning) });
    const agent = new Agent({ policy: new ScriptedPolicy(['left']), memory: { store: reflection.store, namespace }, maxSteps: 2 });
    reflection.attach(agent.events);
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await reflection.settled();
    expect(result.outcome.status).toBe('finished');
    expect(reflection.reflections).toEqual([]);
    expect(warnings).toEqual(['reflection model call failed: connection refused']);
  });

  it('reports a store error from settled()', async () => {
    const store = new InMemoryMemoryStore();
    const reflection = new EpisodeReflection({
      store,
      namespace,
      reflector: { name: 'broken-links', reflect: async (input: ReflectionInput) => ({ memories: [{ kind: 'reflection', text: 'x', namespace: input.namespace, links: ['missing'] }], warnings: [] }) },
    });
    const agent = new Agent({ policy: new ScriptedPolicy(['left']), memory: { store: reflection.store, namespace }, maxSteps: 1 });
    reflection.attach(agent.events);
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await expect(reflection.settled()).rejects.toThrow(/missing/);
    await expect(reflection.settled()).resolves.toBeUndefined();
  });
});

/** Records what it was asked to reflect on and delegates. */
class RecordingReflector implements Reflector {
  readonly name = 'recording';
  readonly inputs: ReflectionInput[] = [];
  constructor(private readonly inner: Reflector) {}
  reflect(input: ReflectionInput) {
    this.inputs.push(input);
    return this.inner.reflect(input);
  }
}
