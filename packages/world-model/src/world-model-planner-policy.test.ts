// The planner policy: plans with any model, records what it imagined, learns every real transition
// when asked (the last one too, told at the episode's end), and keeps what it learnt across episodes.
import { Agent, Runner } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { ConfigError, type Observation } from '@worldloop/spec';
import { LineWorldEnvironment, lineWorldEnvironment } from '@worldloop/testkit';
import { describe, expect, it } from 'vitest';
import { LookaheadPlanner } from './lookahead-planner.js';
import { MctsPlanner } from './mcts-planner.js';
import { SimulatorWorldModel } from './simulator-world-model.js';
import { TabularWorldModel } from './tabular-world-model.js';
import { WorldModelPlannerPolicy } from './world-model-planner-policy.js';

describe('WorldModelPlannerPolicy', () => {
  it('acts by planning with a simulator and records the plan with each step', async () => {
    const model = new SimulatorWorldModel({ environment: lineWorldEnvironment });
    const policy = new WorldModelPlannerPolicy({ model, planner: new LookaheadPlanner({ depth: 4 }) });
    expect(policy.name).toBe('planner:lookahead-4:simulator');
    const agent = new Agent({ policy });
    const infos: Record<string, unknown>[] = [];
    agent.events.on('step-end', ({ step }) => infos.push(step.policyInfo!));
    const { outcome } = await agent.runEpisode(new LineWorldEnvironment(), { seed: 0 });
    expect(outcome).toMatchObject({ success: true, stepCount: 4 });
    expect(infos[0]).toMatchObject({ line: ['right', 'right', 'right', 'right'], imaginedSteps: expect.any(Number) });
    expect(infos[0]!.plannedValue).toBeCloseTo(0.95 ** 3, 12);
  });

  it('teaches the model every real transition, the terminal one included, and learns across episodes', async () => {
    const model = new TabularWorldModel();
    const bonus = (_state: Observation, _action: string, evidence: number | undefined): number => (evidence === 0 ? 0.2 : 0);
    const policy = new WorldModelPlannerPolicy({ model, planner: new LookaheadPlanner<Observation>({ depth: 6, bonus }), learn: true });
    const agent = new Agent({ policy });
    const summary = await new Runner(agent).run({ createEnvironment: () => new LineWorldEnvironment({ length: 6, maxSteps: 30 }), episodes: 12, baseSeed: 4 });
    expect(model.size.transitions).toBe(summary.totalSteps);
    expect(await model.predict({ text: '', features: { position: 4 } }, 'right')).toMatchObject({ reward: 1, terminated: true });
    const steps = summary.episodes.map((episode) => episode.outcome.stepCount);
    const optimal = summary.episodes.map((episode) => 5 - (episode.seed % 5));
    expect(steps.slice(-4)).toEqual(optimal.slice(-4));
    expect(summary.successRate).toBe(1);
  });

  it("learns each transition under the action the world got when a guard replaced the planned one, and none for a refused step", async () => {
    const model = new TabularWorldModel();
    const learnt: [number | undefined, string][] = [];
    const update = model.update.bind(model);
    model.update = (transition) => {
      learnt.push([transition.state.features?.['position'] as number | undefined, transition.action]);
      update(transition);
    };
    // The planner can only propose "left"; a guard refuses the first and turns the others into "right".
    const policy = new WorldModelPlannerPolicy({ model, planner: new LookaheadPlanner<Observation>({ depth: 1 }), actions: ['left'], learn: true });
    const agent = new Agent({
      policy,
      guards: [{ name: 'forward-only', check: ({ stepIndex }) => (stepIndex === 0 ? { decision: 'deny', reason: 'not yet' } : { decision: 'rewrite', action: 'right', reason: 'never back' }) }],
    });
    const { outcome } = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 }); // starts at cell 1, goal at 4
    expect(outcome).toMatchObject({ success: true, stepCount: 4, invalidActionCount: 1 });
    expect(learnt).toEqual([[1, 'right'], [2, 'right'], [3, 'right']]); // the last one told at the episode's end
    expect(model.count({ text: '', features: { position: 1 } }, 'left')).toBe(0);
    expect(await model.predict({ text: '', features: { position: 3 } }, 'right')).toMatchObject({ reward: 1, terminated: true });
  });

  it('does not learn unless asked', async () => {
    const model = new TabularWorldModel();
    const policy = new WorldModelPlannerPolicy({ model, planner: new LookaheadPlanner({ depth: 2 }) });
    await new Agent({ policy }).runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(model.size.transitions).toBe(0);
  });

  it('plans over primitive actions when told, in every imagined state too', async () => {
    const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
    const model = new SimulatorWorldModel({ environment: spec });
    const policy = new WorldModelPlannerPolicy({ model, planner: new MctsPlanner({ budget: 200 }), actions: 'primitive' });
    const agent = new Agent({ policy });
    const actions = new Set<string>();
    agent.events.on('action', ({ action }) => actions.add(action));
    const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes: 5, baseSeed: 2 });
    expect(summary.successRate).toBeGreaterThanOrEqual(0.6);
    expect([...actions].every((action) => ['left', 'right', 'forward', 'pickup', 'drop', 'toggle', 'done'].includes(action))).toBe(true);
  });

  it('falls back to each imagined state\'s own valid actions when the space has no primitive actions', async () => {
    // A two-step world: "prepare" leads to a state where "finish" (not listed at the start) pays 1.
    const start: Observation = { text: 'start', features: { stage: 0 }, validActions: ['prepare', 'wait'] };
    const ready: Observation = { text: 'ready', features: { stage: 1 }, validActions: ['finish', 'wait'] };
    const done: Observation = { text: 'done', features: { stage: 2 }, validActions: [] };
    const model = new TabularWorldModel();
    model.update({ state: start, action: 'prepare', nextState: ready, reward: 0, terminated: false, truncated: false });
    model.update({ state: start, action: 'wait', nextState: start, reward: 0, terminated: false, truncated: false });
    model.update({ state: ready, action: 'finish', nextState: done, reward: 1, terminated: true, truncated: false });
    model.update({ state: ready, action: 'wait', nextState: ready, reward: 0, terminated: false, truncated: false });
    const policy = new WorldModelPlannerPolicy({ model, planner: new LookaheadPlanner<Observation>({ depth: 2 }), actions: 'primitive' });
    const actionSpace = { describe: () => 'prepare, finish or wait', validate: (action: unknown) => ({ ok: true as const, action: String(action) }), validActions: () => start.validActions! };
    const episode = policy.begin({ episodeIndex: 0, seed: 1, environmentId: 'test/TwoStep-v0', maxSteps: 10, signal: new AbortController().signal, environment: undefined as never });
    const decision = await episode.decide({
      stepIndex: 0,
      percept: { observation: start, memories: [] },
      history: [],
      actionSpace,
      tools: undefined as never,
      signal: new AbortController().signal,
    });
    expect(decision.action).toBe('prepare');
    expect(decision.info).toMatchObject({ line: ['prepare', 'finish'] });
    expect(decision.info!.plannedValue).toBeCloseTo(0.95, 12);
  });

  it('fails the episode with a ConfigError when there is nothing to choose from', async () => {
    const model = new TabularWorldModel();
    const policy = new WorldModelPlannerPolicy({ model, planner: new LookaheadPlanner(), actions: 'primitive' });
    const environment = new LineWorldEnvironment();
    const blind = Object.assign(Object.create(environment) as LineWorldEnvironment, { actionSpace: { ...environment.actionSpace, validActions: undefined } });
    const errors: Error[] = [];
    const agent = new Agent({ policy });
    agent.events.on('error', ({ error }) => errors.push(error));
    const { outcome } = await agent.runEpisode(blind, { seed: 1 });
    expect(outcome.status).toBe('failed');
    expect(errors[0]).toBeInstanceOf(ConfigError);
  });
});
