// World models side by side on one environment: the simulator oracle, a tabular model and the
// random baseline, each trained (where it learns) on its own seeds, scored on held-out seeds for
// one-step and k-step accuracy, and used by the same planner in the real environment, next to a
// random policy. This is what `worldloop wm-eval` prints.
import { RandomPolicy, deriveSeed } from '@worldloop/core';
import type { EnvSnapshot, EnvironmentOptions, EnvironmentSpec, Observation, ObservationRecord } from '@worldloop/spec';
import { noisyExpertBehaviour, type BehaviourPolicy } from './behaviour-policy.js';
import type { ImaginingWorldModel } from './imagining-world-model.js';
import { MctsPlanner } from './mcts-planner.js';
import { measurePolicySuccess, type PolicySuccess } from './policy-success.js';
import { RandomWorldModel } from './random-world-model.js';
import { playRealTrajectories, trainOnTrajectories, type RealTrajectory } from './real-trajectory.js';
import { SimulatorWorldModel } from './simulator-world-model.js';
import { TabularWorldModel } from './tabular-world-model.js';
import { measureWorldModelAccuracy, type WorldModelAccuracy } from './world-model-accuracy.js';
import { WorldModelPlannerPolicy, type PlannerActionSet } from './world-model-planner-policy.js';

/** The world models `compareWorldModels` knows how to build. */
export type WorldModelKind = 'simulator' | 'tabular' | 'random';

/** Every kind, in table order. */
export const worldModelKinds: readonly WorldModelKind[] = ['simulator', 'tabular', 'random'];

/** Options of {@link compareWorldModels}. */
export interface WorldModelComparisonOptions {
  readonly environment: EnvironmentSpec<Observation, string>;
  readonly environmentOptions?: EnvironmentOptions;
  /** Models to compare (default all three). */
  readonly kinds?: readonly WorldModelKind[];
  /** Held-out episodes scored for accuracy, and episodes the planner plays (default 20). */
  readonly episodes?: number;
  /** Episodes learned models are trained on, on other seeds (default 5 × `episodes`). */
  readonly trainingEpisodes?: number;
  /** Seeds derive from it: evaluation `deriveSeed(baseSeed, i)`, training `deriveSeed(baseSeed + 1, i)` (default 0). */
  readonly baseSeed?: number;
  /** Longest imagined rollout scored (default 5). */
  readonly horizon?: number;
  /** Plays the real trajectories (default `noisyExpertBehaviour` drawing its random actions from `plannerActions`). */
  readonly behaviour?: BehaviourPolicy;
  /** Imagined steps per planner decision (MCTS, default 200). */
  readonly plannerBudget?: number;
  /**
   * Actions the planner, the random policy and the behaviour policy's random moves choose among
   * (default `primitive`); `valid` adds the environment's higher-level actions (text commands).
   */
  readonly plannerActions?: PlannerActionSet;
  /** Step limit of the planner's and the random policy's episodes (default: the environment's). */
  readonly maxSteps?: number;
  readonly signal?: AbortSignal;
  /** Called with a line of progress now and then. */
  readonly onProgress?: (message: string) => void;
}

/** One model's figures. */
export interface WorldModelComparisonRow {
  readonly kind: WorldModelKind;
  /** Transitions it was trained on (0 for the simulator). */
  readonly trainingTransitions: number;
  readonly accuracy: WorldModelAccuracy;
  /** The planner with this model in the real environment. */
  readonly planner: PolicySuccess;
}

/** What `compareWorldModels` returns. */
export interface WorldModelComparison {
  readonly environmentId: string;
  readonly evaluationEpisodes: number;
  readonly trainingEpisodes: number;
  readonly rows: readonly WorldModelComparisonRow[];
  /** A uniformly random policy over the same actions, on the same seeds. */
  readonly randomPolicy: PolicySuccess;
}

/**
 * Builds, trains and scores each kind of world model. The tabular and random models learn from
 * `trainingEpisodes` real episodes played by the behaviour policy; the simulator needs none (and an
 * environment with snapshot / restore). Accuracy is measured on `episodes` held-out episodes played
 * by the same behaviour policy; the planner (MCTS) then plays `episodes` episodes on those seeds
 * without learning further.
 */
export async function compareWorldModels(options: WorldModelComparisonOptions): Promise<WorldModelComparison> {
  const { environment: spec, environmentOptions } = options;
  const kinds = options.kinds ?? worldModelKinds;
  const episodes = options.episodes ?? 20;
  const trainingEpisodes = options.trainingEpisodes ?? 5 * episodes;
  const baseSeed = options.baseSeed ?? 0;
  const plannerActions = options.plannerActions ?? 'primitive';
  const behaviour = options.behaviour ?? noisyExpertBehaviour(0.75, plannerActions);
  const progress = options.onProgress ?? (() => {});
  const evaluationSeeds = Array.from({ length: episodes }, (_, index) => deriveSeed(baseSeed, index));
  const trainingSeeds = Array.from({ length: trainingEpisodes }, (_, index) => deriveSeed(baseSeed + 1, index));
  const real = spec.create(environmentOptions);
  const snapshots = typeof real.snapshot === 'function';
  const stateOf = (observation: Observation, environment: typeof real): EnvSnapshot | ObservationRecord =>
    snapshots ? environment.snapshot!() : (observation as ObservationRecord);

  progress(`playing ${episodes} held-out episodes`);
  const evaluation = await playRealTrajectories({ environment: real, seeds: evaluationSeeds, behaviour, stateOf });
  const observationTrajectories = evaluation.map((trajectory): RealTrajectory<Observation> => ({ ...trajectory, states: trajectory.observations }));
  let training: RealTrajectory<Observation>[] | undefined;

  const rows: WorldModelComparisonRow[] = [];
  for (const kind of kinds) {
    let model: ImaginingWorldModel<any, string>;
    let trainingTransitions = 0;
    if (kind === 'simulator') {
      if (!snapshots) throw new TypeError(`The simulator world model needs an environment with snapshot() and restore(); ${spec.id} has none.`);
      model = new SimulatorWorldModel({ environment: spec, ...(environmentOptions ? { environmentOptions } : {}) });
    } else {
      if (training === undefined) {
        progress(`playing ${trainingEpisodes} training episodes`);
        training = await playRealTrajectories({ environment: real, seeds: trainingSeeds, behaviour });
      }
      model = kind === 'tabular' ? new TabularWorldModel() : new RandomWorldModel({ seed: baseSeed });
      trainingTransitions = await trainOnTrajectories(model, training);
    }
    progress(`scoring the ${kind} model`);
    const accuracy = await measureWorldModelAccuracy(model, kind === 'simulator' ? evaluation : observationTrajectories, {
      ...(options.horizon !== undefined ? { horizon: options.horizon } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    progress(`planning with the ${kind} model`);
    const policy = new WorldModelPlannerPolicy({ model, planner: new MctsPlanner({ budget: options.plannerBudget ?? 200 }), actions: plannerActions, name: `planner:${kind}` });
    const planner = await measurePolicySuccess(policy, real, evaluationSeeds, {
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await (model as { close?: () => Promise<void> }).close?.();
    rows.push({ kind, trainingTransitions, accuracy, planner });
  }
  progress('playing the random policy');
  const randomPolicy = await measurePolicySuccess(new RandomPolicy({ level: plannerActions === 'primitive' ? 'primitive' : 'valid' }), real, evaluationSeeds, {
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  await real.close();
  return { environmentId: spec.id, evaluationEpisodes: episodes, trainingEpisodes: kinds.some((kind) => kind !== 'simulator') ? trainingEpisodes : 0, rows, randomPolicy };
}
