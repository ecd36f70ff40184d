// The imagine tool: an LLM-style policy checks actions with the world model before committing;
// predictions come from the calling episode's own state, refusals come back as data.
import { Agent, Runner, ToolRegistry } from '@worldloop/core';
import type { DecisionInput, ToolResult } from '@worldloop/spec';
import { LineWorldEnvironment, ScriptedPolicy, lineWorldEnvironment } from '@worldloop/testkit';
import { describe, expect, it } from 'vitest';
import { AgentSituations } from './agent-situations.js';
import { imagineTool, type ImagineToolOutput } from './imagine-tool.js';
import type { ImaginingWorldModel } from './imagining-world-model.js';
import { SimulatorWorldModel } from './simulator-world-model.js';
import { TabularWorldModel } from './tabular-world-model.js';

function setUp(policy: ScriptedPolicy<string>, model: ImaginingWorldModel<any, string> = new SimulatorWorldModel({ environment: lineWorldEnvironment })): Agent {
  const situations = new AgentSituations();
  const agent = new Agent({ policy, tools: new ToolRegistry([imagineTool({ model, situations })]) });
  situations.attach(agent.events);
  return agent;
}

describe('imagineTool', () => {
  it('imagines an action and its follow-ups from where the calling episode stands', async () => {
    const results: ToolResult[] = [];
    const check = async ({ tools }: DecisionInput<any, string>) => {
      results.push(await tools.call('imagine', { action: 'right', then: ['right', 'right', 'right'] }));
      return { action: 'right' };
    };
    const agent = setUp(new ScriptedPolicy([check, 'right', 'right']));
    const { outcome } = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(outcome.success).toBe(true);
    expect(results[0]).toMatchObject({ ok: true });
    const output = (results[0] as { output: ImagineToolOutput }).output;
    expect(output.steps).toEqual([
      { action: 'right', observation: 'You are at cell 2 of 5; the goal is at cell 4.', reward: 0, terminated: false, confidence: 1 },
      { action: 'right', observation: 'You are at cell 3 of 5; the goal is at cell 4.', reward: 0, terminated: false, confidence: 1 },
      { action: 'right', observation: 'You are at cell 4 of 5; the goal is at cell 4.', reward: 1, terminated: true, confidence: 1 },
    ]);
  });

  it('reports an action the model refuses in its output, and a learnt model with its confidence', async () => {
    let output: unknown;
    const agent = setUp(new ScriptedPolicy([async ({ tools }) => ((output = await tools.call('imagine', { action: 'fly' })), { action: 'right' }), 'right']));
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 2 });
    expect(output).toMatchObject({ ok: true, output: { steps: [{ action: 'fly', confidence: 1, refused: expect.stringMatching(/Invalid action "fly"/) }] } });
    const unknown = new TabularWorldModel();
    let guess: unknown;
    await setUp(new ScriptedPolicy([async ({ tools }) => ((guess = await tools.call('imagine', { action: 'left' })), { action: 'right' })]), unknown).runEpisode(new LineWorldEnvironment(), { seed: 2 });
    expect(guess).toMatchObject({ ok: true, output: { steps: [{ action: 'left', confidence: 0 }] } });
  });

  it('keeps concurrent episodes apart', async () => {
    const seen: Record<number, unknown> = {};
    const policy = new ScriptedPolicy<string>([
      async ({ tools, percept }) => {
        const result = (await tools.call('imagine', { action: 'left' })) as { output: ImagineToolOutput };
        seen[Number(percept.observation.features!.position)] = result.output.steps[0]!.observation;
        return { action: 'right' };
      },
    ]);
    await new Runner(setUp(policy)).run({ createEnvironment: () => new LineWorldEnvironment({ maxSteps: 1 }), episodes: 6, concurrency: 3, baseSeed: 9 });
    for (const [position, observation] of Object.entries(seen)) {
      expect(observation).toBe(`You are at cell ${Math.max(0, Number(position) - 1)} of 5; the goal is at cell 4.`);
    }
    expect(Object.keys(seen).length).toBeGreaterThan(1);
  });

  it('fails the call, as data, outside a running episode', async () => {
    const situations = new AgentSituations();
    const registry = new ToolRegistry([imagineTool({ model: new SimulatorWorldModel({ environment: lineWorldEnvironment }), situations })]);
    const result = await registry.call('imagine', { action: 'left' }, {}, { episodeIndex: 0, stepIndex: 0, signal: new AbortController().signal });
    expect(result).toMatchObject({ ok: false, error: { code: 'tool-failed', message: expect.stringMatching(/outside a running episode/) } });
  });
});
