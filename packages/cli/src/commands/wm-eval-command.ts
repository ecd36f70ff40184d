// `worldloop wm-eval`: how well world models predict an environment and how well a planner does
// with each, side by side: the simulator oracle, the model asked for, and the random baseline,
// next to a random policy. Prints one table; nothing is recorded.
import { ConfigError } from '@worldloop/spec';
import { compareWorldModels, worldModelKinds, type PlannerActionSet, type WorldModelComparison, type WorldModelKind } from '@worldloop/world-model';
import type { CliIo } from '../cli-io.js';
import { defaultEnvironments } from '../default-environments.js';
import { choiceOption, integerOption, requiredOption } from '../option-values.js';
import { formatTable } from '../text-table.js';

/** Flags of `worldloop wm-eval`. */
export interface WmEvalFlags {
  readonly env?: string;
  readonly 'world-model'?: string;
  readonly episodes?: string;
  readonly seed?: string;
  readonly 'max-steps'?: string;
  readonly 'planner-actions'?: string;
}

/** Imagined steps per planner decision. */
const PLANNER_BUDGET = 200;
const HORIZON = 5;
const ACTION_SETS: readonly PlannerActionSet[] = ['primitive', 'valid'];

/** Scores the world models on the environment and prints the table; returns the exit code. */
export async function wmEvalCommand(io: CliIo, flags: WmEvalFlags, signal?: AbortSignal): Promise<number> {
  const environmentId = requiredOption('env', flags.env, 'Run `worldloop envs` to list environments.');
  const kind = choiceOption('world-model', flags['world-model'], worldModelKinds, 'tabular');
  const episodes = integerOption('episodes', flags.episodes, 20, { min: 1, max: 10_000 });
  const baseSeed = integerOption('seed', flags.seed, 0, { min: 0, max: 2 ** 31 - 1 });
  const maxSteps = flags['max-steps'] === undefined ? undefined : integerOption('max-steps', flags['max-steps'], 0, { min: 1 });
  const plannerActions = choiceOption('planner-actions', flags['planner-actions'], ACTION_SETS, 'primitive');
  const spec = defaultEnvironments().get(environmentId);
  const probe = spec.create();
  const simulates = typeof probe.snapshot === 'function' && typeof probe.restore === 'function';
  await probe.close();
  if (kind === 'simulator' && !simulates) throw new ConfigError(`--world-model simulator needs an environment with snapshot and restore; ${environmentId} has none.`);
  // The oracle and the baseline always run beside the model asked for, in table order.
  const kinds = worldModelKinds.filter((candidate) => candidate === kind || candidate === 'random' || (candidate === 'simulator' && simulates));

  const comparison = await compareWorldModels({
    environment: spec,
    kinds,
    episodes,
    baseSeed,
    horizon: HORIZON,
    plannerBudget: PLANNER_BUDGET,
    plannerActions,
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(signal ? { signal } : {}),
    onProgress: (line) => io.stderr.write(`${line}...\n`),
  });
  io.stdout.write(describe(comparison, plannerActions));
  io.stdout.write(formatTable(HEADER, [...comparison.rows.map(row), randomPolicyRow(comparison)]));
  return 0;
}

const HEADER = ['model', 'trained on', 'obs exact', 'text sim', 'features', 'reward', 'done', ...Array.from({ length: HORIZON }, (_, index) => `k=${index + 1}`), 'planner success', 'planner steps'];

function percent(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

function row(result: WorldModelComparison['rows'][number]): (string | number)[] {
  const { accuracy, planner } = result;
  const byFeatures = accuracy.horizons.some((horizon) => horizon.featuresExact > 0) || accuracy.featuresExact > 0;
  return [
    result.kind satisfies WorldModelKind,
    result.kind === 'simulator' ? '-' : `${result.trainingTransitions} steps`,
    percent(accuracy.observationExact),
    accuracy.textSimilarity.toFixed(3),
    percent(accuracy.featuresExact),
    percent(accuracy.rewardAccuracy),
    percent(accuracy.terminationAccuracy),
    ...accuracy.horizons.map((horizon) => percent(byFeatures ? horizon.featuresExact : horizon.observationExact)),
    percent(planner.successRate),
    planner.meanSteps.toFixed(1),
  ];
}

function randomPolicyRow(comparison: WorldModelComparison): (string | number)[] {
  const random = comparison.randomPolicy;
  return ['random policy', '-', '-', '-', '-', '-', '-', ...Array.from({ length: HORIZON }, () => '-'), percent(random.successRate), random.meanSteps.toFixed(1)];
}

function describe(comparison: WorldModelComparison, plannerActions: PlannerActionSet): string {
  const steps = comparison.rows[0]?.accuracy.steps ?? 0;
  return (
    `world models on ${comparison.environmentId}: ${comparison.evaluationEpisodes} held-out episodes (${steps} steps, a noisy expert acting)` +
    `${comparison.trainingEpisodes > 0 ? `, learnt models trained on ${comparison.trainingEpisodes} other episodes` : ''}\n` +
    'obs exact / text sim / features / reward / done: one-step predictions right (text similarity 0..1; a model that predicts nothing scores 0)\n' +
    `k=1..${HORIZON}: imagined k-step rollouts of the real actions whose features (text, without features) equal the real ones k steps on\n` +
    `planner: MCTS over ${plannerActions === 'primitive' ? 'primitive' : 'all valid'} actions, ${PLANNER_BUDGET} imagined steps a decision, with that model, in the real environment on the held-out seeds` +
    ` (the random policy and the noisy expert's random moves use the same actions)\n\n`
  );
}
