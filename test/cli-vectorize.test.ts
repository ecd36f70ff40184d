// `worldloop run --vectorize`: the same recorded episodes as a plain run with the same seed, for the
// natively vectorised gridworld and for an environment run through the generic adapter.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '@worldloop/cli';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import { captureIo } from './cli-io-capture.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-vectorize-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** Runs `worldloop run` into its own db and returns the recorded episodes (ids and times left out) and flags. */
async function recordedEpisodes(name: string, args: readonly string[]) {
  const db = join(directory, `${name}.db`);
  const io = captureIo(directory);
  expect(await main(['run', ...args, '--db', db], io), io.errors()).toBe(0);
  const store = new SqliteTrajectoryStore({ path: db });
  try {
    const run = (await store.listRuns())[0]!;
    const episodes = (await store.listEpisodes({ runId: run.id })).map(({ id: _id, startedAt: _startedAt, endedAt: _endedAt, ...rest }) => rest);
    return { episodes, flags: (run.config as { flags: Record<string, string> }).flags };
  } finally {
    await store.close();
  }
}

describe('worldloop run --vectorize', () => {
  it.each([
    ['gridworld/OpenDoor-v0', 'random'],
    ['textcraft/CraftDepth2-v0', 'random-valid'],
  ])('records the same episodes as the plain run on %s (%s policy)', async (environmentId, policy) => {
    const args = ['--env', environmentId, '--policy', policy, '--episodes', '30', '--concurrency', '6', '--seed', '4', '--max-steps', '40'];
    const plain = await recordedEpisodes('plain', args);
    const vectorised = await recordedEpisodes('vectorised', [...args, '--vectorize']);
    expect(vectorised.episodes).toHaveLength(30);
    expect(vectorised.episodes).toEqual(plain.episodes);
    expect(vectorised.flags.vectorize).toBe('true');
    expect(plain.flags.vectorize).toBeUndefined();
  });
});
