// `worldloop export` end to end in process: a recorded expert run exported, and the bad inputs
// (unknown format, no match, existing output, newer database) with their exit codes and messages.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';

let directory: string;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-export-command-'));
  const { io } = capture();
  expect(await main(['run', '--env', 'gridworld/GoToLocal-v0', '--policy', 'expert', '--episodes', '4', '--seed', '3', '--db', 'runs.db'], io)).toBe(0);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function capture(): { io: CliIo; output: () => string; errors: () => string } {
  let output = '';
  let errors = '';
  return {
    io: { stdout: { write: (text: string) => (output += text) }, stderr: { write: (text: string) => (errors += text) }, isTTY: false, cwd: directory },
    output: () => output,
    errors: () => errors,
  };
}

async function run(...argv: string[]): Promise<{ code: number; output: string; errors: string }> {
  const { io, output, errors } = capture();
  const code = await main(['export', '--db', 'runs.db', ...argv], io);
  return { code, output: output(), errors: errors() };
}

describe('worldloop export', () => {
  it('writes the dataset, its validation file and cards, and says what it wrote', async () => {
    const result = await run('--format', 'openai-chat', '--out', 'data/chat.jsonl', '--validation-fraction', '0.5', '--success-only');
    expect(result).toMatchObject({ code: 0, errors: '' });
    expect(result.output).toMatch(/^train: data\/chat\.jsonl: \d+ episodes? from \d+ episodes \(card: data\/chat\.md\)$/m);
    expect(result.output).toMatch(/^validation: data\/chat\.validation\.jsonl: /m);
    const lines = ['chat.jsonl', 'chat.validation.jsonl'].flatMap((file) => readFileSync(join(directory, 'data', file), 'utf8').split('\n').filter(Boolean));
    expect(lines).toHaveLength(4);
    expect(readFileSync(join(directory, 'data', 'chat.md'), 'utf8')).toContain('successful episodes only');
  });

  it('takes the task, reward and step-range filters', async () => {
    const all = await run('--format', 'transitions', '--out', 'filtered/all.jsonl');
    const some = await run('--format', 'transitions', '--out', 'filtered/some.jsonl', '--task', 'go to', '--min-reward', '0', '--min-steps', '1', '--max-steps', '1000', '--run', '1');
    expect([all.code, some.code]).toEqual([0, 0]);
    const count = (file: string) => readFileSync(join(directory, 'filtered', file), 'utf8').split('\n').filter(Boolean).length;
    expect(count('some.jsonl')).toBe(count('all.jsonl'));
    expect(readFileSync(join(directory, 'filtered', 'some.md'), 'utf8')).toContain('- mission contains "go to"\n- total reward at least 0\n- at least 1 steps\n- at most 1000 steps');
    expect((await run('--format', 'transitions', '--out', 'filtered/none.jsonl', '--min-steps', '1000')).errors).toContain('warning: No episodes matched');
  });

  it('refuses an unknown format with exit 2, listing the formats', async () => {
    const result = await run('--format', 'csv', '--out', 'x.csv');
    expect(result.code).toBe(2);
    expect(result.errors).toContain('Unknown export format "csv". Formats: openai-chat, sharegpt, agentgym, trl-messages, trl-preference, transitions, transitions-parquet, world-model, world-model-parquet.');
    expect(existsSync(join(directory, 'x.csv'))).toBe(false);
  });

  it('writes an empty file and a card when nothing matches: exit 0, a warning on stderr', async () => {
    const result = await run('--format', 'transitions', '--out', 'empty/rows.jsonl', '--env', 'gridworld/NoSuchTask-v0');
    expect(result.code).toBe(0);
    expect(result.errors).toContain('worldloop: warning: No episodes matched the filters');
    expect(result.errors).toContain('environment gridworld/NoSuchTask-v0');
    expect(readFileSync(join(directory, 'empty', 'rows.jsonl'), 'utf8')).toBe('');
    expect(readFileSync(join(directory, 'empty', 'rows.md'), 'utf8')).toContain('**Empty export.**');
  });

  it('refuses an output that exists unless --force', async () => {
    expect((await run('--format', 'transitions', '--out', 'twice.jsonl')).code).toBe(0);
    const refused = await run('--format', 'transitions', '--out', 'twice.jsonl');
    expect(refused.code).toBe(2);
    expect(refused.errors).toMatch(/twice\.jsonl already exists; pass --force/);
    expect((await run('--format', 'transitions', '--out', 'twice.jsonl', '--force')).code).toBe(0);
  });

  it('refuses a database from a newer worldloop with a clear error, and bad flag values', async () => {
    copyFileSync(join(directory, 'runs.db'), join(directory, 'newer.db'));
    const connection = new Database(join(directory, 'newer.db'));
    connection.prepare("INSERT INTO trajectory_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
    connection.close();
    const { io, errors } = capture();
    expect(await main(['export', '--db', 'newer.db', '--format', 'transitions', '--out', 'newer.jsonl'], io)).toBe(2);
    expect(errors()).toMatch(/trajectory schema version 99 .*upgrade @worldloop\/trajectory/);
    expect(existsSync(join(directory, 'newer.jsonl'))).toBe(false);
    expect((await run('--format', 'transitions', '--out', 'bad.jsonl', '--validation-fraction', '1')).code).toBe(2);
    expect((await run('--format', 'transitions', '--out', 'bad.jsonl', '--run', 'two')).errors).toContain('--run must be a run id');
    expect((await run('--format', 'transitions')).errors).toContain('--out is required');
  });

  it('refuses an --out that is the database it reads, even with --force: the recorded runs are kept', async () => {
    copyFileSync(join(directory, 'runs.db'), join(directory, 'kept.db'));
    for (const out of ['kept.db', './kept.db', join(directory, 'kept.db')]) {
      const { io, errors } = capture();
      expect(await main(['export', '--db', 'kept.db', '--format', 'transitions', '--out', out, '--force'], io)).toBe(2);
      expect(errors()).toMatch(/kept\.db is the trajectory database being exported \(.*kept\.db\); choose another --out/);
    }
    const { io, output } = capture();
    expect(await main(['episodes', '--db', 'kept.db'], io)).toBe(0);
    expect(output().trim().split('\n')).toHaveLength(2 + 4);
  });
});
