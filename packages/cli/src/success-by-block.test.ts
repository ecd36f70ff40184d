// The learning-curve line: blocks in episode order, aborted episodes left out, none for one block.
import { describe, expect, it } from 'vitest';
import type { EpisodeResult } from '@worldloop/core';
import { formatSuccessByBlock } from './success-by-block.js';

function episode(episodeIndex: number, success: boolean, status: 'finished' | 'aborted' = 'finished'): EpisodeResult {
  return {
    episodeIndex,
    seed: episodeIndex,
    outcome: { status, success, totalReward: success ? 1 : 0, stepCount: 3, invalidActionCount: 0, terminated: success, truncated: !success },
  };
}

describe('formatSuccessByBlock', () => {
  it('gives each block its success rate, in episode order, leaving aborted episodes out', () => {
    const episodes = [episode(3, true), episode(0, false), episode(1, false, 'aborted'), episode(2, false), episode(4, true), episode(5, true), episode(6, false)];
    expect(formatSuccessByBlock(episodes, 3)).toBe('success by episode block: 1-3 0% | 4-6 100% | 7-7 0%');
  });

  it('keeps the line to ten blocks: a long run is shown in blocks of a tenth of it', () => {
    const episodes = Array.from({ length: 2000 }, (_, index) => episode(index, index % 4 === 0));
    const line = formatSuccessByBlock(episodes)!;
    expect(line.split(' | ')).toHaveLength(10);
    expect(line).toMatch(/^success by episode block: 1-200 25% \| 201-400 25%/);
    expect(formatSuccessByBlock(episodes.slice(0, 200))!.split(' | ')).toHaveLength(10);
    expect(formatSuccessByBlock(episodes.slice(0, 450))).toMatch(/^success by episode block: 1-50 /);
  });

  it('has nothing to say with fewer than two full blocks of episodes', () => {
    expect(formatSuccessByBlock([episode(0, true), episode(1, false)], 20)).toBeUndefined();
    expect(formatSuccessByBlock([0, 1, 2, 3, 4].map((index) => episode(index, true)), 3)).toBeUndefined();
  });
});
