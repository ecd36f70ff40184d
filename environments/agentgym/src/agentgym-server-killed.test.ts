// A worldloop server in a child process, killed (SIGKILL) in the middle of an episode: the episode
// is recorded as failed with a reason naming the server, later episodes fail at reset, and the
// run itself finishes.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, Runner } from '@worldloop/core';
import { ScriptedPolicy } from '@worldloop/testkit';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { AgentGymEnvironment } from './agentgym-environment.js';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const SERVE = `
import { EnvironmentServer } from '@worldloop/environment-server';
import { gridworldEnvironments } from '@worldloop/gridworld';
const server = new EnvironmentServer({ spec: gridworldEnvironments[0] });
const { url } = await server.listen({ port: 0 });
process.stdout.write('listening ' + url + '\\n');
`;

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts the server child and resolves with its URL. */
function startServerProcess(): Promise<{ url: string; process: ChildProcess }> {
  const started = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SERVE], { cwd: packageDirectory, stdio: ['ignore', 'pipe', 'pipe'] });
  child = started;
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    started.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const match = /listening (\S+)\n/.exec(output);
      if (match) resolve({ url: match[1]!, process: started });
    });
    started.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    started.on('exit', (code) => reject(new Error(`the server process exited (${code}) before listening: ${errors}`)));
  });
}

describe('AgentGymEnvironment when its server process dies mid-episode', () => {
  it('fails that episode with a reason naming the server, fails the next at reset, and finishes the run', async () => {
    const server = await startServerProcess();
    const kill = async (): Promise<{ action: string }> => {
      const exited = new Promise((resolve) => server.process.once('exit', resolve));
      server.process.kill('SIGKILL');
      await exited;
      return { action: 'left' };
    };
    const policy = new ScriptedPolicy<string>(['left', 'right', kill]);
    const store = SqliteTrajectoryStore.open(':memory:');
    const agent = new Agent({ policy, store });
    const summary = await new Runner(agent).run({
      createEnvironment: () => new AgentGymEnvironment({ url: server.url, name: 'gridworld', retries: 1, retryDelayMs: 1 }),
      episodes: 3,
      concurrency: 1,
      baseSeed: 5,
    });

    expect(summary.status).toBe('finished');
    expect(summary.failedEpisodes).toBe(3);
    const [first, second] = summary.episodes;
    expect(first!.outcome).toMatchObject({ status: 'failed', stepCount: 2 });
    expect(first!.outcome.error).toMatch(new RegExp(`^No environment server answers at ${server.url} \\(ECONNREFUSED on POST /step, 2 attempts\\)\\. Start one first`));
    expect(second!.outcome.error).toMatch(/^reset failed: No environment server answers at .*POST \/reset/);
    const recorded = await store.listEpisodes({ runId: summary.runId! });
    expect(recorded.map((episode) => episode.status)).toEqual(['failed', 'failed', 'failed']);
    expect(recorded[0]!.error).toBe(first!.outcome.error);
    await store.close();
  });
});
