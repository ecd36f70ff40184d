// Depth-limited lookahead and beam search: the best line wins, unknown steps are worth their bonus,
// states keyed alike are expanded once, the budget is a hard limit, ties go either way.
import { SeededRandom } from '@worldloop/core';
import type { Observation, Transition } from '@worldloop/spec';
import { lineWorldEnvironment } from '@worldloop/testkit';
import { describe, expect, it } from 'vitest';
import { LookaheadPlanner } from './lookahead-planner.js';
import { SimulatorWorldModel } from './simulator-world-model.js';
import { TabularWorldModel } from './tabular-world-model.js';

const draws = (seed: number): (() => number) => {
  const random = new SeededRandom(seed);
  return () => random.next();
};

const cell = (position: number): Observation => ({ text: `cell ${position}`, features: { position }, validActions: ['left', 'right'] });

/** A tabular model of a line 0..4 with the goal at 4, every move seen once. */
function learntLine(): TabularWorldModel {
  const model = new TabularWorldModel();
  for (let position = 0; position < 4; position++) {
    const transition = (action: string, to: number): Transition<Observation, string> => ({ state: cell(position), action, nextState: cell(to), reward: to === 4 ? 1 : 0, terminated: to === 4, truncated: false });
    model.update(transition('right', position + 1));
    model.update(transition('left', Math.max(0, position - 1)));
  }
  return model;
}

describe('LookaheadPlanner', () => {
  it('takes the first step of the best line within its depth', async () => {
    const model = new SimulatorWorldModel({ environment: lineWorldEnvironment });
    const { state, actions } = await model.start({ seed: 1 });
    const plan = await new LookaheadPlanner<typeof state>({ depth: 3 }).plan(model, { state, actions, random: draws(1) });
    expect(plan.action).toBe('right');
    expect(plan.line).toEqual(['right', 'right', 'right']);
    expect(plan.value).toBeCloseTo(0.95 ** 2, 12);
    expect(plan.imaginedSteps).toBe(3 + 9 + 27);
  });

  it('merges states the model keys alike, and prunes to the beam', async () => {
    const model = learntLine();
    const exhaustive = await new LookaheadPlanner({ depth: 6 }).plan(model, { state: cell(0), actions: ['left', 'right'], random: draws(2) });
    expect(exhaustive.action).toBe('right');
    expect(exhaustive.line).toEqual(['right', 'right', 'right', 'right']);
    expect(exhaustive.imaginedSteps).toBeLessThan(2 ** 6);
    const beam = await new LookaheadPlanner({ depth: 6, beamWidth: 1, leafValue: (state: Observation) => Number(state.features!.position) / 10 }).plan(model, {
      state: cell(0),
      actions: ['left', 'right'],
      random: draws(2),
    });
    expect(beam.action).toBe('right');
    expect(beam.imaginedSteps).toBeLessThanOrEqual(2 * 6);
  });

  it('values an unknown step at its exploration bonus and no further', async () => {
    const model = learntLine();
    const planner = new LookaheadPlanner<Observation>({ depth: 2, bonus: (_state, _action, evidence) => (evidence === 0 ? 0.5 : 0) });
    const plan = await planner.plan(model, { state: cell(0), actions: ['left', 'right', 'jump'], random: draws(3) });
    expect(plan.action).toBe('jump');
    expect(plan.estimates.find((estimate) => estimate.action === 'jump')).toMatchObject({ value: 0.5, visits: 1 });
    const known = await planner.plan(model, { state: cell(3), actions: ['left', 'right', 'jump'], random: draws(3) });
    expect(known.action).toBe('right');
  });

  it('stops at its budget and still chooses among what it imagined', async () => {
    const model = learntLine();
    const plan = await new LookaheadPlanner({ depth: 10, budget: 5 }).plan(model, { state: cell(0), actions: ['left', 'right'], random: draws(4) });
    expect(plan.imaginedSteps).toBe(5);
    expect(['left', 'right']).toContain(plan.action);
  });

  it('breaks ties at random instead of always taking the first action', async () => {
    const model = new TabularWorldModel();
    const chosen = new Set<string>();
    const random = draws(5);
    for (let attempt = 0; attempt < 20; attempt++) {
      chosen.add((await new LookaheadPlanner({ depth: 2 }).plan(model, { state: cell(0), actions: ['left', 'right', 'wait'], random })).action);
    }
    expect(chosen).toEqual(new Set(['left', 'right', 'wait']));
  });
});
