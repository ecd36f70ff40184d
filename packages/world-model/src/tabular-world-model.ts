// A world model learned by counting, for discrete worlds: (state key, action) → outcomes (next state
// key, termination) with their counts and mean reward. It learns online (`update`) and offline
// (`trainFromTrajectories`); its predictions are the most frequent outcome, with a confidence
// that grows with the evidence. Memory grows with the distinct (state, action, outcome) seen.
import { observationRecord } from '@worldloop/core';
import type { Observation, ObservationRecord, Prediction, Transition } from '@worldloop/spec';
import { featureStateKey } from './feature-state-key.js';
import type { Imagination, ImaginingWorldModel } from './imagining-world-model.js';

/** Options of a {@link TabularWorldModel}. */
export interface TabularWorldModelOptions {
  /** Default `tabular`. */
  readonly name?: string;
  /**
   * Which observations count as the same state (default `featureStateKey`: mission and features,
   * else text). A coarser key generalises across situations; a finer one is more exact.
   */
  readonly stateKey?: (observation: Observation) => string;
  /**
   * Pseudo-count added to the evidence in the confidence, `modal count / (total + prior)`
   * (default 1): one sighting gives 0.5, ten agreeing ones 0.91.
   */
  readonly prior?: number;
}

/** One outcome of a (state, action) pair, as counted. */
export interface TabularOutcome {
  /** Key of the next state. */
  readonly nextKey: string;
  readonly terminated: boolean;
  /** How often it happened. */
  readonly count: number;
  /** Mean reward when it happened. */
  readonly meanReward: number;
  /** The next observation as first seen (plain data). */
  readonly observation: ObservationRecord;
}

interface MutableOutcome {
  readonly nextKey: string;
  readonly terminated: boolean;
  count: number;
  rewardSum: number;
  readonly observation: ObservationRecord;
}

interface PairStatistics {
  total: number;
  readonly outcomes: Map<string, MutableOutcome>;
  /** The most frequent outcome (the first seen among equals). */
  modal: MutableOutcome;
}

/** Sizes of a tabular model. */
export interface TabularWorldModelSize {
  /** States with at least one action tried. */
  readonly states: number;
  /** (state, action) pairs seen. */
  readonly pairs: number;
  /** Transitions counted. */
  readonly transitions: number;
}

/**
 * Counts of what followed each (state, action). `predict` returns the modal outcome: its
 * observation text and features, its mean reward and termination, and confidence
 * `count / (total + prior)`. A pair never seen predicts nothing, with confidence 0; `imagine` then
 * stays in the same state with `evidence: 0`, which planners read as "unknown".
 */
export class TabularWorldModel implements ImaginingWorldModel<Observation, string> {
  readonly name: string;
  private readonly keyOf: (observation: Observation) => string;
  private readonly prior: number;
  private readonly table = new Map<string, Map<string, PairStatistics>>();
  private readonly keys = new WeakMap<object, string>();
  private transitions = 0;
  private pairs = 0;

  constructor(options: TabularWorldModelOptions = {}) {
    this.name = options.name ?? 'tabular';
    this.keyOf = options.stateKey ?? featureStateKey;
    this.prior = options.prior ?? 1;
  }

  /** The key of a state (cached per observation object). */
  stateKey(state: Observation): string {
    let key = this.keys.get(state);
    if (key === undefined) {
      key = this.keyOf(state);
      this.keys.set(state, key);
    }
    return key;
  }

  /** Counts one real transition. */
  update(transition: Transition<Observation, string>): void {
    const key = this.stateKey(transition.state);
    const nextKey = this.stateKey(transition.nextState);
    let actions = this.table.get(key);
    if (actions === undefined) {
      actions = new Map();
      this.table.set(key, actions);
    }
    const outcomeKey = `${transition.terminated ? 'T' : 'F'}${nextKey}`;
    let pair = actions.get(transition.action);
    let outcome = pair?.outcomes.get(outcomeKey);
    if (outcome === undefined) {
      outcome = { nextKey, terminated: transition.terminated, count: 0, rewardSum: 0, observation: observationRecord(transition.nextState) };
      if (pair === undefined) {
        pair = { total: 0, outcomes: new Map(), modal: outcome };
        actions.set(transition.action, pair);
        this.pairs++;
      }
      pair.outcomes.set(outcomeKey, outcome);
    }
    outcome.count++;
    outcome.rewardSum += transition.reward;
    pair!.total++;
    if (outcome.count > pair!.modal.count) pair!.modal = outcome;
    this.transitions++;
  }

  async predict(state: Observation, action: string): Promise<Prediction> {
    return this.imagineNow(state, action).prediction;
  }

  async imagine(state: Observation, action: string): Promise<Imagination<Observation, string>> {
    return this.imagineNow(state, action);
  }

  /** `imagine` without the promise, for planners that run many imagined steps. */
  imagineNow(state: Observation, action: string): Imagination<Observation, string> {
    const pair = this.table.get(this.stateKey(state))?.get(action);
    if (pair === undefined) {
      return { prediction: { confidence: 0 }, nextState: state, observation: state, actions: state.validActions ?? [], evidence: 0 };
    }
    const modal = pair.modal;
    const observation = modal.observation;
    if (!this.keys.has(observation)) this.keys.set(observation, modal.nextKey);
    return {
      prediction: this.predictionOf(modal, pair.total),
      nextState: observation,
      observation,
      actions: observation.validActions ?? [],
      evidence: pair.total,
    };
  }

  /** How often `action` was seen taken in `state`'s key. */
  count(state: Observation, action: string): number {
    return this.table.get(this.stateKey(state))?.get(action)?.total ?? 0;
  }

  /** Every outcome counted for (state, action), most frequent first. */
  outcomes(state: Observation, action: string): readonly TabularOutcome[] {
    const pair = this.table.get(this.stateKey(state))?.get(action);
    if (pair === undefined) return [];
    return [...pair.outcomes.values()]
      .sort((first, second) => second.count - first.count)
      .map((outcome) => ({ nextKey: outcome.nextKey, terminated: outcome.terminated, count: outcome.count, meanReward: outcome.rewardSum / outcome.count, observation: outcome.observation }));
  }

  /** Actions seen taken in `state`'s key. */
  knownActions(state: Observation): readonly string[] {
    const actions = this.table.get(this.stateKey(state));
    return actions === undefined ? [] : [...actions.keys()];
  }

  get size(): TabularWorldModelSize {
    return { states: this.table.size, pairs: this.pairs, transitions: this.transitions };
  }

  private predictionOf(outcome: MutableOutcome, total: number): Prediction {
    const { text, features } = outcome.observation;
    return {
      observationText: text,
      ...(features !== undefined ? { features } : {}),
      reward: outcome.rewardSum / outcome.count,
      terminated: outcome.terminated,
      confidence: outcome.count / (total + this.prior),
    };
  }
}
