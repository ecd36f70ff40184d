// Every example runs as written (the README quotes them), in a fresh working directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
const examples = readdirSync(join(root, 'examples')).filter((name) => name.endsWith('.ts'));

describe('examples', () => {
  it.each(examples)('%s runs', (name) => {
    const directory = mkdtempSync(join(tmpdir(), 'worldloop-example-'));
    try {
      const output = execFileSync(process.execPath, [tsx, join(root, 'examples', name)], { cwd: directory, encoding: 'utf8' });
      expect(output.length).toBeGreaterThan(0);
      if (name === 'custom-tool-agent.ts') expect(output).toMatch(/^success \d+%, mean steps [\d.]+, [1-9]\d* notes, run 1 in \.worldloop\/example\.db/);
      if (name === 'traced-agent.ts') expect(output).toMatch(/^(\d+) spans in 1 trace: 1 run, 3 episodes, (\d+) steps \(\2 taken\); 1 batch\(es\) written to \.worldloop\/trace\.jsonl, 0 failed/);
      if (name === 'tiny-llm-agent.ts') expect(output).toMatch(/^2 episodes, 4 steps, 0 refused actions, recorded in run 1/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
