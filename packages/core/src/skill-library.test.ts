// SkillLibrary: successful action sequences stored as skills named after the mission, recalled by
// similarity to a new mission; failures and repeats write nothing. An agent recalling skills hands
// them to its policy in every percept, apart from its memories.
import { describe, expect, it } from 'vitest';
import { InMemoryMemoryStore, LineWorldEnvironment, ScriptedPolicy } from '@worldloop/testkit';
import { Agent } from './agent.js';
import { ExpertPolicy } from './expert-policy.js';
import { recallSkills, SkillLibrary } from './skill-library.js';

describe('SkillLibrary', () => {
  it('writes a skill per distinct successful sequence and none for a failure', async () => {
    const store = new InMemoryMemoryStore();
    const library = new SkillLibrary({ store, namespace: 'agent:a' });
    const expert = new Agent({ policy: new ExpertPolicy() });
    library.attach(expert.events);
    await expert.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await expert.runEpisode(new LineWorldEnvironment(), { seed: 1 }); // same sequence: not written again
    await expert.runEpisode(new LineWorldEnvironment(), { seed: 0 });
    const failing = new Agent({ policy: new ScriptedPolicy(['left']), maxSteps: 3 });
    library.attach(failing.events);
    await failing.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await library.settled();

    expect(library.skills.map((record) => [record.kind, record.text])).toEqual([
      ['skill', 'Skill: reach the goal: right, right, right'],
      ['skill', 'Skill: reach the goal: right, right, right, right'],
    ]);
    expect(library.skills[0]!.payload).toEqual({ name: 'reach the goal', mission: 'reach the goal', environmentId: 'testkit/LineWorld-v0', actions: ['right', 'right', 'right'], stepCount: 3 });
  });

  it('writes no skill the store already holds, as when a later run opens the same memory with a new library', async () => {
    const store = new InMemoryMemoryStore();
    for (let run = 0; run < 3; run++) {
      const library = new SkillLibrary({ store, namespace: 'agent:a' });
      const expert = new Agent({ policy: new ExpertPolicy() });
      library.attach(expert.events);
      await expert.runEpisode(new LineWorldEnvironment(), { seed: 1 });
      await library.settled();
      expect(library.skills).toHaveLength(run === 0 ? 1 : 0);
    }
    // Another namespace has its own skills.
    const other = new SkillLibrary({ store, namespace: 'agent:b' });
    const expert = new Agent({ policy: new ExpertPolicy() });
    other.attach(expert.events);
    await expert.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await other.settled();
    expect(other.skills).toHaveLength(1);
    expect((await recallSkills(store, 'reach the goal', { namespaces: ['agent:a'], limit: 10 })).map((skill) => skill.actions)).toEqual([['right', 'right', 'right']]);
  });

  it('recalls the skills most similar to a mission, in the given namespaces only', async () => {
    const store = new InMemoryMemoryStore();
    await store.write([
      { kind: 'skill', text: 'Skill: open the red door: toggle', namespace: 'agent:a', payload: { name: 'open the red door', actions: ['toggle'] } },
      { kind: 'skill', text: 'Skill: go to the green ball: forward, forward', namespace: 'agent:a', payload: { name: 'go to the green ball', actions: ['forward', 'forward'] } },
      { kind: 'skill', text: 'Skill: go to the green ball: left', namespace: 'agent:b', payload: { name: 'go to the green ball', actions: ['left'] } },
      { kind: 'reflection', text: 'go to the green ball: failed', namespace: 'agent:a' },
      { kind: 'skill', text: 'Skill without a payload: go to the green ball', namespace: 'agent:a' },
    ]);
    const skills = await recallSkills(store, 'go to the green ball', { namespaces: ['agent:a'] });
    expect(skills.map((skill) => skill.name)).toEqual(['go to the green ball', 'open the red door']);
    expect(skills[0]).toMatchObject({ actions: ['forward', 'forward'] });
    expect(skills[0]!.score).toBeGreaterThan(skills[1]!.score);
    const library = new SkillLibrary({ store, namespace: 'agent:b' });
    expect((await library.recall('green ball')).map((skill) => skill.actions)).toEqual([['left']]);
  });

  it('hands the skills of earlier successes to the policy of an agent that recalls skills, apart from its memories', async () => {
    const store = new InMemoryMemoryStore();
    const namespace = 'agent:a';
    const library = new SkillLibrary({ store, namespace });
    const expert = new Agent({ policy: new ExpertPolicy(), memory: { store, namespace } });
    library.attach(expert.events);
    await expert.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    await library.settled();

    const policy = new ScriptedPolicy(['right']);
    const learner = new Agent({ policy, memory: { store, namespace, skills: {} }, maxSteps: 2 });
    const steps: string[][] = [];
    learner.events.on('step-end', ({ step }) => steps.push(step.memoryReads.map((read) => read.id)));
    await learner.runEpisode(new LineWorldEnvironment(), { seed: 1 });
    const skillId = library.skills[0]!.id;
    for (const input of policy.inputs) {
      expect(input.percept.skills).toEqual([expect.objectContaining({ id: skillId, name: 'reach the goal', actions: ['right', 'right', 'right'], environmentId: 'testkit/LineWorld-v0' })]);
      expect(input.percept.memories.length).toBeGreaterThan(0);
      expect(input.percept.memories.every((hit) => hit.record.kind !== 'skill')).toBe(true);
    }
    expect(steps.every((reads) => reads.at(-1) === skillId)).toBe(true);
    const plain = new ScriptedPolicy(['right']);
    await new Agent({ policy: plain, memory: { store, namespace }, maxSteps: 1 }).runEpisode(new LineWorldEnvironment(), { seed: 1 });
    expect(plain.inputs[0]!.percept.skills).toBeUndefined();
  });
});
