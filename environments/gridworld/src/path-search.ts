// Breadth-first search over agent poses (cell, heading) with primitive actions as unit-cost edges.
// Passing a closed door costs its toggle: a pose "door in front just opened" sits between the two.
import { DoorState } from './door-state.js';
import { directionDeltaX, directionDeltaY } from './direction.js';
import type { GridSituation } from './grid-situation.js';
import { ObjectType } from './object-type.js';
import { PrimitiveAction } from './primitive-action.js';

/** What the search may pass through. */
export interface PathSearchOptions {
  /** Step only into cells the agent has seen (text commands); the expert knows the whole grid. */
  readonly knownOnly: boolean;
  /** Treat locked doors like closed ones, to find which locked door blocks a route. */
  readonly lockedDoorsPassable?: boolean;
  /** Treat keys, balls and boxes as walkable, to find which object blocks a route. */
  readonly objectsPassable?: boolean;
}

/** A route found by the search: primitive action codes and the pose after each of them. */
export interface PlannedPath {
  /** `PrimitiveAction` codes. */
  readonly actions: number[];
  /** Pose after each action, as `cell * 4 + direction`. */
  readonly poses: number[];
}

/**
 * All poses reachable from the agent's, with their distance in primitive steps. State
 * `((cell * 4 + direction) * 2 + justToggled)`. Runs the whole search in the constructor
 * (a few thousand states on BabyAI grids), then answers any number of goal queries.
 */
export class PathSearch {
  /** Primitive steps to reach each state, -1 when unreachable. */
  readonly distance: Int32Array;
  private readonly previous: Int32Array;
  private readonly situation: GridSituation;
  private readonly startState: number;
  private facingDistance: Int32Array | undefined;
  private facingState: Int32Array | undefined;

  constructor(situation: GridSituation, options: PathSearchOptions) {
    this.situation = situation;
    const { layers, seenAt, stepCount } = situation;
    const { width, height, types, states } = layers;
    const stateCount = width * height * 8;
    const distance = new Int32Array(stateCount).fill(-1);
    const previous = new Int32Array(stateCount).fill(-1);
    const queue = new Int32Array(stateCount);
    const knownOnly = options.knownOnly;
    const lockedPassable = options.lockedDoorsPassable === true;
    const objectsPassable = options.objectsPassable === true;
    const start = ((situation.agentY * width + situation.agentX) * 4 + situation.agentDirection) * 2;
    this.startState = start;
    distance[start] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    const visit = (from: number, to: number): void => {
      if (distance[to] !== -1) return;
      distance[to] = distance[from]! + 1;
      previous[to] = from;
      queue[tail++] = to;
    };
    while (head < tail) {
      const state = queue[head++]!;
      const toggled = state & 1;
      const direction = (state >> 1) & 3;
      const cell = state >> 3;
      const frontX = (cell % width) + directionDeltaX[direction]!;
      const frontY = Math.floor(cell / width) + directionDeltaY[direction]!;
      const inside = frontX >= 0 && frontY >= 0 && frontX < width && frontY < height;
      const front = frontY * width + frontX;
      if (toggled === 1) {
        visit(state, front * 8 + direction * 2);
        continue;
      }
      visit(state, (cell * 4 + ((direction + 3) & 3)) * 2);
      visit(state, (cell * 4 + ((direction + 1) & 3)) * 2);
      if (!inside || (knownOnly && seenAt[front]! > stepCount)) continue;
      const type = types[front]!;
      if (type === ObjectType.empty || type === ObjectType.goal) {
        visit(state, front * 8 + direction * 2);
      } else if (type === ObjectType.door) {
        const doorState = states[front]!;
        if (doorState === DoorState.open) visit(state, front * 8 + direction * 2);
        else if (doorState === DoorState.closed || lockedPassable) visit(state, state | 1);
      } else if (objectsPassable && type !== ObjectType.wall) {
        visit(state, front * 8 + direction * 2);
      }
    }
    this.distance = distance;
    this.previous = previous;
  }

  /** The grid index of the cell in front of the pose of `state`, or -1 outside the grid. */
  frontOf(state: number): number {
    const { width, height } = this.situation.layers;
    const direction = (state >> 1) & 3;
    const cell = state >> 3;
    const frontX = (cell % width) + directionDeltaX[direction]!;
    const frontY = Math.floor(cell / width) + directionDeltaY[direction]!;
    return frontX >= 0 && frontY >= 0 && frontX < width && frontY < height ? frontY * width + frontX : -1;
  }

  /**
   * The nearest reachable state facing one of the cells where `goalCells[cell]` is non-zero, or -1.
   * Ties go to the lowest cell index, so the answer is deterministic.
   */
  nearestFacing(goalCells: Uint8Array): number {
    this.computeFacing();
    const facingDistance = this.facingDistance!;
    let best = -1;
    let bestDistance = 0x7fffffff;
    for (let cell = 0; cell < goalCells.length; cell++) {
      if (goalCells[cell] === 0) continue;
      const distance = facingDistance[cell]!;
      if (distance >= 0 && distance < bestDistance) {
        bestDistance = distance;
        best = this.facingState![cell]!;
      }
    }
    return best;
  }

  /** Reachable plain (not mid-toggle) states whose front cell passes `accept`, nearest first. */
  statesFacing(accept: (front: number) => boolean): number[] {
    const found: number[] = [];
    const distance = this.distance;
    for (let state = 0; state < distance.length; state += 2) {
      if (distance[state]! < 0) continue;
      const front = this.frontOf(state);
      if (front >= 0 && accept(front)) found.push(state);
    }
    return found.sort((first, second) => distance[first]! - distance[second]! || first - second);
  }

  /** The states from the start (excluded) to `state` (included). */
  statesTo(state: number): number[] {
    const route: number[] = [];
    for (let current = state; current !== this.startState; current = this.previous[current]!) {
      if (current < 0) throw new Error(`PathSearch.statesTo: state ${state} is unreachable`);
      route.push(current);
    }
    return route.reverse();
  }

  /** The primitive actions leading to `state`, with the pose after each. */
  pathTo(state: number): PlannedPath {
    const actions: number[] = [];
    const poses: number[] = [];
    let from = this.startState;
    for (const to of this.statesTo(state)) {
      if ((to & 1) === 1) actions.push(PrimitiveAction.toggle);
      else if (to >> 3 !== from >> 3) actions.push(PrimitiveAction.forward);
      else actions.push((((from >> 1) & 3) + 1) % 4 === ((to >> 1) & 3) ? PrimitiveAction.right : PrimitiveAction.left);
      poses.push(to >> 1);
      from = to;
    }
    return { actions, poses };
  }

  /**
   * The first cell on the route to `state` that only a relaxed search could pass: a locked door
   * (toggled through) or an object (walked through); -1 when there is none.
   */
  firstObstacleTo(state: number): number {
    const { types, states } = this.situation.layers;
    let from = this.startState;
    for (const to of this.statesTo(state)) {
      if ((to & 1) === 1) {
        const door = this.frontOf(from);
        if (states[door] === DoorState.locked) return door;
      } else if ((from & 1) === 0 && to >> 3 !== from >> 3) {
        const type = types[to >> 3]!;
        if (type === ObjectType.key || type === ObjectType.ball || type === ObjectType.box) return to >> 3;
      }
      from = to;
    }
    return -1;
  }

  private computeFacing(): void {
    if (this.facingDistance) return;
    const cellCount = this.situation.layers.width * this.situation.layers.height;
    const facingDistance = new Int32Array(cellCount).fill(-1);
    const facingState = new Int32Array(cellCount).fill(-1);
    const distance = this.distance;
    for (let state = 0; state < distance.length; state += 2) {
      const reached = distance[state]!;
      if (reached < 0) continue;
      const front = this.frontOf(state);
      if (front < 0) continue;
      const known = facingDistance[front]!;
      if (known < 0 || reached < known) {
        facingDistance[front] = reached;
        facingState[front] = state;
      }
    }
    this.facingDistance = facingDistance;
    this.facingState = facingState;
  }
}
