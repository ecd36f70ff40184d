// MCTS (UCT): with the simulator it solves UnlockPickup on at least 95 of 100 seeds within its
// budget of imagined steps; it finds the goal on the line; it respects its budget.
import { Agent, SeededRandom, deriveSeed } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { lineWorldEnvironment } from '@worldloop/testkit';
import { describe, expect, it } from 'vitest';
import { MctsPlanner } from './mcts-planner.js';
import { SimulatorWorldModel } from './simulator-world-model.js';
import { WorldModelPlannerPolicy } from './world-model-planner-policy.js';

describe('MctsPlanner', () => {
  it('solves gridworld/UnlockPickup-v0 with the simulator on at least 95% of 100 seeds, 100 imagined steps a decision', async () => {
    const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/UnlockPickup-v0')!;
    const budget = 100;
    const model = new SimulatorWorldModel({ environment: spec });
    const agent = new Agent({ policy: new WorldModelPlannerPolicy({ model, planner: new MctsPlanner({ budget }) }) });
    let mostImagined = 0;
    agent.events.on('step-end', ({ step }) => (mostImagined = Math.max(mostImagined, step.policyInfo!.imaginedSteps as number)));
    const environment = spec.create();
    let successes = 0;
    for (let index = 0; index < 100; index++) {
      const { outcome } = await agent.runEpisode(environment, { seed: deriveSeed(2024, index), episodeIndex: index });
      expect(outcome.status).toBe('finished');
      if (outcome.success) successes++;
    }
    expect(successes).toBeGreaterThanOrEqual(95);
    expect(mostImagined).toBeLessThanOrEqual(budget);
    expect(mostImagined).toBeGreaterThan(0);
  });

  it('walks to the goal of the line, and reports its estimates and line', async () => {
    const model = new SimulatorWorldModel({ environment: lineWorldEnvironment });
    const { state, actions } = await model.start({ seed: 0 });
    const random = new SeededRandom(1);
    const plan = await new MctsPlanner<typeof state>({ budget: 300, rolloutDepth: 6 }).plan(model, { state, actions, random: () => random.next() });
    expect(plan.action).toBe('right');
    expect(plan.imaginedSteps).toBeLessThanOrEqual(300);
    expect(plan.line.slice(0, 4)).toEqual(['right', 'right', 'right', 'right']);
    const right = plan.estimates.find((estimate) => estimate.action === 'right')!;
    expect(right.visits).toBe(Math.max(...plan.estimates.map((estimate) => estimate.visits)));
    expect(right.value).toBe(Math.max(...plan.estimates.map((estimate) => estimate.value)));
  });

  it('spends no more than its budget, however small', async () => {
    const model = new SimulatorWorldModel({ environment: lineWorldEnvironment });
    const { state, actions } = await model.start({ seed: 2 });
    const random = new SeededRandom(3);
    for (const budget of [1, 2, 7]) {
      const plan = await new MctsPlanner<typeof state>({ budget, rolloutDepth: 50 }).plan(model, { state, actions, random: () => random.next() });
      expect(plan.imaginedSteps).toBeLessThanOrEqual(budget);
      expect(actions).toContain(plan.action);
    }
  });

  it('counts rollout steps the model refuses against its budget, on the simulator fast path too', async () => {
    const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
    let calls = 0;
    const model = new SimulatorWorldModel({
      environment: () => {
        const environment = spec.create();
        const step = environment.step.bind(environment);
        environment.step = (action) => {
          calls++;
          return step(action);
        };
        return environment;
      },
    });
    const { state } = await model.start({ seed: 3 });
    // Text commands that are infeasible in most states: rollouts often end at a refusal.
    const actions = ['left', 'right', 'forward', 'go to the purple box', 'pick up the grey key'];
    const random = new SeededRandom(4);
    for (const budget of [5, 20, 60]) {
      calls = 0;
      const plan = await new MctsPlanner<typeof state>({ budget }).plan(model, { state, actions, fixedActions: true, random: () => random.next() });
      expect(plan.imaginedSteps).toBe(calls);
      expect(calls).toBeLessThanOrEqual(budget);
    }
  });
});
