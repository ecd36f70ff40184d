// `worldloop episodes`: lists the newest recorded episodes (up to --limit), oldest of them first, with their outcomes.
import type { EpisodeFilter } from '@worldloop/spec';
import type { SqliteTrajectoryStore } from '@worldloop/trajectory';
import type { CliIo } from '../cli-io.js';
import { openStore } from '../open-store.js';
import { integerOption } from '../option-values.js';
import { formatTable } from '../text-table.js';

/** Flags of `worldloop episodes`. */
export interface EpisodesFlags {
  readonly db?: string;
  readonly run?: string;
  readonly env?: string;
  readonly limit?: string;
}

/** Prints recorded episodes matching the filters. */
export async function episodesCommand(io: CliIo, flags: EpisodesFlags): Promise<number> {
  const runId = flags.run === undefined ? undefined : integerOption('run', flags.run, 0, { min: 1 });
  const limit = integerOption('limit', flags.limit, 50, { min: 1 });
  const store = openStore(io, flags.db, { existing: true });
  try {
    const filter = {
      ...(runId !== undefined ? { runId } : {}),
      ...(flags.env !== undefined ? { environmentId: flags.env } : {}),
    };
    // The store lists oldest first: skip to the newest `limit` episodes, still listed oldest first.
    const offset = Math.max(0, (await countEpisodes(store, filter)) - limit);
    const episodes = await store.listEpisodes({ ...filter, limit, offset });
    if (episodes.length === 0) {
      io.stdout.write('No episodes recorded yet. Record some with `worldloop run --env gridworld/GoToLocal-v0`.\n');
      return 0;
    }
    io.stdout.write(
      formatTable(
        ['episode', 'run', 'index', 'environment', 'seed', 'status', 'success', 'reward', 'steps', 'invalid'],
        episodes.map((episode) => [
          episode.id,
          episode.runId,
          episode.episodeIndex,
          episode.environmentId,
          episode.seed,
          episode.status,
          episode.success === undefined ? '-' : episode.success ? 'yes' : 'no',
          (episode.totalReward ?? 0).toFixed(3),
          episode.stepCount ?? 0,
          episode.invalidActionCount ?? 0,
        ]),
      ),
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** How many episodes match `filter`: found with a few one-row queries (doubling, then halving the offset). */
async function countEpisodes(store: SqliteTrajectoryStore, filter: EpisodeFilter): Promise<number> {
  const exists = async (offset: number): Promise<boolean> => (await store.listEpisodes({ ...filter, limit: 1, offset })).length > 0;
  if (!(await exists(0))) return 0;
  let present = 0;
  let absent = 1;
  while (await exists(absent)) {
    present = absent;
    absent *= 2;
  }
  while (absent - present > 1) {
    const middle = Math.floor((present + absent) / 2);
    if (await exists(middle)) present = middle;
    else absent = middle;
  }
  return absent;
}
