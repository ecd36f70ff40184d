// `worldloop run --memory/--reflect/--skills` end to end: memories written with the provenance of the
// run's episodes and steps, reads and writes recorded per step, reflections traceable to their
// episode, skills kept from successes and shown to an LLM policy, and bad values refused (exit 2).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recallSkills } from '@worldloop/core';
import { main } from '@worldloop/cli';
import { SqliteMemoryStore } from '@worldloop/memory-sqlite';
import type { StepRecord } from '@worldloop/spec';
import { writeTinyGguf } from '@worldloop/testkit';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from './cli-io-capture.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-cli-memory-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const environmentId = 'gridworld/GoToLocal-v0';
const namespace = `environment:${environmentId}`;

async function readSteps(store: SqliteTrajectoryStore, episodeId: number): Promise<StepRecord[]> {
  const steps: StepRecord[] = [];
  for await (const step of store.readSteps(episodeId)) steps.push(step);
  return steps;
}

describe('worldloop run --memory', () => {
  it('writes memories with the provenance of the run’s steps, records reads and writes per step, and reflections per episode', async () => {
    const db = join(directory, 'runs.db');
    const io = captureIo(directory);
    const code = await main(['run', '--env', environmentId, '--policy', 'random', '--episodes', '3', '--max-steps', '6', '--seed', '2', '--db', db, '--memory', '.worldloop/memory.db', '--reflect', 'rule'], io);
    expect(code, io.errors()).toBe(0);
    const memoryPath = join(directory, '.worldloop/memory.db');
    expect(io.output()).toContain(`memory at ${memoryPath} (namespace ${namespace}): `);
    expect(io.output()).toMatch(/\d+ reflections? written/);

    const trajectories = new SqliteTrajectoryStore({ path: db });
    const memories = SqliteMemoryStore.open(memoryPath);
    try {
      const run = (await trajectories.getRun(1))!;
      // The flag is recorded as an absolute path: a resume from another directory uses the same file.
      expect(run.config).toMatchObject({ memory: { path: memoryPath, namespace, reflect: 'rule', skills: false }, flags: { memory: memoryPath, reflect: 'rule' } });
      const episodes = await trajectories.listEpisodes({ runId: run.id });
      expect(episodes).toHaveLength(3);
      let reads = 0;
      for (const episode of episodes) {
        const steps = await readSteps(trajectories, episode.id);
        expect(steps).toHaveLength(episode.stepCount!);
        const everyKind = { lexical: 0, vector: 0, recency: 1, importance: 0 };
        const stored = await memories.recall({ namespaces: [namespace], episodeId: episode.id, limit: 100, weights: everyKind });
        const byId = new Map(stored.map((hit) => [hit.record.id, hit.record]));
        for (const step of steps) {
          expect(step.memoryWrites).toHaveLength(1);
          expect(byId.get(step.memoryWrites[0]!.id)).toMatchObject({ kind: 'action-outcome', provenance: { runId: run.id, episodeId: episode.id, stepIndex: step.stepIndex } });
          reads += step.memoryReads.length;
        }
        // The episode's lessons carry its provenance and link to the memories of its steps.
        const reflections = stored.filter((hit) => hit.record.kind === 'reflection').map((hit) => hit.record);
        expect(reflections.length).toBeGreaterThan(0);
        const written = new Set(steps.map((step) => step.memoryWrites[0]!.id));
        for (const reflection of reflections) {
          expect(reflection.provenance).toMatchObject({ runId: run.id, episodeId: episode.id });
          expect(reflection.links!.length).toBeGreaterThan(0);
          expect(reflection.links!.every((id) => written.has(id))).toBe(true);
        }
      }
      expect(reads).toBeGreaterThan(0);
    } finally {
      await memories.close();
      await trajectories.close();
    }
  });

  it('keeps a skill per successful episode with --skills, shows the skills of similar missions to an LLM policy, which also reflects', async () => {
    const db = join(directory, 'runs.db');
    const memory = join(directory, 'memory.db');
    const expert = captureIo(directory);
    expect(await main(['run', '--env', environmentId, '--policy', 'expert', '--episodes', '3', '--db', db, '--memory', memory, '--skills'], expert), expert.errors()).toBe(0);
    expect(expert.output()).toMatch(/: 3 skills written/);
    const store = SqliteMemoryStore.open(memory);
    const skills = await recallSkills(store, 'go to the ball', { namespaces: [namespace], limit: 10 });
    await store.close();
    expect(skills).toHaveLength(3);
    expect(skills.every((skill) => skill.environmentId === environmentId && skill.actions.length > 0)).toBe(true);

    const modelPath = join(directory, 'tiny.gguf');
    await writeTinyGguf(modelPath, { seed: 3 });
    const llm = captureIo(directory);
    const flags = ['--model', `llama-cpp:${modelPath}`, '--episodes', '1', '--max-steps', '1', '--max-tokens', '32', '--threads', '1'];
    expect(await main(['run', '--env', environmentId, ...flags, '--db', db, '--memory', memory, '--skills', '--reflect', 'model'], llm), llm.errors()).toBe(0);
    // Random weights: the reflection may or may not parse, but the run goes on either way.
    expect(llm.output()).toMatch(/: \d+ reflections?, \d+ skills? written/);
    const trajectories = new SqliteTrajectoryStore({ path: db });
    try {
      expect((await trajectories.getRun(2))!.config).toMatchObject({ flags: { memory, skills: 'true', reflect: 'model' } }); // what --resume repeats
      const [episode] = await trajectories.listEpisodes({ runId: 2 });
      const [step] = await readSteps(trajectories, episode!.id);
      const skillIds = new Set(skills.map((skill) => skill.id));
      expect(step!.memoryReads.some((read) => skillIds.has(read.id))).toBe(true);
      const prompt = step!.modelCalls[0]!.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
      expect(prompt).toMatch(/Skills that worked before on similar missions:\n- go to the /);
      // The expert does not read skills: its steps show none.
      const [first] = await trajectories.listEpisodes({ runId: 1 });
      const expertReads = (await readSteps(trajectories, first!.id)).flatMap((expertStep) => expertStep.memoryReads.map((read) => read.id));
      expect(expertReads.some((id) => skillIds.has(id))).toBe(false);
    } finally {
      await trajectories.close();
    }
  });

  it('shows each step’s recalled and remembered memories and the episode’s lessons, from the run’s memory file or --memory', async () => {
    const db = join(directory, 'runs.db');
    const run = captureIo(directory);
    expect(await main(['run', '--env', environmentId, '--policy', 'random', '--episodes', '2', '--max-steps', '4', '--seed', '3', '--db', db, '--memory', 'memory.db', '--reflect', 'rule'], run), run.errors()).toBe(0);
    const shown = captureIo(directory);
    expect(await main(['show', '2', '--db', db], shown), shown.errors()).toBe(0);
    // Episode 2 recalls what episode 1 wrote (and its lesson), writes one memory a step, and has a lesson of its own.
    expect(shown.output()).toMatch(/^ {2}recalled \(\d\.\d\d\) #\d+ (action-outcome|reflection): /m);
    expect(shown.output()).toMatch(/^ {2}remembered #\d+ action-outcome: \[go to the .*\] \w+ → reward 0$/m);
    expect(shown.output()).toMatch(/── lessons of this episode ──\n {2}#\d+ reflection: .*\(from #\d+(, #\d+)*\)/);
    expect(shown.output().match(/^ {2}remembered /gm)).toHaveLength(4);

    const off = captureIo(directory);
    expect(await main(['show', '2', '--db', db, '--memory', 'off'], off)).toBe(0);
    expect(off.output()).not.toMatch(/recalled|remembered|lessons/);
    const explicit = captureIo(directory);
    expect(await main(['show', '2', '--db', db, '--memory', 'memory.db'], explicit)).toBe(0);
    expect(explicit.output()).toBe(shown.output());
    const missing = captureIo(directory);
    expect(await main(['show', '2', '--db', db, '--memory', 'nowhere.db'], missing)).toBe(2);
    expect(missing.errors()).toMatch(/--memory .*nowhere\.db does not exist/);
    // The recorded file gone: the steps are still shown, with a note.
    rmSync(join(directory, 'memory.db'));
    const gone = captureIo(directory);
    expect(await main(['show', '2', '--db', db], gone)).toBe(0);
    expect(gone.output()).toMatch(/the run's memory file .*memory\.db is gone/);
    expect(gone.output()).toMatch(/── step 3 ──/);
  });

  it.each([
    [['--memory', ''], /--memory needs a file path/],
    [['--reflect', 'sometimes', '--memory', 'm.db'], /--reflect must be one of rule, model, off, got "sometimes"/],
    [['--reflect', 'rule'], /--reflect rule writes lessons to the memory: give --memory/],
    [['--reflect', 'rule', '--memory', 'off'], /--reflect rule writes lessons to the memory: give --memory/],
    [['--skills'], /--skills keeps skills in the memory: give --memory/],
    [['--reflect', 'model', '--memory', 'm.db'], /--reflect model reflects with the --model backend/],
    [['--memory', 'a-folder'], /Cannot open the memory --memory .*a-folder/],
  ])('refuses %j with exit code 2', async (flags, message) => {
    mkdirSync(join(directory, 'a-folder'));
    const io = captureIo(directory);
    expect(await main(['run', '--env', environmentId, '--policy', 'random', '--episodes', '1', '--db', join(directory, 'bad.db'), ...flags], io)).toBe(2);
    expect(io.errors()).toMatch(message);
  });

  it('resumes with the run’s own memory file, whichever directory the resume starts in', async () => {
    const db = join(directory, 'runs.db');
    const first = join(directory, 'first');
    const second = join(directory, 'second');
    mkdirSync(first);
    mkdirSync(second);
    const stopped = captureIo(first);
    expect(await main(['run', '--env', environmentId, '--policy', 'random', '--episodes', '2', '--max-steps', '3', '--db', db, '--memory', 'memory.db'], stopped, AbortSignal.abort())).toBe(130);
    // The same relative --memory given again from the same directory is the recorded file.
    const conflicting = captureIo(second);
    expect(await main(['run', '--resume', '1', '--db', db, '--memory', 'memory.db'], conflicting)).toBe(2);
    expect(conflicting.errors()).toMatch(/was recorded with --memory .*first\/memory\.db, so --memory memory\.db conflicts/);
    const resumed = captureIo(second);
    expect(await main(['run', '--resume', '1', '--db', db], resumed), resumed.errors()).toBe(0);
    expect(resumed.output()).toContain(`memory at ${join(first, 'memory.db')} `);
    expect(existsSync(join(second, 'memory.db'))).toBe(false);
    const memory = SqliteMemoryStore.open(join(first, 'memory.db'));
    expect((await memory.recall({ namespaces: [namespace], limit: 100 })).length).toBeGreaterThan(0);
    await memory.close();
  });

  it('accepts the run’s own --memory again on a resume from the same directory', async () => {
    const db = join(directory, 'runs.db');
    expect(await main(['run', '--env', environmentId, '--policy', 'random', '--episodes', '2', '--max-steps', '3', '--db', db, '--memory', 'memory.db'], captureIo(directory), AbortSignal.abort())).toBe(130);
    const resumed = captureIo(directory);
    expect(await main(['run', '--resume', '1', '--db', db, '--memory', './memory.db'], resumed), resumed.errors()).toBe(0);
    expect(resumed.output()).toContain(`memory at ${join(directory, 'memory.db')} `);
  });

  it('records a relative llama-cpp: model file as an absolute path, so a resume from another directory loads the same file', async () => {
    const db = join(directory, 'runs.db');
    const first = join(directory, 'first');
    const second = join(directory, 'second');
    mkdirSync(first);
    mkdirSync(second);
    await writeTinyGguf(join(first, 'tiny.gguf'), { seed: 3 });
    const flags = ['--model', 'llama-cpp:tiny.gguf', '--episodes', '1', '--max-steps', '1', '--max-tokens', '16', '--threads', '1'];
    const stopped = captureIo(first);
    expect(await main(['run', '--env', environmentId, ...flags, '--db', db], stopped, AbortSignal.abort()), stopped.errors()).toBe(130);
    const trajectories = new SqliteTrajectoryStore({ path: db });
    expect((await trajectories.getRun(1))!.config).toMatchObject({ model: 'llama-cpp:tiny.gguf', flags: { model: `llama-cpp:${join(first, 'tiny.gguf')}` } });
    await trajectories.close();
    const conflicting = captureIo(second);
    expect(await main(['run', '--resume', '1', '--db', db, '--model', 'llama-cpp:tiny.gguf'], conflicting)).toBe(2);
    expect(conflicting.errors()).toMatch(/was recorded with --model llama-cpp:.*first\/tiny\.gguf, so --model llama-cpp:tiny\.gguf conflicts/);
    const resumed = captureIo(second);
    expect(await main(['run', '--resume', '1', '--db', db], resumed), resumed.errors()).toBe(0);
    expect(resumed.output()).toMatch(/resumed run 1; ran 1 episodes left of 1/);
  });
});
