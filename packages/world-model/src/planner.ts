// The planner contract: choose an action by imagining with a world model, within a budget of
// imagined steps. Planners hold no per-episode state; what they learn lives in the model.
import type { Imagination, ImaginingWorldModel } from './imagining-world-model.js';

/** What a planner is asked to plan from. */
export interface PlanRequest<State, Act = string> {
  /** The state to plan from, in the model's terms (`model.stateOf` of what the agent sees). */
  readonly state: State;
  /** The actions to choose among now. */
  readonly actions: readonly Act[];
  /**
   * `actions` are the choices in every imagined state too (primitive actions, a fixed list).
   * Default false: an imagined state offers the actions it lists (else `actions`).
   */
  readonly fixedActions?: boolean;
  /** Uniform draws in [0, 1) for tie-breaks and rollouts (seeded per episode by the policy). */
  readonly random: () => number;
  readonly signal?: AbortSignal;
}

/** The value a planner found for one of the actions. */
export interface ActionEstimate<Act = string> {
  readonly action: Act;
  /** Estimated discounted return of taking it now. */
  readonly value: number;
  /** Imagined rollouts or nodes that went through it. */
  readonly visits: number;
}

/** A planner's choice and how it came to it. */
export interface Plan<Act = string> {
  readonly action: Act;
  /** Estimated discounted return of `action`. */
  readonly value: number;
  /** Imagined steps (model calls) spent. */
  readonly imaginedSteps: number;
  /** The best imagined line of actions, starting with `action`. */
  readonly line: readonly Act[];
  readonly estimates: readonly ActionEstimate<Act>[];
}

/** Chooses actions by imagining. */
export interface Planner<State, Act = string> {
  /** `lookahead`, `mcts`, ... */
  readonly name: string;
  plan(model: ImaginingWorldModel<State, Act>, request: PlanRequest<State, Act>): Promise<Plan<Act>>;
}

/** An exploration bonus for an imagined step: added to its reward while planning, never recorded. */
export type ExplorationBonus<State, Act = string> = (state: State, action: Act, evidence: number | undefined) => number;

/** What every planner's search takes: how to value imagined lines, and which actions to try in them. */
export interface PlannerSearchOptions<State, Act = string> {
  /** Discount per imagined step (each planner has its default). */
  readonly discount?: number;
  /** Added to each imagined step's reward (an exploration bonus for steps the model knows little of). */
  readonly bonus?: ExplorationBonus<State, Act>;
  /** Value of the state a line stops in when it has not ended (default 0). */
  readonly leafValue?: (state: State) => number;
  /** Actions to consider after an imagined step (default its `actions`, else the root's). */
  readonly actions?: (imagination: Imagination<State, Act>, rootActions: readonly Act[]) => readonly Act[];
}
