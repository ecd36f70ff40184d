// Reflexion and skills on SQLite in the gridworld: lessons written after a failed attempt are in
// the first percept of the retry, linked to the step memories they came from (also after reopening
// the file), and a successful attempt leaves a skill recalled by its mission.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, EpisodeReflection, ExpertPolicy, LanguageModelReflector, RuleReflector, SkillLibrary, recallSkills } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { SqliteMemoryStore } from '@worldloop/memory-sqlite';
import { LineWorldEnvironment, ScriptedLanguageModel, ScriptedPolicy } from '@worldloop/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-reflexion-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

const namespace = 'agent:reflexion';
const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;

describe('Reflexion with SqliteMemoryStore', () => {
  it('recalls the lessons of a failed gridworld episode in the retry, and keeps them linked after reopening', async () => {
    const path = join(directory, 'memory.db');
    const store = SqliteMemoryStore.open(path);
    const reflection = new EpisodeReflection({ store, reflector: new RuleReflector(), namespace });
    const policy = new ScriptedPolicy(['fly', 'left']);
    const agent = new Agent({ policy, memory: { store: reflection.store, namespace }, maxSteps: 6 });
    reflection.attach(agent.events);
    const skills = new SkillLibrary({ store, namespace });

    const failed = await agent.runEpisode(spec.create(), { seed: 3 });
    expect(failed.outcome).toMatchObject({ success: false, truncated: true, stepCount: 6 });
    await reflection.settled();
    const mission = policy.episodes[0]!.mission!;
    const lessons = reflection.reflections.map((record) => record.text);
    expect(lessons).toEqual([expect.stringMatching(new RegExp(`^In ${mission}, fly was refused: `)), `In ${mission}: failed: ran out of steps after 6 steps; actions taken: left ×5. Try a different approach.`]);

    const retryStart = policy.inputs.length;
    await agent.runEpisode(spec.create(), { seed: 3 });
    const recalled = policy.inputs[retryStart]!.percept.memories.filter((hit) => hit.record.kind === 'reflection').map((hit) => hit.record.text);
    expect(recalled).toEqual(expect.arrayContaining(lessons));
    await reflection.settled();

    const expert = new Agent({ policy: new ExpertPolicy(), memory: { store: reflection.store, namespace } });
    reflection.attach(expert.events);
    skills.attach(expert.events);
    const solved = await expert.runEpisode(spec.create(), { seed: 3 });
    expect(solved.outcome.success).toBe(true);
    await Promise.all([reflection.settled(), skills.settled()]);
    expect(reflection.reflections.at(-1)!.text).toMatch(new RegExp(`^In ${mission}: succeeded in ${solved.outcome.stepCount} steps by: `));
    const failureId = reflection.reflections[1]!.id;
    const failureLinks = reflection.reflections[1]!.links;
    await store.close();

    const reopened = SqliteMemoryStore.open(path);
    try {
      const hits = await reopened.recall({ text: mission, namespaces: [namespace], kinds: ['reflection'], limit: 20 });
      expect(hits).toHaveLength(reflection.reflections.length); // each failed attempt wrote its own lessons
      expect(hits.find((hit) => hit.record.id === failureId)!.record).toMatchObject({ importance: 0.9, links: failureLinks });
      expect(failureLinks).toHaveLength(6);
      const [skill] = await recallSkills(reopened, mission, { namespaces: [namespace] });
      expect(skill).toMatchObject({ name: mission, environmentId: spec.id });
      expect(skill!.actions).toHaveLength(solved.outcome.stepCount);
    } finally {
      await reopened.close();
    }
  });

  it('writes language-model lessons linked to the episode memories', async () => {
    const store = SqliteMemoryStore.open(join(directory, 'memory.db'));
    try {
      const model = new ScriptedLanguageModel(() => '{"lessons": [{"text": "Waiting never reaches the goal; move right.", "importance": 0.95}]}');
      const reflection = new EpisodeReflection({ store, reflector: new LanguageModelReflector({ model }), namespace, importanceThreshold: Infinity });
      const policy = new ScriptedPolicy(['wait']);
      const agent = new Agent({ policy, memory: { store: reflection.store, namespace }, maxSteps: 3 });
      reflection.attach(agent.events);
      await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
      await reflection.settled();
      expect(model.calls).toHaveLength(1);
      expect(reflection.reflections).toHaveLength(1);
      expect(reflection.reflections[0]).toMatchObject({ kind: 'reflection', text: 'In reach the goal: Waiting never reaches the goal; move right.', importance: 0.95 });
      expect(reflection.reflections[0]!.links).toHaveLength(3);
      await agent.runEpisode(new LineWorldEnvironment(), { seed: 1 });
      expect(policy.inputs[3]!.percept.memories[0]!.record.id).toBe(reflection.reflections[0]!.id);
    } finally {
      await store.close();
    }
  });
});
