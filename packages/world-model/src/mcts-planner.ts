// Monte Carlo tree search (UCT) over a world model with a budget of imagined steps: each iteration
// walks down the tree by UCB1, imagines one new action, rolls out at random from there, and backs
// the discounted return up the path. Treats the model as deterministic (one outcome per action),
// which holds for simulators and for the modal predictions of learned models.
import { InvalidActionError } from '@worldloop/spec';
import type { Imagination, ImaginingWorldModel } from './imagining-world-model.js';
import type { ActionEstimate, Plan, Planner, PlannerSearchOptions, PlanRequest } from './planner.js';
import { randomArgmax } from './random-argmax.js';
import { shuffledIndices } from './shuffled-indices.js';

/** Options of an {@link MctsPlanner} (discount default 0.97). */
export interface MctsPlannerOptions<State, Act = string> extends PlannerSearchOptions<State, Act> {
  /** Imagined steps per plan, tree and rollouts together (default 2,000). */
  readonly budget?: number;
  /** Imagined steps of a rollout after the tree (default 20). */
  readonly rolloutDepth?: number;
  /** Deepest tree node (default 50). */
  readonly maxDepth?: number;
  /** UCB1 exploration constant (default 1; returns are expected in about 0..1). */
  readonly exploration?: number;
  /** The rollout's choice among `actions` (default uniform). */
  readonly rolloutAction?: (actions: readonly Act[], random: () => number, state: State) => Act;
}

interface TreeNode<State, Act> {
  readonly state: State;
  readonly actions: readonly Act[];
  readonly edges: (TreeEdge<State, Act> | undefined)[];
  /** Indices of actions not tried yet, in the order they will be. */
  readonly untried: number[];
  visits: number;
}

interface TreeEdge<State, Act> {
  readonly action: Act;
  /** Reward of the step, bonus included. */
  readonly reward: number;
  /** The step ended the episode (or the model knows nothing beyond it). */
  readonly ended: boolean;
  readonly child: TreeNode<State, Act> | undefined;
  visits: number;
  returnSum: number;
}

/**
 * UCT. The chosen action is the root's most visited (ties: higher mean return). Each plan starts a
 * fresh tree; the budget bounds the model calls, so the cost per decision is the budget times the
 * cost of one imagined step.
 */
export class MctsPlanner<State, Act = string> implements Planner<State, Act> {
  readonly name = 'mcts';
  private readonly budget: number;
  private readonly rolloutDepth: number;
  private readonly maxDepth: number;
  private readonly exploration: number;
  private readonly discount: number;

  constructor(private readonly options: MctsPlannerOptions<State, Act> = {}) {
    this.budget = options.budget ?? 2000;
    this.rolloutDepth = options.rolloutDepth ?? 20;
    this.maxDepth = options.maxDepth ?? 50;
    this.exploration = options.exploration ?? 1;
    this.discount = options.discount ?? 0.97;
  }

  async plan(model: ImaginingWorldModel<State, Act>, request: PlanRequest<State, Act>): Promise<Plan<Act>> {
    if (request.actions.length === 0) throw new RangeError('MctsPlanner.plan needs at least one action to choose among.');
    const random = request.random;
    const rootActions = request.actions;
    const root = this.node(request.state, rootActions, random);
    const signal = request.signal ? { signal: request.signal } : {};
    let steps = 0;
    // Iterations that reach an ended edge cost no model call; bound them too.
    for (let iteration = 0; steps < this.budget && iteration < 2 * this.budget && !request.signal?.aborted; iteration++) {
      const path: TreeEdge<State, Act>[] = [];
      const nodes: TreeNode<State, Act>[] = [];
      let node = root;
      let tail = 0;
      for (let depth = 0; ; depth++) {
        nodes.push(node);
        const untried = node.untried.pop();
        if (untried !== undefined) {
          const action = node.actions[untried]!;
          const imagined = await imagineOrRefuse(model, node.state, action, signal);
          steps++;
          if (imagined === undefined) {
            // Refused by the model: a dead end worth nothing.
            const edge: TreeEdge<State, Act> = { action, reward: 0, ended: true, child: undefined, visits: 0, returnSum: 0 };
            node.edges[untried] = edge;
            path.push(edge);
            break;
          }
          const ended = isEnd(imagined);
          const edge: TreeEdge<State, Act> = {
            action,
            reward: (imagined.prediction.reward ?? 0) + (this.options.bonus?.(node.state, action, imagined.evidence) ?? 0),
            ended,
            child: ended ? undefined : this.node(imagined.nextState, this.actionsAfter(imagined, rootActions, request), random),
            visits: 0,
            returnSum: 0,
          };
          node.edges[untried] = edge;
          path.push(edge);
          if (edge.child) {
            const rollout = await this.rollout(model, edge.child, request, this.budget - steps);
            steps += rollout.steps;
            tail = rollout.value;
          }
          break;
        }
        const edge = this.select(node, random);
        path.push(edge);
        if (edge.ended || edge.child === undefined) break;
        node = edge.child;
        if (depth + 1 >= this.maxDepth) {
          tail = this.options.leafValue?.(node.state) ?? 0;
          nodes.push(node);
          break;
        }
      }
      let value = tail;
      for (let index = path.length - 1; index >= 0; index--) {
        const edge = path[index]!;
        value = edge.reward + this.discount * value;
        edge.visits++;
        edge.returnSum += value;
        nodes[index]!.visits++;
      }
    }
    const estimates: ActionEstimate<Act>[] = rootActions.map((action, index) => {
      const edge = root.edges[index];
      return { action, value: edge && edge.visits > 0 ? edge.returnSum / edge.visits : 0, visits: edge?.visits ?? 0 };
    });
    const chosen = randomArgmax(estimates.map((estimate) => estimate.visits + estimate.value / (1 + Math.abs(estimate.value)) / 2), random);
    return { action: rootActions[chosen]!, value: estimates[chosen]!.value, imaginedSteps: steps, line: principalLine(root, chosen), estimates };
  }

  private node(state: State, actions: readonly Act[], random: () => number): TreeNode<State, Act> {
    return { state, actions, edges: new Array(actions.length), untried: shuffledIndices(actions.length, random), visits: 0 };
  }

  private actionsAfter(imagined: Imagination<State, Act>, rootActions: readonly Act[], request: PlanRequest<State, Act>): readonly Act[] {
    if (request.fixedActions) return rootActions;
    if (this.options.actions) return this.options.actions(imagined, rootActions);
    const actions = imagined.actions;
    return actions.length > 0 ? actions : rootActions;
  }

  /** UCB1 over the node's edges (all tried by now). */
  private select(node: TreeNode<State, Act>, random: () => number): TreeEdge<State, Act> {
    const logVisits = Math.log(Math.max(1, node.visits));
    const scores = node.edges.map((edge) => (edge!.visits === 0 ? Number.POSITIVE_INFINITY : edge!.returnSum / edge!.visits + this.exploration * Math.sqrt(logVisits / edge!.visits)));
    return node.edges[randomArgmax(scores, random)]!;
  }

  /** Random play from `node` for up to `rolloutDepth` steps (and no more than `budget`). */
  private async rollout(model: ImaginingWorldModel<State, Act>, node: TreeNode<State, Act>, request: PlanRequest<State, Act>, budget: number): Promise<{ value: number; steps: number }> {
    const random = request.random;
    const rootActions = request.actions;
    const signal = request.signal ? { signal: request.signal } : {};
    let state = node.state;
    let actions = node.actions;
    let value = 0;
    let discount = 1;
    let steps = 0;
    const choose = this.options.rolloutAction ?? ((choices: readonly Act[], draw: () => number) => choices[Math.floor(draw() * choices.length)]!);
    const depth = Math.min(this.rolloutDepth, budget);
    if (model.rollout !== undefined && this.options.bonus === undefined && this.options.leafValue === undefined && this.options.rolloutAction === undefined && depth > 0) {
      // Nothing needs the states in between: let the model roll out on its fast path.
      const rollout = await model.rollout(state, (choices) => choose(request.fixedActions ? rootActions : choices, random, state), depth, signal);
      for (const reward of rollout.rewards) {
        value += discount * reward;
        discount *= this.discount;
      }
      // A refused action was a model call too: it counts against the budget.
      return { value, steps: rollout.rewards.length + (rollout.refused === true ? 1 : 0) };
    }
    for (; steps < depth; ) {
      if (actions.length === 0) break;
      const action = choose(actions, random, state);
      const imagined = await imagineOrRefuse(model, state, action, signal);
      steps++;
      if (imagined === undefined) break;
      value += discount * ((imagined.prediction.reward ?? 0) + (this.options.bonus?.(state, action, imagined.evidence) ?? 0));
      discount *= this.discount;
      if (isEnd(imagined)) return { value, steps };
      state = imagined.nextState;
      actions = this.actionsAfter(imagined, rootActions, request);
    }
    return { value: value + discount * (this.options.leafValue?.(state) ?? 0), steps };
  }
}

/** `model.imagine`, or undefined when the model refuses the action (`InvalidActionError`). */
async function imagineOrRefuse<State, Act>(model: ImaginingWorldModel<State, Act>, state: State, action: Act, signal: { signal?: AbortSignal }): Promise<Imagination<State, Act> | undefined> {
  try {
    return await model.imagine(state, action, signal);
  } catch (error) {
    if (error instanceof InvalidActionError) return undefined;
    throw error;
  }
}

function isEnd(imagined: Imagination<unknown, unknown>): boolean {
  return imagined.prediction.terminated === true || imagined.truncated === true || imagined.evidence === 0;
}

/** The most visited line from the root, starting with root action `first`. */
function principalLine<State, Act>(root: TreeNode<State, Act>, first: number): Act[] {
  const line: Act[] = [];
  let edge = root.edges[first];
  while (edge !== undefined) {
    line.push(edge.action);
    const child: TreeNode<State, Act> | undefined = edge.child;
    if (child === undefined || child.visits === 0) break;
    let best: TreeEdge<State, Act> | undefined;
    for (const candidate of child.edges) if (candidate && (best === undefined || candidate.visits > best.visits)) best = candidate;
    edge = best;
  }
  return line;
}
