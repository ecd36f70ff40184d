// Progress display: a redrawn bar on a terminal, a line per tenth of the run otherwise.
import { describe, expect, it } from 'vitest';
import type { RunProgress } from '@worldloop/spec';
import type { CliIo } from './cli-io.js';
import { ProgressDisplay } from './progress-display.js';

function io(isTTY: boolean): CliIo & { written: () => string } {
  let written = '';
  const sink = { write: (text: string) => (written += text) };
  return { stdout: sink, stderr: sink, isTTY, cwd: '/', written: () => written };
}

const at = (episodesFinished: number): RunProgress => ({
  episodesRequested: 100,
  episodesFinished,
  episodesInFlight: 4,
  successes: episodesFinished,
  stepsTaken: episodesFinished * 10,
  elapsedMs: 1000,
});

describe('ProgressDisplay', () => {
  it('redraws one bar on a terminal and ends its line', () => {
    const terminal = io(true);
    const display = new ProgressDisplay(terminal);
    display.update(at(50));
    display.finish();
    expect(terminal.written()).toBe(`\r[${'#'.repeat(15)}${'.'.repeat(15)}] 50/100 episodes  success 100.0%  500 steps/s  \n`);
  });

  it('prints at most one plain line per tenth of the run elsewhere', () => {
    const file = io(false);
    const display = new ProgressDisplay(file);
    for (let finished = 1; finished <= 100; finished++) display.update(at(finished));
    display.finish();
    const lines = file.written().trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('progress: 1/100 episodes  success 100.0%  10 steps/s');
    expect(lines.at(-1)).toMatch(/^progress: 100\/100 episodes/);
  });
});
