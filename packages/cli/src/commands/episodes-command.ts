// `worldloop episodes`: lists recorded episodes, newest runs last, with their outcomes.
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
  const store = openStore(io, flags.db);
  try {
    const episodes = await store.listEpisodes({
      ...(runId !== undefined ? { runId } : {}),
      ...(flags.env !== undefined ? { environmentId: flags.env } : {}),
      limit,
    });
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
