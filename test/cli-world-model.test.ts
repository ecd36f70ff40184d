// `worldloop wm-eval` prints world models side by side; `worldloop run --policy planner` runs the
// offline agent (a planner over a tabular model it learns as it goes) and records it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '@worldloop/cli';
import { captureIo } from './cli-io-capture.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-cli-wm-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('worldloop wm-eval and the planner policy', () => {
  it('prints the simulator, the model asked for, the random model and a random policy side by side', async () => {
    const io = captureIo(directory);
    expect(await main(['wm-eval', '--env', 'gridworld/GoToLocal-v0', '--world-model', 'tabular', '--episodes', '3', '--max-steps', '20'], io), io.errors()).toBe(0);
    const lines = io.output().split('\n');
    const header = lines.find((line) => line.startsWith('model'))!;
    expect(header.split(/\s{2,}/)).toEqual(['model', 'trained on', 'obs exact', 'text sim', 'features', 'reward', 'done', 'k=1', 'k=2', 'k=3', 'k=4', 'k=5', 'planner success', 'planner steps']);
    const rows = lines.filter((line) => /^(simulator|tabular|random|random policy) /.test(line)).map((line) => line.split(/\s{2,}/));
    expect(rows.map((row) => row[0])).toEqual(['simulator', 'tabular', 'random', 'random policy']);
    expect(rows[0]!.slice(2, 12)).toEqual(['100.0%', '1.000', ...Array.from({ length: 8 }, () => '100.0%')]);
    expect(rows[1]![1]).toMatch(/^\d+ steps$/);
    expect(io.output()).toContain('world models on gridworld/GoToLocal-v0: 3 held-out episodes');
  });

  it('leaves the tabular model out when the random one is asked for, and refuses an unknown kind', async () => {
    const io = captureIo(directory);
    expect(await main(['wm-eval', '--env', 'gridworld/GoToLocal-v0', '--world-model', 'random', '--episodes', '2', '--max-steps', '10'], io)).toBe(0);
    expect(io.output()).not.toMatch(/^tabular /m);
    expect(io.output()).toMatch(/^random {2,}/m);
    const wrong = captureIo(directory);
    expect(await main(['wm-eval', '--env', 'gridworld/GoToLocal-v0', '--world-model', 'oracle'], wrong)).toBe(2);
    expect(wrong.errors()).toContain('--world-model must be one of simulator, tabular, random');
  });

  it('runs the planner policy and records it', async () => {
    const io = captureIo(directory);
    expect(await main(['run', '--env', 'gridworld/PickupLoc-v0', '--policy', 'planner', '--episodes', '40', '--max-steps', '32', '--seed', '1'], io), io.errors()).toBe(0);
    expect(io.output()).toMatch(/^\s*\d+\s+gridworld\/PickupLoc-v0\s+planner\s+40\s+\d+\.\d%/m);
  });
});
