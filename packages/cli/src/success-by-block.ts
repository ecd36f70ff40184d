// The learning curve line of `worldloop run`: success rate per block of episodes, in episode order,
// so a policy that learns as the run goes (the planner) shows it; aborted episodes are left out.
import type { EpisodeResult } from '@worldloop/core';

/** Episodes per block of the learning curve, at the least; longer runs get longer blocks. */
export const SUCCESS_BLOCK_EPISODES = 20;
/** Most blocks on the line: a run of many episodes is shown in blocks of a tenth of it (a multiple of 10). */
const MOST_BLOCKS = 10;

/** The block size for a run of `episodes`: 20, or a tenth of the run rounded up to a multiple of 10. */
export function successBlockEpisodes(episodes: number): number {
  return Math.max(SUCCESS_BLOCK_EPISODES, Math.ceil(episodes / MOST_BLOCKS / 10) * 10);
}

/**
 * `success by episode block: 1-20 25% | 21-40 80% | ...` (blocks of `successBlockEpisodes` by
 * default: at most ten of them on the line), or undefined with fewer than two full
 * blocks' worth of counted episodes (a curve needs two points). Blocks follow episode indices, which the runner
 * starts in order, so with concurrency N a block's first episodes overlap the previous block's last.
 */
export function formatSuccessByBlock(episodes: readonly EpisodeResult[], blockEpisodes = successBlockEpisodes(episodes.length)): string | undefined {
  const counted = episodes.filter((episode) => episode.outcome.status !== 'aborted');
  if (counted.length < 2 * blockEpisodes) return undefined;
  const blocks = new Map<number, { successes: number; episodes: number; lastIndex: number }>();
  for (const episode of counted) {
    const block = Math.floor(episode.episodeIndex / blockEpisodes);
    const entry = blocks.get(block) ?? { successes: 0, episodes: 0, lastIndex: episode.episodeIndex };
    entry.episodes += 1;
    entry.lastIndex = Math.max(entry.lastIndex, episode.episodeIndex);
    if (episode.outcome.success) entry.successes += 1;
    blocks.set(block, entry);
  }
  // A block's range ends at its last episode, so a short final block says how short it is.
  const parts = [...blocks.entries()]
    .sort(([left], [right]) => left - right)
    .map(([block, entry]) => `${block * blockEpisodes + 1}-${Math.min(block * blockEpisodes + blockEpisodes, entry.lastIndex + 1)} ${Math.round((100 * entry.successes) / entry.episodes)}%`);
  return `success by episode block: ${parts.join(' | ')}`;
}
