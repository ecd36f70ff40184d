// Example: an agent with a custom tool in the gridworld, recorded to SQLite.
// Run: pnpm tsx examples/custom-tool-agent.ts
import { z } from 'zod';
import { Agent, Runner, ToolRegistry, defineTool } from '@worldloop/core';
import { gridworldEnvironments } from '@worldloop/gridworld';
import type { Policy } from '@worldloop/spec';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';

// A tool the policy may call while it plans. Its input is checked against the zod schema
// before `execute` runs; a bad call comes back to the caller as a structured error. It declares
// a permission, so it runs only for an agent granted it (`toolAccess` below); nothing is granted
// by default, and an agent without it gets a `tool-denied` result instead.
const notebook: string[] = [];
const takeNote = defineTool({
  name: 'take_note',
  description: 'Writes a note the agent can read at later steps.',
  inputSchema: z.object({ text: z.string().min(1).max(200) }),
  permissions: ['notes:write'],
  execute: ({ text }) => ({ notes: notebook.push(text) }),
});

// A policy without a model: carry out the mission when it is a valid text command now,
// otherwise turn to look around. It notes each decision with the tool.
const missionFollower: Policy = {
  name: 'mission-follower',
  begin: () => ({
    async decide({ percept, actionSpace, tools, stepIndex }) {
      const mission = percept.observation.mission ?? '';
      const canDoMission = actionSpace.validActions?.().includes(mission) ?? false;
      const action = canDoMission ? mission : 'left';
      await tools.call('take_note', { text: `step ${stepIndex}: ${action}` });
      return { action, reasoning: canDoMission ? 'the mission is feasible now' : 'looking around' };
    },
  }),
};

const store = new SqliteTrajectoryStore({ path: '.worldloop/example.db' });
const agent = new Agent({ policy: missionFollower, tools: new ToolRegistry([takeNote]), toolAccess: { permissions: ['notes:write'] }, store });
agent.events.on('tool-result', ({ call, result }) => {
  if (!result.ok) console.error(`tool ${call.name} refused: ${result.error.message}`);
});

const spec = gridworldEnvironments.find((candidate) => candidate.id === 'gridworld/GoToLocal-v0')!;
const summary = await new Runner(agent).run({ createEnvironment: () => spec.create(), episodes: 20, concurrency: 4, baseSeed: 7 });
console.log(`success ${(100 * summary.successRate).toFixed(0)}%, mean steps ${summary.meanSteps.toFixed(1)}, ${notebook.length} notes, run ${summary.runId} in .worldloop/example.db`);
await store.close();
