// The agent loop on the reference LineWorld: events, feedback for refused actions, tools within a
// step, guards, stop conditions, failures that end an episode without crashing the process.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, type EpisodeEnding, type MemoryHit, type MemoryRecord, type MemoryStore, type NewMemory, type Policy, type RecallQuery, type ResetOptions, type StepRecord } from '@worldloop/spec';
import { LineWorldEnvironment, ScriptedPolicy } from '@worldloop/testkit';
import { Agent } from './agent.js';
import { defineTool } from './define-tool.js';
import { ExpertPolicy } from './expert-policy.js';
import { RandomPolicy } from './random-policy.js';
import { ToolRegistry } from './tool-registry.js';

function collectSteps(agent: Agent): StepRecord[] {
  const steps: StepRecord[] = [];
  agent.events.on('step-end', ({ step }) => steps.push(step));
  return steps;
}

describe('Agent loop', () => {
  it('emits the stage events in order and ends on termination with success', async () => {
    const agent = new Agent({ policy: new ExpertPolicy() });
    const names: string[] = [];
    for (const name of ['episode-start', 'step-start', 'action', 'step-end', 'episode-end'] as const) {
      agent.events.on(name, () => names.push(name));
    }
    const environment = new LineWorldEnvironment({ length: 5 });
    const result = await agent.runEpisode(environment, { seed: 1 }); // starts at cell 1
    expect(result.outcome).toMatchObject({ status: 'finished', success: true, terminated: true, truncated: false, stepCount: 3, totalReward: 1 });
    expect(names).toEqual([
      'episode-start',
      ...Array.from({ length: 3 }, () => ['step-start', 'action', 'step-end']).flat(),
      'episode-end',
    ]);
  });

  it('feeds an invalid action back to the policy, counts it, and goes on', async () => {
    const policy = new ScriptedPolicy(['jump', 'right', 'right', 'right']);
    const agent = new Agent({ policy });
    const steps = collectSteps(agent);
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(result.outcome).toMatchObject({ success: true, invalidActionCount: 1, stepCount: 4 });
    expect(steps[0]).toMatchObject({ action: 'jump', accepted: false, reward: 0 });
    expect(steps[0]!.feedback).toMatch(/Invalid action "jump"/);
    expect(policy.inputs[1]!.percept.feedback).toBe(steps[0]!.feedback);
    expect(policy.inputs[1]!.history[0]).toMatchObject({ action: 'jump', accepted: false });
    expect(policy.inputs[2]!.percept.feedback).toBeUndefined();
  });

  it('lets the policy call tools several times in a step; bad calls come back as data', async () => {
    const distance = defineTool({
      name: 'distance_to_goal',
      description: 'Cells between a position and the goal.',
      inputSchema: z.object({ position: z.number().int().min(0) }),
      execute: ({ position }) => 4 - position,
    });
    const policy = new ScriptedPolicy([
      async ({ tools }) => {
        const good = await tools.call('distance_to_goal', { position: 1 });
        const bad = await tools.call('distance_to_goal', { position: -3 });
        const unknown = await tools.call('teleport', {});
        return { action: 'right', info: { good: good.ok, bad: bad.ok, unknown: unknown.ok } };
      },
      'right',
    ]);
    const agent = new Agent({ policy, tools: new ToolRegistry([distance]) });
    const calls: string[] = [];
    agent.events.on('tool-call', ({ call }) => calls.push(call.name));
    const steps = collectSteps(agent);
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(calls).toEqual(['distance_to_goal', 'distance_to_goal', 'teleport']);
    expect(steps[0]!.policyInfo).toEqual({ good: true, bad: false, unknown: false });
    expect(steps[0]!.toolCalls.map((record) => record.result.ok)).toEqual([true, false, false]);
    expect(steps[0]!.toolCalls[0]!.result).toMatchObject({ ok: true, output: 3 });
    expect(policy.inputs[0]!.tools.definitions.map((definition) => definition.name)).toEqual(['distance_to_goal']);
  });

  it('applies guards: a denial is feedback, a rewrite changes the executed action', async () => {
    const agent = new Agent({
      policy: new ScriptedPolicy(['left', 'wait', 'right']),
      guards: [
        { name: 'no-left', check: ({ action }) => (action === 'left' ? { decision: 'deny', reason: 'never go back' } : { decision: 'allow' }) },
        { name: 'no-waiting', check: ({ action }) => (action === 'wait' ? { decision: 'rewrite', action: 'right', reason: 'keep moving' } : { decision: 'allow' }) },
      ],
    });
    const steps = collectSteps(agent);
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(steps[0]).toMatchObject({ action: 'left', accepted: false });
    expect(steps[0]!.executedAction).toBeUndefined();
    expect(steps[0]!.feedback).toMatch(/refused by guard no-left: never go back/);
    expect(steps[1]).toMatchObject({ action: 'wait', executedAction: 'right', accepted: true });
    expect(steps[1]!.guardVerdicts.map((record) => record.verdict.decision)).toEqual(['allow', 'rewrite']);
    expect(result.outcome).toMatchObject({ success: true, invalidActionCount: 1 });
  });

  it('tells the policy when a guard replaced its action, and records both actions and the verdict', async () => {
    const policy = new ScriptedPolicy(['wait', 'right', 'right', 'right']);
    const agent = new Agent({
      policy,
      guards: [{ name: 'no-waiting', check: ({ action }) => (action === 'wait' ? { decision: 'rewrite', action: 'right', reason: 'keep moving.' } : { decision: 'allow' }) }],
    });
    const steps = collectSteps(agent);
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 }); // starts at cell 1, goal at 4
    expect(result.outcome).toMatchObject({ success: true, stepCount: 3, invalidActionCount: 0 });
    expect(steps[0]).toMatchObject({ action: 'wait', executedAction: 'right', accepted: true });
    expect(steps[0]!.feedback).toBeUndefined();
    expect(steps[0]!.guardVerdicts).toEqual([{ guard: 'no-waiting', verdict: { decision: 'rewrite', action: 'right', reason: 'keep moving.' } }]);
    expect(policy.inputs[1]!.percept.rewriteNote).toBe('Your action "wait" was replaced by "right" by guard no-waiting: keep moving.');
    expect(policy.inputs[1]!.percept.feedback).toBeUndefined();
    expect(policy.inputs[0]!.percept.rewriteNote).toBeUndefined();
    expect(policy.inputs[2]!.percept.rewriteNote).toBeUndefined();
  });

  it('says which action was refused when a guard replaced it first, and notes no rewrite to the same action', async () => {
    const policy = new ScriptedPolicy(['left', 'wait', 'right', 'right']);
    const agent = new Agent({
      policy,
      guards: [
        {
          name: 'mirror',
          check: ({ action }) =>
            action === 'left' ? { decision: 'rewrite', action: 'jump', reason: 'try jumping' } : action === 'wait' ? { decision: 'rewrite', action: 'left', reason: 'back up' } : { decision: 'rewrite', action, reason: 'unchanged' },
        },
        { name: 'no-left', check: ({ action }) => (action === 'left' ? { decision: 'deny', reason: 'never go back' } : { decision: 'allow' }) },
      ],
    });
    const steps = collectSteps(agent);
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    // Rewritten, then refused by the environment.
    expect(steps[0]).toMatchObject({ action: 'left', executedAction: 'jump', accepted: false });
    expect(steps[0]!.feedback).toMatch(/^Your action "left" was replaced by "jump" by guard mirror: try jumping\. Invalid action "jump"/);
    // Rewritten, then refused by a later guard.
    expect(steps[1]).toMatchObject({ action: 'wait', accepted: false, feedback: 'Your action "wait" was replaced by "left" by guard mirror: back up. Action left was refused by guard no-left: never go back' });
    expect(policy.inputs[1]!.percept).toMatchObject({ feedback: steps[0]!.feedback });
    expect(policy.inputs[2]!.percept).toMatchObject({ feedback: steps[1]!.feedback });
    for (const input of policy.inputs) expect(input.percept.rewriteNote).toBeUndefined();
  });

  it("tells 'action' observers the action a guard sent instead of the proposed one, and only then", async () => {
    const agent = new Agent({
      policy: new ScriptedPolicy(['wait', 'left', 'stay', 'right', 'right']),
      guards: [
        {
          name: 'mirror',
          check: ({ action }) =>
            action === 'wait'
              ? { decision: 'rewrite', action: 'right', reason: 'keep moving' }
              : action === 'left'
                ? { decision: 'rewrite', action: 'jump', reason: 'try jumping' }
                : action === 'stay'
                  ? { decision: 'rewrite', action: 'left', reason: 'back up' }
                  : { decision: 'rewrite', action, reason: 'unchanged' },
        },
        { name: 'no-left', check: ({ action }) => (action === 'left' ? { decision: 'deny', reason: 'never go back' } : { decision: 'allow' }) },
      ],
    });
    const events: { action: string; executedAction?: string; accepted: boolean }[] = [];
    agent.events.on('action', ({ action, accepted, ...rest }) => events.push({ action, ...('executedAction' in rest ? { executedAction: rest.executedAction } : {}), accepted }));
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 }); // starts at cell 1, goal at 4
    expect(result.outcome).toMatchObject({ success: true, stepCount: 5 });
    expect(events).toEqual([
      { action: 'wait', executedAction: 'right', accepted: true }, // replaced, sent
      { action: 'left', executedAction: 'jump', accepted: false }, // replaced, sent, refused by the environment
      { action: 'stay', accepted: false }, // replaced, the replacement refused by a guard: nothing sent
      { action: 'right', accepted: true }, // "replaced" by itself
      { action: 'right', accepted: true },
    ]);
  });

  it("gives the history and the episode's ending the action a guard sent instead of the proposed one, and only then", async () => {
    const policy = new ScriptedPolicy(['wait', 'left', 'jump', 'right', 'wait']);
    const endings: (EpisodeEnding | undefined)[] = [];
    const recording: Policy = {
      name: 'recording',
      begin: async (episode) => {
        const inner = await policy.begin(episode);
        return { decide: (input) => inner.decide(input), end: (ending) => void endings.push(ending) };
      },
    };
    const agent = new Agent({
      policy: recording,
      guards: [
        { name: 'no-waiting', check: ({ action }) => (action === 'wait' ? { decision: 'rewrite', action: 'right', reason: 'keep moving' } : { decision: 'allow' }) },
        { name: 'echo', check: ({ action }) => ({ decision: 'rewrite', action, reason: 'unchanged' }) },
      ],
    });
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 }); // starts at cell 1, goal at 4
    expect(result.outcome).toMatchObject({ success: true, stepCount: 6 });
    const history = policy.inputs.at(-1)!.history; // the agent's own list, the last step pushed after this decision
    expect(history.map((entry) => [entry.action, entry.executedAction, entry.accepted])).toEqual([
      ['wait', 'right', true],
      ['left', undefined, true],
      ['jump', undefined, false],
      ['right', undefined, true],
      ['wait', 'right', true],
      ['wait', 'right', true],
    ]);
    expect(history.filter((entry) => 'executedAction' in entry)).toHaveLength(3);
    expect(endings).toHaveLength(1);
    expect(endings[0]!.lastStep).toEqual({ reward: 1, terminated: true, truncated: false, accepted: true, executedAction: 'right' });
  });

  it("remembers each step under the action sent, saying which guard's replacement it was", async () => {
    const written: NewMemory[] = [];
    const memory: MemoryStore = {
      write: async (memories) => {
        written.push(...memories);
        return memories.map((item, index): MemoryRecord => ({ ...item, id: `m${written.length - memories.length + index}`, importance: item.importance ?? 0, createdAt: 0 }));
      },
      recall: async () => [],
      get: async () => [],
      close: async () => {},
    };
    const agent = new Agent({
      policy: new ScriptedPolicy(['wait', 'left', 'right']),
      memory: { store: memory, namespace: 'agent:test' },
      guards: [
        {
          name: 'mirror',
          check: ({ action }) => (action === 'wait' ? { decision: 'rewrite', action: 'right', reason: 'keep moving' } : action === 'left' ? { decision: 'rewrite', action: 'jump', reason: 'try jumping' } : { decision: 'allow' }),
        },
      ],
    });
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    const texts = written.map((item) => item.text.replace(/^\[[^\]]*\] /, ''));
    expect(texts[0]).toBe('right (guard mirror replaced wait) → reward 0');
    expect(texts[1]).toMatch(/^jump \(guard mirror replaced left\) → refused: Your action "left" was replaced by "jump" by guard mirror: try jumping\. Invalid action "jump"/);
    expect(texts.slice(2)).toEqual(['right → reward 0', 'right → reward 1']);
  });

  it('truncates at the step limit, counting refused actions', async () => {
    const agent = new Agent({ policy: new ScriptedPolicy(['jump']), maxSteps: 6 });
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(result.outcome).toMatchObject({ status: 'finished', success: false, truncated: true, terminated: false, stepCount: 6, invalidActionCount: 6 });
  });

  it("passes its step limit to the environment's reset and tells the policy the smaller of it and the environment's own", async () => {
    const environment = new LineWorldEnvironment({ maxSteps: 20 });
    const resets: ResetOptions[] = [];
    const reset = environment.reset.bind(environment);
    environment.reset = (options = {}) => (resets.push(options), reset(options));
    const policy = new ScriptedPolicy(['wait']);
    const looser = await new Agent({ policy, maxSteps: 100 }).runEpisode(environment, { seed: 1 });
    const tighter = await new Agent({ policy, maxSteps: 100 }).runEpisode(environment, { seed: 1, maxSteps: 6 });
    await new Agent({ policy }).runEpisode(environment, { seed: 1 });
    expect(resets).toEqual([{ seed: 1, maxSteps: 100 }, { seed: 1, maxSteps: 6 }, { seed: 1 }]);
    expect(policy.episodes.map((episode) => episode.maxSteps)).toEqual([20, 6, 20]);
    expect(looser.outcome).toMatchObject({ truncated: true, stepCount: 20 });
    expect(tighter.outcome).toMatchObject({ truncated: true, stepCount: 6 });
  });

  it('refuses a step limit that is not a positive integer instead of taking a step anyway, or never stopping', async () => {
    for (const maxSteps of [0, -3, 1.5, Number.NaN]) {
      let resets = 0;
      const environment = new LineWorldEnvironment();
      const reset = environment.reset.bind(environment);
      environment.reset = (options) => (resets++, reset(options));
      await expect(new Agent({ policy: new ScriptedPolicy(['wait']) }).runEpisode(environment, { seed: 1, maxSteps })).rejects.toThrow(/maxSteps must be a positive integer/);
      await expect(new Agent({ policy: new ScriptedPolicy(['wait']), maxSteps }).runEpisode(environment, { seed: 1 })).rejects.toThrow(ConfigError);
      expect(resets).toBe(0);
    }
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const policy = new ScriptedPolicy([
      'wait',
      () => {
        controller.abort();
        return { action: 'wait' };
      },
    ]);
    const result = await new Agent({ policy }).runEpisode(new LineWorldEnvironment(), { seed: 1, signal: controller.signal });
    expect(result.outcome).toMatchObject({ status: 'aborted', stepCount: 2 });
  });

  it('ends the episode as failed when the policy throws, reporting an error event', async () => {
    const agent = new Agent({ policy: new ScriptedPolicy(['right', () => { throw new Error('model server went away'); }]) });
    const errors: Error[] = [];
    agent.events.on('error', ({ error }) => errors.push(error));
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(result.outcome).toMatchObject({ status: 'failed', stepCount: 1, error: 'model server went away' });
    expect(errors.map((error) => error.message)).toEqual(['model server went away']);
  });

  it('ends the episode as failed, announced and ended, when the policy fails in end()', async () => {
    const policy = new ScriptedPolicy(['right']);
    const begin = policy.begin.bind(policy);
    policy.begin = (episode) => ({
      ...begin(episode),
      end: async () => {
        throw new Error('could not save the learnt weights');
      },
    });
    const agent = new Agent({ policy });
    const errors: string[] = [];
    const ends: string[] = [];
    agent.events.on('error', ({ error }) => errors.push(error.message));
    agent.events.on('episode-end', ({ outcome }) => ends.push(outcome.status));
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(result.outcome).toMatchObject({ status: 'failed', success: true, stepCount: 3, error: 'could not save the learnt weights' });
    expect(errors).toEqual(['could not save the learnt weights']);
    expect(ends).toEqual(['failed']);
  });

  it('ends the episode as failed when the environment cannot reset, and says so', async () => {
    const environment = new LineWorldEnvironment();
    environment.reset = async () => {
      throw new Error('server at http://127.0.0.1:36001 refused the connection');
    };
    const agent = new Agent({ policy: new ExpertPolicy() });
    const errors: string[] = [];
    agent.events.on('error', ({ error }) => errors.push(error.message));
    const result = await agent.runEpisode(environment, { seed: 1 });
    expect(result.outcome).toMatchObject({ status: 'failed', stepCount: 0, error: 'reset failed: server at http://127.0.0.1:36001 refused the connection' });
    expect(errors).toHaveLength(1);
  });

  it('recalls memories in perceive and writes them in remember, recording both', async () => {
    const written: NewMemory[] = [];
    const queries: RecallQuery[] = [];
    const memory: MemoryStore = {
      write: async (memories) => {
        written.push(...memories);
        return memories.map((item, index): MemoryRecord => ({ ...item, id: `m${written.length - memories.length + index}`, importance: item.importance ?? 0, createdAt: 0 }));
      },
      recall: async (query) => {
        queries.push(query);
        return written.slice(-1).map((item, index): MemoryHit => ({
          record: { ...item, id: `m${written.length - 1 + index}`, importance: 0, createdAt: 0 },
          score: 0.5,
          components: { lexical: 0.5, vector: 0, recency: 0, importance: 0 },
        }));
      },
      get: async () => [],
      close: async () => {},
    };
    const agent = new Agent({ policy: new ExpertPolicy(), memory: { store: memory, namespace: 'agent:test' } });
    const steps = collectSteps(agent);
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 2 });
    expect(queries[0]).toMatchObject({ namespaces: ['agent:test'], limit: 5 });
    expect(queries[0]!.text).toContain('reach the goal');
    expect(written).toHaveLength(2);
    expect(written[0]).toMatchObject({ kind: 'action-outcome', namespace: 'agent:test', provenance: { stepIndex: 0 } });
    expect(steps[0]!.memoryWrites).toEqual([{ id: 'm0' }]);
    expect(steps[1]!.memoryReads).toEqual([{ id: 'm0', score: 0.5 }]);
  });
});

describe('model-free policies', () => {
  it('RandomPolicy is reproducible per episode seed and only picks valid actions', async () => {
    const play = async (seed: number): Promise<string[]> => {
      const agent = new Agent({ policy: new RandomPolicy(), maxSteps: 15 });
      const steps = collectSteps(agent);
      await agent.runEpisode(new LineWorldEnvironment({ length: 30 }), { seed });
      return steps.map((step) => step.action);
    };
    const first = await play(3);
    expect(await play(3)).toEqual(first);
    expect(await play(4)).not.toEqual(first);
    expect(first.every((action) => ['left', 'right', 'wait'].includes(action))).toBe(true);
  });

  it('RandomPolicy can be restricted with a filter', async () => {
    const agent = new Agent({ policy: new RandomPolicy({ filter: (action: string) => action !== 'left' && action !== 'wait' }) });
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 0 });
    expect(result.outcome).toMatchObject({ success: true, stepCount: 4 });
  });

  it('ExpertPolicy refuses an environment without an expert', async () => {
    const environment = new LineWorldEnvironment();
    Object.defineProperty(environment, 'expertAction', { value: undefined });
    const result = await new Agent({ policy: new ExpertPolicy() }).runEpisode(environment, { seed: 0 });
    expect(result.outcome).toMatchObject({ status: 'failed' });
    expect(result.outcome.error).toMatch(/has no expert/);
  });
});
