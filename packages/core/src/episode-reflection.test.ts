// Reflection hooked onto the agent: lessons written at episode end and past the importance
// threshold, linked to their sources, announced as `reflection-write`, awaited by the end of a
// run, and recalled by the next attempt at the task (Reflexion).
import { describe, expect, it } from 'vitest';
import { AbortedError, type AgentEventPayloads, type LanguageModel, type ReflectionInput, type ReflectionResult, type Reflector } from '@worldloop/spec';
import { InMemoryMemoryStore, LineWorldEnvironment, ScriptedLanguageModel, ScriptedPolicy } from '@worldloop/testkit';
import { Agent } from './agent.js';
import { EpisodeReflection } from './episode-reflection.js';
import { ExpertPolicy } from './expert-policy.js';
import { LanguageModelReflector } from './language-model-reflector.js';
import { Runner } from './runner.js';
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

  it('announces every reflection written as reflection-write: trigger, last step, ids, texts and sources', async () => {
    const policy = new ScriptedPolicy(['jump', 'jump', 'wait', 'left']);
    const { reflection, agent } = setUp(policy, new RuleReflector(), 1);
    const announced: AgentEventPayloads['reflection-write'][] = [];
    agent.events.on('reflection-write', (event) => announced.push(event));
    const stepWrites: string[] = [];
    agent.events.on('step-end', ({ step }) => stepWrites.push(...step.memoryWrites.map((write) => write.id)));
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await reflection.settled();

    expect(announced.map((event) => [event.trigger, event.stepIndex, event.sourceMemoryIds.length])).toEqual([
      ['importance-threshold', 1, 2],
      ['episode-end', 3, 4],
    ]);
    expect(announced.flatMap((event) => event.reflections)).toEqual(reflection.reflections);
    expect(announced[1]!.sourceMemoryIds).toEqual(stepWrites);
    for (const event of announced) {
      expect(event.episode).toBe(policy.episodes[0]);
      for (const record of event.reflections) {
        expect(record.id).toMatch(/./);
        expect(record.text).toMatch(/^In reach the goal/);
        expect(event.sourceMemoryIds).toEqual(expect.arrayContaining([...(record.links ?? [])]));
      }
    }
    // A lesson drawn in the middle of the episode names the step it was drawn after; the episode's lessons do not.
    expect(announced[0]!.reflections[0]!.provenance).toEqual({ stepIndex: 1 });
    expect(announced[1]!.reflections.every((record) => record.provenance === undefined || record.provenance.stepIndex === undefined)).toBe(true);
  });

  it('ends a run only once its reflections are written, without holding up the loop', async () => {
    const gate = new GatedReflector(new RuleReflector());
    const { reflection, agent } = setUp(new ScriptedPolicy(['left']), gate, Infinity);
    const order: string[] = [];
    agent.events.on('episode-end', ({ episode }) => order.push(`episode-end ${episode.episodeIndex}`));
    agent.events.on('reflection-write', ({ episode }) => order.push(`reflection-write ${episode.episodeIndex}`));
    agent.events.on('run-end', () => order.push('run-end'));
    const bothEnded = new Promise<void>((resolve) => agent.events.on('episode-end', ({ episode }) => episode.episodeIndex === 1 && resolve()));
    const running = new Runner(agent).run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 2 });
    // Both episodes end while the first reflection is still held back: the loop did not wait for it.
    await bothEnded;
    expect(gate.calls).toBe(1);
    expect(order).toEqual(['episode-end 0', 'episode-end 1']);
    gate.open();
    await running;
    expect(order).toEqual(['episode-end 0', 'episode-end 1', 'reflection-write 0', 'reflection-write 1', 'run-end']);
    expect(reflection.reflections).toHaveLength(2);
  });

  it('fails the run when a reflection cannot be written', async () => {
    const broken: Reflector = { name: 'broken-links', reflect: async (input) => ({ memories: [{ kind: 'reflection', text: 'x', namespace: input.namespace, links: ['missing'] }], warnings: [] }) };
    const { agent } = setUp(new ScriptedPolicy(['left']), broken);
    await expect(new Runner(agent).run({ createEnvironment: () => new LineWorldEnvironment(), episodes: 1 })).rejects.toThrow(/missing/);
  });

  it('summarises a success with its action sequence', async () => {
    const { reflection, agent } = setUp(new ExpertPolicy(), new RuleReflector());
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await reflection.settled();
    expect(reflection.reflections.map((record) => [record.text, record.importance])).toEqual([['In reach the goal: succeeded in 3 steps by: right ×3', 0.7]]);
  });

  it('writes a lesson once when the reflector gives it twice in one answer', async () => {
    const twice: Reflector = {
      name: 'twice',
      reflect: async (input: ReflectionInput): Promise<ReflectionResult> => ({
        memories: ['Go right.', 'Go right.', 'Avoid the wall.'].map((text) => ({ kind: 'reflection' as const, text, namespace: input.namespace })),
        warnings: [],
      }),
    };
    const { store, reflection, agent } = setUp(new ScriptedPolicy(['left']), twice, Infinity);
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await reflection.settled();
    expect(reflection.reflections.map((record) => record.text)).toEqual(['Go right.', 'Avoid the wall.']);
    expect((await store.recall({ namespaces: [namespace], kinds: ['reflection'], limit: 10 })).map((hit) => hit.record.text).sort()).toEqual(['Avoid the wall.', 'Go right.']);
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
describe('EpisodeReflection with a stop signal', () => {
  it('cuts a model reflection in flight short when the signal aborts: a warning, no lesson, nothing left pending', async () => {
    const controller = new AbortController();
    const calls: (AbortSignal | undefined)[] = [];
    // A model that answers only when aborted: like a server still thinking when Ctrl-C comes.
    const model: LanguageModel = {
      provider: 'test',
      modelId: 'slow',
      capabilities: { toolCalls: false, jsonSchema: true, logprobs: false, images: false, contextTokens: 8192 },
      generate: (request) => {
        calls.push(request.signal);
        return new Promise((_resolve, reject) => request.signal?.addEventListener('abort', () => reject(new AbortedError('stopped')), { once: true }));
      },
    };
    const store = new InMemoryMemoryStore();
    const reflection = new EpisodeReflection({ store, reflector: new LanguageModelReflector({ model }), namespace, importanceThreshold: Infinity, signal: controller.signal });
    const agent = new Agent({ policy: new ScriptedPolicy(['left']), memory: { store: reflection.store, namespace }, maxSteps: 2 });
    reflection.attach(agent.events);
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([controller.signal]);
    controller.abort();
    await reflection.settled();
    expect(reflection.reflections).toEqual([]);
    expect(reflection.warnings).toEqual([expect.stringMatching(/^reflection model call failed: stopped/)]);
  });
});

class RecordingReflector implements Reflector {
  readonly name = 'recording';
  readonly inputs: ReflectionInput[] = [];
  constructor(private readonly inner: Reflector) {}
  reflect(input: ReflectionInput) {
    this.inputs.push(input);
    return this.inner.reflect(input);
  }
}

/** Holds every reflection back until `open()` is called. */
class GatedReflector implements Reflector {
  readonly name = 'gated';
  /** Reflections started so far. */
  calls = 0;
  private release!: () => void;
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  constructor(private readonly inner: Reflector) {}

  async reflect(input: ReflectionInput): Promise<ReflectionResult> {
    this.calls++;
    await this.opened;
    return this.inner.reflect(input);
  }

  open(): void {
    this.release();
  }
}
