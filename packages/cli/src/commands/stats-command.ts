// `worldloop stats`: per environment and task, the ended episodes' success rate, reward, steps,
// invalid-action rate, score and tokens, with what each figure means printed under the table.
import type { EpisodeStatistics } from '@worldloop/trajectory';
import type { CliIo } from '../cli-io.js';
import { openStore } from '../open-store.js';
import { integerOption } from '../option-values.js';
import { formatTable } from '../text-table.js';

/** Flags of `worldloop stats`. */
export interface StatsFlags {
  readonly db?: string;
  readonly run?: string;
  readonly env?: string;
}

/** What the columns mean: success, reward and score are different things. */
const DEFINITIONS = `Episodes: ended episodes (finished or failed); aborted attempts (Ctrl-C, a killed process) and
  running ones are left out: a resume re-runs them. failed: episodes ended by an error in the policy or environment.
success: the episode achieved its task, as the environment reported it (info.success of the last step);
  success rate = successes / episodes.
reward: the sum of the environment's rewards over the episode (its own shaping, e.g. gridworld gives
  1 - 0.9 * steps / max steps on success, 0 otherwise); mean over episodes.
score: a task score the environment reports itself (info.score of the last step), mean over the episodes
  that have one; "-" where the environment reports none.
steps: actions taken per episode, refused ones included. invalid: refused actions (by the environment or a
  guard) / steps.
tokens: prompt + completion tokens of the model calls recorded in steps, over the calls that reported
  usage ("-" when no model was called); per episode = tokens / episodes.
`;

/** Prints the statistics table and the definitions; exit code 0 (also when nothing matches). */
export async function statsCommand(io: CliIo, flags: StatsFlags): Promise<number> {
  const runId = flags.run === undefined ? undefined : integerOption('run', flags.run, 0, { min: 1 });
  const store = openStore(io, flags.db, { existing: true });
  try {
    const rows = await store.statistics({
      ...(runId !== undefined ? { runId } : {}),
      ...(flags.env !== undefined ? { environmentId: flags.env } : {}),
    });
    if (rows.length === 0) {
      const filters = [runId !== undefined ? `run ${runId}` : '', flags.env !== undefined ? `environment ${flags.env}` : ''].filter(Boolean).join(', ');
      io.stdout.write(
        `No ended episodes${filters === '' ? '' : ` match ${filters}`} in ${store.location}. Record some with \`worldloop run --env gridworld/GoToLocal-v0\`.\n`,
      );
      return 0;
    }
    io.stdout.write(
      formatTable(
        ['environment', 'task', 'episodes', 'failed', 'success rate', 'mean reward', 'mean score', 'mean steps', 'invalid', 'tokens', 'tokens/episode'],
        rows.map(statisticsRow),
      ),
    );
    io.stdout.write(`\n${DEFINITIONS}`);
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * One table row: the environment id split into its family and task (`gridworld`, `GoToLocal-v0`);
 * an id with a URL in it (`agentgym:http://host:port#name`) is not split.
 */
function statisticsRow(row: EpisodeStatistics): (string | number)[] {
  const slash = row.environmentId.includes('://') ? -1 : row.environmentId.indexOf('/');
  const tokens = row.promptTokens + row.completionTokens;
  const hasTokens = row.modelCallsWithUsage > 0;
  return [
    slash < 0 ? row.environmentId : row.environmentId.slice(0, slash),
    slash < 0 ? '-' : row.environmentId.slice(slash + 1),
    row.episodes,
    row.failedEpisodes,
    `${((100 * row.successes) / row.episodes).toFixed(1)}%`,
    (row.totalReward / row.episodes).toFixed(3),
    row.scoredEpisodes > 0 ? (row.totalScore / row.scoredEpisodes).toFixed(3) : '-',
    (row.steps / row.episodes).toFixed(1),
    row.steps > 0 ? `${((100 * row.invalidActions) / row.steps).toFixed(1)}%` : '-',
    hasTokens ? tokens : '-',
    hasTokens ? (tokens / row.episodes).toFixed(1) : '-',
  ];
}
