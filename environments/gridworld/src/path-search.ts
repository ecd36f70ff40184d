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
  /**
   * Cells (non-zero entries) whose nearest facing state is all the caller wants: the search stops
   * once every state that near has been expanded. Then only `nearestFacing` of these cells and
   * `pathTo` / `statesTo` of its answer are meaningful; other distances may be missing.
   */
  readonly stopAtGoals?: Uint8Array;
}

/** A route found by the search: primitive action codes and the pose after each of them. */
export interface PlannedPath {
  /** `PrimitiveAction` codes. */
  readonly actions: number[];
  /** Pose after each action, as `cell * 4 + direction`. */
  readonly poses: number[];
}

/** The breadth-first queue, shared by all searches (each uses it only inside its constructor). */
let sharedQueue = new Int32Array(0);

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
  /** Per cell: the distance of the nearest plain state facing it (-1: none), and that state. */
  private readonly facingDistance: Int32Array;
  private readonly facingState: Int32Array;

  constructor(situation: GridSituation, options: PathSearchOptions) {
    this.situation = situation;
    const { layers, seenAt, stepCount } = situation;
    const { width, height, types, states } = layers;
    const cellCount = width * height;
    const stateCount = cellCount * 8;
    const distance = new Int32Array(stateCount).fill(-1);
    // Entries of unreached states are never read (statesTo checks `distance` first).
    const previous = new Int32Array(stateCount);
    const facingDistance = new Int32Array(cellCount).fill(-1);
    const facingState = new Int32Array(cellCount).fill(-1);
    if (sharedQueue.length < stateCount) sharedQueue = new Int32Array(stateCount);
    const queue = sharedQueue;
    const knownOnly = options.knownOnly;
    const lockedPassable = options.lockedDoorsPassable === true;
    const objectsPassable = options.objectsPassable === true;
    const stopAtGoals = options.stopAtGoals;
    let stopDistance = 0x7fffffff;
    const start = ((situation.agentY * width + situation.agentX) * 4 + situation.agentDirection) * 2;
    this.startState = start;
    distance[start] = 0;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const state = queue[head++]!;
      const reached = distance[state]!;
      if (reached > stopDistance) break;
      const nextDistance = reached + 1;
      const direction = (state >> 1) & 3;
      const cell = state >> 3;
      const x = cell % width;
      const frontX = x + directionDeltaX[direction]!;
      const frontY = (cell - x) / width + directionDeltaY[direction]!;
      const inside = frontX >= 0 && frontY >= 0 && frontX < width && frontY < height;
      const front = frontY * width + frontX;
      let next: number;
      if ((state & 1) === 1) {
        // Just toggled the door in front open: step into it.
        next = front * 8 + direction * 2;
        if (distance[next] === -1) {
          distance[next] = nextDistance;
          previous[next] = state;
          queue[tail++] = next;
        }
        continue;
      }
      // States leave the queue by distance, so the first state facing a cell is a nearest one;
      // among equally near ones the lowest state index wins.
      if (inside) {
        const known = facingDistance[front]!;
        if (known < 0) {
          facingDistance[front] = reached;
          facingState[front] = state;
          if (stopAtGoals !== undefined && stopAtGoals[front] !== 0 && reached < stopDistance) stopDistance = reached;
        } else if (known === reached && state < facingState[front]!) {
          facingState[front] = state;
        }
      }
      next = (cell * 4 + ((direction + 3) & 3)) * 2;
      if (distance[next] === -1) {
        distance[next] = nextDistance;
        previous[next] = state;
        queue[tail++] = next;
      }
      next = (cell * 4 + ((direction + 1) & 3)) * 2;
      if (distance[next] === -1) {
        distance[next] = nextDistance;
        previous[next] = state;
        queue[tail++] = next;
      }
      if (!inside || (knownOnly && seenAt[front]! > stepCount)) continue;
      const type = types[front]!;
      next = -1;
      if (type === ObjectType.empty || type === ObjectType.goal) {
        next = front * 8 + direction * 2;
      } else if (type === ObjectType.door) {
        const doorState = states[front]!;
        if (doorState === DoorState.open) next = front * 8 + direction * 2;
        else if (doorState === DoorState.closed || lockedPassable) next = state | 1;
      } else if (objectsPassable && type !== ObjectType.wall) {
        next = front * 8 + direction * 2;
      }
      if (next >= 0 && distance[next] === -1) {
        distance[next] = nextDistance;
        previous[next] = state;
        queue[tail++] = next;
      }
    }
    this.distance = distance;
    this.previous = previous;
    this.facingDistance = facingDistance;
    this.facingState = facingState;
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
    const facingDistance = this.facingDistance;
    let best = -1;
    let bestDistance = 0x7fffffff;
    for (let cell = 0; cell < goalCells.length; cell++) {
      if (goalCells[cell] === 0) continue;
      const distance = facingDistance[cell]!;
      if (distance >= 0 && distance < bestDistance) {
        bestDistance = distance;
        best = this.facingState[cell]!;
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
    if (!(this.distance[state]! >= 0)) throw new Error(`PathSearch.statesTo: state ${state} is unreachable`);
    const route: number[] = [];
    for (let current = state; current !== this.startState; current = this.previous[current]!) route.push(current);
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
}
