// The offline default agent: a planner policy over a tabular world model that learns as it goes.
// No language model, no download: it starts knowing nothing, explores what it has not tried, and
// plans with what it has learnt, so its success rate rises over the episodes of a run.
import type { Observation } from '@worldloop/spec';
import { featureStateKey } from './feature-state-key.js';
import { LookaheadPlanner } from './lookahead-planner.js';
import { TabularWorldModel } from './tabular-world-model.js';
import { WorldModelPlannerPolicy, type PlannerActionSet } from './world-model-planner-policy.js';

/** Options of {@link offlineAgent}. */
export interface OfflineAgentOptions {
  /** Which observations the model treats as one state (default `featureStateKey`). */
  readonly stateKey?: (observation: Observation) => string;
  /** Imagined steps per line (default 10). */
  readonly depth?: number;
  /** Lines kept per depth (default 48). */
  readonly beamWidth?: number;
  /** Value of imagining a (state, action) the model has never seen: the exploration bonus (default 0.3). */
  readonly explorationBonus?: number;
  /** Discount per imagined step (default 0.95). */
  readonly discount?: number;
  /** Actions planned over (default `primitive`). */
  readonly actions?: PlannerActionSet;
  /** Recorded with runs (default `planner`). */
  readonly name?: string;
}

/** The agent's policy and the model it learns (shared by every episode the policy begins). */
export interface OfflineAgent {
  readonly policy: WorldModelPlannerPolicy<Observation, string>;
  readonly model: TabularWorldModel;
}

/**
 * A `WorldModelPlannerPolicy` with `learn` on, a `TabularWorldModel` and a beam lookahead whose
 * unknown (state, action) pairs are worth `explorationBonus` (optimism in the face of uncertainty,
 * as in R-max): early on it tries what it has not tried; once a way to reward is known it takes it.
 * Keep one policy object for the whole run: that is where the learning lives.
 */
export function offlineAgent(options: OfflineAgentOptions = {}): OfflineAgent {
  const model = new TabularWorldModel({ stateKey: options.stateKey ?? featureStateKey });
  const bonus = options.explorationBonus ?? 0.3;
  const planner = new LookaheadPlanner<Observation, string>({
    depth: options.depth ?? 10,
    beamWidth: options.beamWidth ?? 48,
    discount: options.discount ?? 0.95,
    bonus: (_state, _action, evidence) => (evidence === 0 ? bonus : 0),
  });
  const policy = new WorldModelPlannerPolicy<Observation, string>({
    model,
    planner,
    learn: true,
    actions: options.actions ?? 'primitive',
    name: options.name ?? 'planner',
  });
  return { policy, model };
}
