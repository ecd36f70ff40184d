// Which recorded episodes an export takes, as a filter and its SQL. Exports only ever take the latest
// attempt of each (run, episode index) and only finished episodes; the filter narrows that further.
import { ConfigError } from '@worldloop/spec';

/** Which episodes an export takes. Every field narrows the selection; an empty filter takes them all. */
export interface ExportFilter {
  /** Runs to take (ids as `worldloop run` printed them); all runs when absent. */
  readonly runIds?: readonly number[];
  /** Environment id, exactly (`gridworld/GoToLocal-v0`). */
  readonly environmentId?: string;
  /** Text the episode's mission must contain (`red ball`); episodes without a mission never match. */
  readonly task?: string;
  /** Only episodes whose environment reported the task achieved. */
  readonly successOnly?: boolean;
  /** Only episodes whose total reward is at least this. */
  readonly minimumReward?: number;
  /** Only episodes of at least this many steps. */
  readonly minimumSteps?: number;
  /** Only episodes of at most this many steps. */
  readonly maximumSteps?: number;
}

/** A filter as SQL over `episodes AS e`: a condition and its named parameters. */
export interface EpisodeSelection {
  readonly where: string;
  readonly parameters: Record<string, string | number>;
}

/**
 * The SQL condition selecting the episodes `filter` takes: finished, latest attempt of their
 * (run, episode index), and every filter field. Throws ConfigError naming a bad field.
 */
export function episodeSelection(filter: ExportFilter): EpisodeSelection {
  const conditions = [
    "e.status = 'finished'",
    // A resumed run re-runs an interrupted episode as attempt + 1: the latest attempt is the episode.
    'e.attempt = (SELECT max(latest.attempt) FROM episodes latest WHERE latest.run_id = e.run_id AND latest.episode_index = e.episode_index)',
  ];
  const parameters: Record<string, string | number> = {};
  if (filter.runIds !== undefined) {
    for (const runId of filter.runIds) requireCount('runIds', runId, 'run ids are positive integers, as `worldloop episodes` shows them');
    conditions.push('e.run_id IN (SELECT value FROM json_each(@runIds))');
    parameters.runIds = JSON.stringify(filter.runIds);
  }
  if (filter.environmentId !== undefined) {
    conditions.push('e.environment_id = @environmentId');
    parameters.environmentId = filter.environmentId;
  }
  if (filter.task !== undefined) {
    if (filter.task === '') throw new ConfigError('The task filter is empty; give text the mission must contain, or leave it out.');
    conditions.push('instr(e.mission, @task) > 0');
    parameters.task = filter.task;
  }
  if (filter.successOnly === true) conditions.push('e.success = 1');
  if (filter.minimumReward !== undefined) {
    if (!Number.isFinite(filter.minimumReward)) throw new ConfigError(`minimumReward is ${String(filter.minimumReward)}, not a finite number.`);
    conditions.push('e.total_reward >= @minimumReward');
    parameters.minimumReward = filter.minimumReward;
  }
  if (filter.minimumSteps !== undefined) {
    requireCount('minimumSteps', filter.minimumSteps, 'it counts steps');
    conditions.push('e.step_count >= @minimumSteps');
    parameters.minimumSteps = filter.minimumSteps;
  }
  if (filter.maximumSteps !== undefined) {
    requireCount('maximumSteps', filter.maximumSteps, 'it counts steps');
    if (filter.minimumSteps !== undefined && filter.maximumSteps < filter.minimumSteps) {
      throw new ConfigError(`The step range ${filter.minimumSteps}..${filter.maximumSteps} is empty; give a maximum at least the minimum.`);
    }
    conditions.push('e.step_count <= @maximumSteps');
    parameters.maximumSteps = filter.maximumSteps;
  }
  return { where: conditions.join(' AND '), parameters };
}

/** The filter in words, one line per field set, for dataset cards. */
export function describeFilter(filter: ExportFilter): string[] {
  const lines: string[] = [];
  if (filter.runIds !== undefined) lines.push(`runs ${filter.runIds.join(', ')}`);
  if (filter.environmentId !== undefined) lines.push(`environment ${filter.environmentId}`);
  if (filter.task !== undefined) lines.push(`mission contains ${JSON.stringify(filter.task)}`);
  if (filter.successOnly === true) lines.push('successful episodes only');
  if (filter.minimumReward !== undefined) lines.push(`total reward at least ${filter.minimumReward}`);
  if (filter.minimumSteps !== undefined) lines.push(`at least ${filter.minimumSteps} steps`);
  if (filter.maximumSteps !== undefined) lines.push(`at most ${filter.maximumSteps} steps`);
  return lines;
}

function requireCount(field: string, value: number, why: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(`${field} has ${String(value)}, not a non-negative integer; ${why}.`);
}
