// Per-environment figures over recorded episodes, computed in SQL: counts, success, reward, steps and
// invalid actions from the episodes table; tokens from the steps' model calls, score from the last step.
import type Database from 'better-sqlite3';

/** Which episodes the statistics cover (every ended episode when empty). */
export interface EpisodeStatisticsFilter {
  readonly runId?: number;
  readonly environmentId?: string;
}

/**
 * Figures for the ended episodes (status `finished` or `failed`) of one environment id. Aborted
 * and running attempts are left out: they were cut short from outside (Ctrl-C, a killed process)
 * and say nothing about the policy; a resume re-runs them.
 */
export interface EpisodeStatistics {
  /** `family/Task-vN`, as recorded. */
  readonly environmentId: string;
  /** Ended episodes (finished or failed). */
  readonly episodes: number;
  /** Of those, episodes that failed (an exception in the policy or the environment). */
  readonly failedEpisodes: number;
  /** Episodes whose environment reported success (`info.success` true at the last step). */
  readonly successes: number;
  /** Sum of the episodes' environment reward sums (divide by `episodes` for the mean). */
  readonly totalReward: number;
  /** Steps taken (including refused actions). */
  readonly steps: number;
  /** Steps whose action was refused by the environment or a guard. */
  readonly invalidActions: number;
  /** Episodes whose last step reported a numeric `info.score`, and the sum of those scores. */
  readonly scoredEpisodes: number;
  readonly totalScore: number;
  /** Model calls recorded in steps, and those that reported token usage. */
  readonly modelCalls: number;
  readonly modelCallsWithUsage: number;
  /** Tokens over the model calls that reported usage. */
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/** Computes the statistics, one entry per environment id, sorted by it. Reads only; throws SQLite errors as they come. */
export function episodeStatistics(database: Database.Database, filter: EpisodeStatisticsFilter = {}): EpisodeStatistics[] {
  const conditions = ["e.status IN ('finished', 'failed')"];
  const parameters: Record<string, string | number> = {};
  if (filter.runId !== undefined) {
    conditions.push('e.run_id = @runId');
    parameters.runId = filter.runId;
  }
  if (filter.environmentId !== undefined) {
    conditions.push('e.environment_id = @environmentId');
    parameters.environmentId = filter.environmentId;
  }
  const where = conditions.join(' AND ');
  const episodes = database
    .prepare(
      `SELECT e.environment_id AS environmentId,
              count(*) AS episodes,
              total(e.status = 'failed') AS failedEpisodes,
              total(e.success) AS successes,
              total(e.total_reward) AS totalReward,
              total(e.step_count) AS steps,
              total(e.invalid_action_count) AS invalidActions,
              count(last.score) AS scoredEpisodes,
              total(last.score) AS totalScore
       FROM episodes e
       LEFT JOIN (SELECT s.episode_id, json_extract(s.record, '$.info.score') AS score
                  FROM steps s JOIN episodes e ON e.id = s.episode_id
                  WHERE ${where} AND s.step_index = e.step_count - 1
                    AND json_type(s.record, '$.info.score') IN ('integer', 'real')) AS last
         ON last.episode_id = e.id
       WHERE ${where}
       GROUP BY e.environment_id
       ORDER BY e.environment_id`,
    )
    .all(parameters) as Omit<EpisodeStatistics, 'modelCalls' | 'modelCallsWithUsage' | 'promptTokens' | 'completionTokens'>[];
  // Token usage lives in each step's model calls (`record.modelCalls[].result.usage`).
  const usage = database
    .prepare(
      `SELECT e.environment_id AS environmentId,
              count(*) AS modelCalls,
              count(json_extract(call.value, '$.result.usage')) AS modelCallsWithUsage,
              total(json_extract(call.value, '$.result.usage.promptTokens')) AS promptTokens,
              total(json_extract(call.value, '$.result.usage.completionTokens')) AS completionTokens
       FROM episodes e JOIN steps s ON s.episode_id = e.id, json_each(s.record, '$.modelCalls') AS call
       WHERE ${where}
       GROUP BY e.environment_id`,
    )
    .all(parameters) as Pick<EpisodeStatistics, 'environmentId' | 'modelCalls' | 'modelCallsWithUsage' | 'promptTokens' | 'completionTokens'>[];
  const usageByEnvironment = new Map(usage.map((row) => [row.environmentId, row]));
  return episodes.map((row) => {
    const { environmentId: _, ...tokens } = usageByEnvironment.get(row.environmentId) ?? {
      environmentId: row.environmentId,
      modelCalls: 0,
      modelCallsWithUsage: 0,
      promptTokens: 0,
      completionTokens: 0,
    };
    return { ...row, ...tokens };
  });
}
