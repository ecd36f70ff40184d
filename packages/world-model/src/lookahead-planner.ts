// Depth-limited lookahead over a world model, optionally a beam search: every action sequence up
// to `depth` is imagined (the best `beamWidth` partial sequences per depth with a beam), and the
// first action of the best one is taken. States the model keys alike are expanded once.
import { InvalidActionError } from '@worldloop/spec';
import type { Imagination, ImaginingWorldModel } from './imagining-world-model.js';
import type { ActionEstimate, Plan, Planner, PlannerSearchOptions, PlanRequest } from './planner.js';
import { randomArgmax } from './random-argmax.js';
import { shuffledIndices } from './shuffled-indices.js';

/** Options of a {@link LookaheadPlanner} (discount default 0.95). */
export interface LookaheadPlannerOptions<State, Act = string> extends PlannerSearchOptions<State, Act> {
  /** Imagined steps per line (default 3). */
  readonly depth?: number;
  /** Partial lines kept per depth (default: all, an exhaustive search). */
  readonly beamWidth?: number;
  /** Most imagined steps per plan (default 10,000); the search stops where the budget runs out. */
  readonly budget?: number;
}

interface SearchNode<State, Act> {
  readonly state: State;
  /** Index of the root action the line started with. */
  readonly first: number;
  readonly line: readonly Act[];
  /** Discounted reward so far (bonuses included). */
  readonly gained: number;
  /** Discount of the next step. */
  readonly discount: number;
  readonly actions: readonly Act[];
  /** `gained` plus the discounted leaf value: what the line is worth if it stops here. */
  readonly score: number;
}

/**
 * Breadth-first lookahead. A line stops early where the model predicts termination, truncation, or
 * has no evidence (`evidence: 0`: an unknown step is worth its bonus and no more); an action the
 * model refuses (`InvalidActionError`) starts no line. Each root action is valued by the best line
 * starting with it; ties are broken at random.
 */
export class LookaheadPlanner<State, Act = string> implements Planner<State, Act> {
  readonly name: string;
  private readonly depth: number;
  private readonly beamWidth: number;
  private readonly discount: number;
  private readonly budget: number;

  constructor(private readonly options: LookaheadPlannerOptions<State, Act> = {}) {
    this.depth = options.depth ?? 3;
    this.beamWidth = options.beamWidth ?? Number.POSITIVE_INFINITY;
    this.discount = options.discount ?? 0.95;
    this.budget = options.budget ?? 10_000;
    this.name = Number.isFinite(this.beamWidth) ? `beam-${this.beamWidth}x${this.depth}` : `lookahead-${this.depth}`;
  }

  async plan(model: ImaginingWorldModel<State, Act>, request: PlanRequest<State, Act>): Promise<Plan<Act>> {
    const rootActions = request.actions;
    if (rootActions.length === 0) throw new RangeError('LookaheadPlanner.plan needs at least one action to choose among.');
    const values = rootActions.map(() => Number.NEGATIVE_INFINITY);
    const visits = rootActions.map(() => 0);
    const lines: (readonly Act[])[] = rootActions.map((action) => [action]);
    const record = (first: number, value: number, line: readonly Act[]): void => {
      if (value > values[first]!) {
        values[first] = value;
        lines[first] = line;
      }
    };
    const leafValue = this.options.leafValue;
    const bonus = this.options.bonus;
    const bestGained = new Map<string, number>();
    let steps = 0;
    let layer: SearchNode<State, Act>[] = [
      { state: request.state, first: -1, line: [], gained: 0, discount: 1, actions: rootActions, score: 0 },
    ];
    search: for (let depth = 1; depth <= this.depth && layer.length > 0; depth++) {
      const next: SearchNode<State, Act>[] = [];
      for (let position = 0; position < layer.length; position++) {
        const node = layer[position]!;
        const order = depth === 1 ? shuffledIndices(node.actions.length, request.random) : undefined;
        for (let choice = 0; choice < node.actions.length; choice++) {
          if (steps >= this.budget || request.signal?.aborted) {
            // Out of budget: what is left of this layer is valued as it stands.
            for (const left of [...layer.slice(position), ...next]) if (left.first >= 0) record(left.first, left.score, left.line);
            break search;
          }
          const index = order ? order[choice]! : choice;
          const action = node.actions[index]!;
          let imagined: Imagination<State, Act>;
          try {
            imagined = await model.imagine(node.state, action, request.signal ? { signal: request.signal } : {});
          } catch (error) {
            // The model says the action would be refused here: no line goes through it.
            if (!(error instanceof InvalidActionError)) throw error;
            steps++;
            continue;
          }
          steps++;
          const first = depth === 1 ? index : node.first;
          visits[first]!++;
          const reward = (imagined.prediction.reward ?? 0) + (bonus ? bonus(node.state, action, imagined.evidence) : 0);
          const gained = node.gained + node.discount * reward;
          const line = [...node.line, action];
          const ended = imagined.prediction.terminated === true || imagined.truncated === true || imagined.evidence === 0;
          if (ended) {
            record(first, gained, line);
            continue;
          }
          const discount = node.discount * this.discount;
          const score = gained + (leafValue ? discount * leafValue(imagined.nextState) : 0);
          if (depth === this.depth) {
            record(first, score, line);
            continue;
          }
          const key = model.stateKey?.(imagined.nextState);
          if (key !== undefined) {
            const known = bestGained.get(key);
            if (known !== undefined && known >= gained - 1e-12) {
              record(first, score, line);
              continue;
            }
            bestGained.set(key, gained);
          }
          const actions = request.fixedActions
            ? rootActions
            : (this.options.actions?.(imagined, rootActions) ?? (imagined.actions.length > 0 ? imagined.actions : rootActions));
          next.push({ state: imagined.nextState, first, line, gained, discount, actions, score });
        }
      }
      if (next.length > this.beamWidth) {
        next.sort((left, right) => right.score - left.score);
        for (let pruned = this.beamWidth; pruned < next.length; pruned++) record(next[pruned]!.first, next[pruned]!.score, next[pruned]!.line);
        next.length = this.beamWidth;
      }
      layer = next;
    }
    const best = randomArgmax(values, request.random);
    const chosen = best >= 0 ? best : Math.floor(request.random() * rootActions.length);
    const estimates: ActionEstimate<Act>[] = rootActions.map((action, index) => ({ action, value: Number.isFinite(values[index]!) ? values[index]! : 0, visits: visits[index]! }));
    return { action: rootActions[chosen]!, value: estimates[chosen]!.value, imaginedSteps: steps, line: lines[chosen]!, estimates };
  }
}
