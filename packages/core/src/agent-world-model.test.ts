// An agent with a world model attached: every accepted step records the prediction and how it
// compared; confident misses emit `world-model-surprise` and are remembered; real transitions
// (the last one too) reach `update`; policies are told how the episode ended.
import { describe, expect, it } from 'vitest';
import type { EpisodeEnding, Observation, Prediction, StepRecord, Transition, WorldModel } from '@worldloop/spec';
import { InMemoryMemoryStore, LineWorldEnvironment, ScriptedPolicy } from '@worldloop/testkit';
import { Agent } from './agent.js';
import { ExpertPolicy } from './expert-policy.js';

/** Predicts LineWorld exactly from the observation's position feature, or always wrong when told to. */
class LineWorldModel implements WorldModel<Observation, string> {
  readonly name: string;
  readonly updates: Transition<Observation, string>[] = [];
  readonly states: Observation[] = [];
  constructor(
    private readonly wrong = false,
    private readonly confidence = 1,
  ) {
    this.name = wrong ? 'wrong-line' : 'line';
  }

  async predict(state: Observation, action: string): Promise<Prediction> {
    this.states.push(state);
    const position = state.features!.position as number;
    const next = this.wrong ? position : action === 'right' ? position + 1 : action === 'left' ? Math.max(0, position - 1) : position;
    return {
      observationText: `You are at cell ${next} of 5; the goal is at cell 4.`,
      features: { position: next },
      reward: next === 4 ? 1 : 0,
      terminated: next === 4,
      confidence: this.confidence,
    };
  }

  update(transition: Transition<Observation, string>): void {
    this.updates.push(transition);
  }
}

function recordSteps(agent: Agent): StepRecord[] {
  const steps: StepRecord[] = [];
  agent.events.on('step-end', ({ step }) => steps.push(step));
  return steps;
}

describe('Agent with a world model', () => {
  it('records an exact model as exact on every step, with no surprise', async () => {
    const model = new LineWorldModel();
    const agent = new Agent({ policy: new ExpertPolicy(), worldModel: { model } });
    const steps = recordSteps(agent);
    const surprises: unknown[] = [];
    agent.events.on('world-model-surprise', (event) => surprises.push(event));
    const result = await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(result.outcome.success).toBe(true);
    expect(steps).toHaveLength(3);
    for (const step of steps) {
      expect(step.worldModel).toMatchObject({ name: 'line', error: { featuresMatch: 1, textMatch: 1, textSimilarity: 1, rewardError: 0, terminatedMatch: 1, error: 0, surprise: 0 } });
    }
    expect(steps[2]!.worldModel!.prediction).toMatchObject({ reward: 1, terminated: true, confidence: 1 });
    expect(surprises).toEqual([]);
  });

  it('emits world-model-surprise for a confident miss and remembers "I expected X"', async () => {
    const model = new LineWorldModel(true, 0.9);
    const memory = new InMemoryMemoryStore();
    const agent = new Agent({ policy: new ExpertPolicy(), worldModel: { model }, memory: { store: memory, namespace: 'agent:test' } });
    const steps = recordSteps(agent);
    const surprises: { stepIndex: number; action: string; comparison: { surprise: number } }[] = [];
    agent.events.on('world-model-surprise', (event) => surprises.push(event));
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(surprises.map((event) => event.stepIndex)).toEqual([0, 1, 2]);
    expect(surprises[0]).toMatchObject({ action: 'right', comparison: { featuresMatch: 0, surprise: 0.9 } });
    const reflections = await memory.recall({ namespaces: ['agent:test'], kinds: ['reflection'], limit: 10 });
    expect(reflections).toHaveLength(3);
    expect(reflections[0]!.record.text).toMatch(/^\[reach the goal\] I expected "You are at cell \d of 5; the goal is at cell 4\.", reward \d, the episode (ending|going on) after right; instead "You are at cell \d of 5/);
    expect(steps[0]!.memoryWrites).toHaveLength(2);
  });

  it('does not announce misses below the threshold, nor shrugs (confidence 0)', async () => {
    const quiet = new Agent({ policy: new ExpertPolicy(), worldModel: { model: new LineWorldModel(true, 0.4) } });
    const shrug = new Agent({ policy: new ExpertPolicy(), worldModel: { model: new LineWorldModel(true, 0), surpriseThreshold: 0.01 } });
    let events = 0;
    quiet.events.on('world-model-surprise', () => events++);
    shrug.events.on('world-model-surprise', () => events++);
    await quiet.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await shrug.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(events).toBe(0);
  });

  it('feeds every real transition to update, the terminal one included, and none when learn is off', async () => {
    const model = new LineWorldModel();
    const agent = new Agent({ policy: new ScriptedPolicy(['jump', 'right', 'left', 'right', 'right', 'right']), worldModel: { model } });
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    // The refused "jump" is neither predicted against nor learnt from.
    expect(model.updates.map((transition) => [transition.state.features!.position, transition.action, transition.nextState.features!.position])).toEqual([
      [1, 'right', 2],
      [2, 'left', 1],
      [1, 'right', 2],
      [2, 'right', 3],
      [3, 'right', 4],
    ]);
    expect(model.updates.at(-1)).toMatchObject({ reward: 1, terminated: true, truncated: false });
    const frozen = new LineWorldModel();
    await new Agent({ policy: new ExpertPolicy(), worldModel: { model: frozen, learn: false } }).runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(frozen.updates).toEqual([]);
  });

  it('predicts from the state stateOf derives from the observation and the environment', async () => {
    const model = new LineWorldModel();
    const seen: unknown[] = [];
    const withState: WorldModel<Observation, string> = {
      name: 'with-state',
      predict: (state, action) => model.predict(state, action),
      stateOf: ({ observation, environment }) => {
        seen.push(environment?.id);
        return { ...observation, text: `from ${environment?.id}` };
      },
    };
    const agent = new Agent({ policy: new ExpertPolicy(), worldModel: { model: withState } });
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(seen).toEqual(['testkit/LineWorld-v0', 'testkit/LineWorld-v0', 'testkit/LineWorld-v0']);
    expect(model.states.every((state) => state.text === 'from testkit/LineWorld-v0')).toBe(true);
  });

  it("tells the episode policy how the episode ended, last step's outcome included", async () => {
    const endings: (EpisodeEnding | undefined)[] = [];
    const agent = new Agent({
      policy: { name: 'ending', begin: () => ({ decide: async () => ({ action: 'right' }), end: (ending) => void endings.push(ending) }) },
    });
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await agent.runEpisode(new LineWorldEnvironment({ maxSteps: 2 }), { seed: 0 });
    await agent.runEpisode(new LineWorldEnvironment(), { seed: 0, maxSteps: 1 });
    expect(endings[0]).toMatchObject({ status: 'finished', success: true, lastStep: { reward: 1, terminated: true, truncated: false, accepted: true } });
    expect(endings[0]!.observation.text).toBe('You are at cell 4 of 5; the goal is at cell 4.');
    expect(endings[1]).toMatchObject({ status: 'finished', success: false, lastStep: { reward: 0, terminated: false, truncated: true, accepted: true } });
    expect(endings[2]).toMatchObject({ status: 'finished', success: false, lastStep: { truncated: true } });
  });
});
