// The agent loop with episodic memory on SQLite, in the gridworld: memories written at each step
// carry the provenance of the recorded step, and each step records which memories it read and
// wrote. Trajectories and memories share one file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, ExpertPolicy, Runner } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import { SqliteMemoryStore } from '@worldloop/memory-sqlite';
import type { StepRecord } from '@worldloop/spec';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-memory-agent-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('Agent with SqliteMemoryStore in the gridworld', () => {
  it('writes a memory per step with the step’s provenance and records memory reads and writes in each step', async () => {
    const path = join(directory, 'worldloop.db');
    const trajectories = SqliteTrajectoryStore.open(path);
    const memories = SqliteMemoryStore.open(path);
    const namespace = 'agent:expert';
    const agent = new Agent({ policy: new ExpertPolicy(), store: trajectories, memory: { store: memories, namespace, recallLimit: 4 } });
    const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
    const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes: 3, concurrency: 1, baseSeed: 5 });
    expect(summary.successRate).toBe(1);

    const episodes = await trajectories.listEpisodes({ runId: summary.runId });
    expect(episodes).toHaveLength(3);
    const allWritten = new Set<string>();
    let readsAfterFirstStep = 0;
    for (const [position, episode] of episodes.entries()) {
      const steps: StepRecord[] = [];
      for await (const step of trajectories.readSteps(episode.id)) steps.push(step);
      expect(steps.length).toBeGreaterThan(0);

      const stored = await memories.recall({ namespaces: [namespace], episodeId: episode.id, limit: 1000, weights: { lexical: 0, vector: 0, recency: 1, importance: 0 } });
      expect(stored).toHaveLength(steps.length);
      const byId = new Map(stored.map((hit) => [hit.record.id, hit.record]));
      for (const step of steps) {
        expect(step.memoryWrites).toHaveLength(1);
        const record = byId.get(step.memoryWrites[0]!.id)!;
        expect(record).toMatchObject({ kind: 'action-outcome', namespace, provenance: { runId: summary.runId, episodeId: episode.id, stepIndex: step.stepIndex } });
        expect(record.text).toContain(step.action);
        allWritten.add(record.id);
        expect(step.memoryReads.length).toBeLessThanOrEqual(4);
        for (const read of step.memoryReads) {
          // Every memory read was written before it: at an earlier step of this run.
          expect(Number(read.id)).toBeLessThan(Number(step.memoryWrites[0]!.id));
          expect(read.score).toBeGreaterThanOrEqual(0);
          expect(read.score).toBeLessThanOrEqual(1);
        }
        if (step.stepIndex > 0 || position > 0) readsAfterFirstStep += step.memoryReads.length > 0 ? 1 : 0;
      }
      // The first step of the first episode has nothing to recall; later episodes recall earlier ones.
      expect(steps[0]!.memoryReads.length).toBe(position === 0 ? 0 : 4);
      if (position > 0) {
        const earlier = new Set(stored.map((hit) => hit.record.id));
        expect(steps[0]!.memoryReads.some((read) => !earlier.has(read.id))).toBe(true);
      }
    }
    expect(readsAfterFirstStep).toBeGreaterThan(0);
    const total = await memories.recall({ namespaces: [namespace], limit: 1000, weights: { lexical: 0, vector: 0, recency: 0, importance: 1 } });
    expect(total).toHaveLength(allWritten.size);
    await memories.close();
    await trajectories.close();
  });
});
