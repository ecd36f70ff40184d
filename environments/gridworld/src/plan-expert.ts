// The expert's planner: BabyAI-bot-like subgoals over the true grid (full knowledge). Reach the
// target; if a locked door is in the way, fetch its key and unlock it; if an object is, move it.
import { canReachNextTo } from './can-reach-next-to.js';
import { DoorState } from './door-state.js';
import type { GridSituation } from './grid-situation.js';
import type { Mission } from './mission.js';
import { matchesDescription } from './object-description.js';
import { ObjectType } from './object-type.js';
import type { PlannedPath } from './path-search.js';
import { PathSearch } from './path-search.js';
import { PrimitiveAction } from './primitive-action.js';

/**
 * The next stretch of primitive actions towards completing `mission` from `situation`, or
 * undefined when the target cannot be reached at all. The stretch ends at a subgoal (key picked
 * up, door unlocked, object moved, target reached); call again afterwards for the next one.
 */
export function planExpert(situation: GridSituation, mission: Mission): PlannedPath | undefined {
  const { layers } = situation;
  const goals = new Uint8Array(layers.types.length);
  let goalCount = 0;
  for (let cell = 0; cell < goals.length; cell++) {
    if (matchesDescription(layers, cell, mission.target)) {
      goals[cell] = 1;
      goalCount++;
    }
  }
  if (goalCount === 0) return undefined;
  const search = new PathSearch(situation, { knownOnly: false });
  const state = search.nearestFacing(goals);
  if (state >= 0) {
    const path = search.pathTo(state);
    if (mission.kind === 'go-to') {
      if (path.actions.length === 0) append(path, PrimitiveAction.done, situation);
      return path;
    }
    if (mission.kind === 'pick-up') {
      // Hands full (a key after unlocking, a moved obstacle): put it down where it blocks nothing.
      if (situation.carriedType !== ObjectType.empty) return planDrop(situation, goals);
      return append(path, PrimitiveAction.pickup, situation);
    }
    const door = search.frontOf(state);
    const doorState = layers.states[door]!;
    if (doorState === DoorState.locked && !(situation.carriedType === ObjectType.key && situation.carriedColor === layers.colors[door])) {
      return planUnlock(situation, search, door);
    }
    if (doorState === DoorState.open) append(path, PrimitiveAction.toggle, situation);
    return append(path, PrimitiveAction.toggle, situation);
  }
  // No route: find what blocks it, first assuming locked doors away, then objects too.
  const throughLocked = new PathSearch(situation, { knownOnly: false, lockedDoorsPassable: true });
  const lockedState = throughLocked.nearestFacing(goals);
  if (lockedState >= 0) {
    const door = throughLocked.firstObstacleTo(lockedState);
    if (door >= 0) return planUnlock(situation, search, door);
  }
  const throughAll = new PathSearch(situation, { knownOnly: false, lockedDoorsPassable: true, objectsPassable: true });
  const looseState = throughAll.nearestFacing(goals);
  if (looseState < 0) return undefined;
  const obstacle = throughAll.firstObstacleTo(looseState);
  if (obstacle < 0) return undefined;
  if (layers.types[obstacle] === ObjectType.door) return planUnlock(situation, search, obstacle);
  const obstacleCells = new Uint8Array(goals.length);
  obstacleCells[obstacle] = 1;
  if (situation.carriedType !== ObjectType.empty) return planDrop(situation, obstacleCells);
  const facing = search.nearestFacing(obstacleCells);
  return facing < 0 ? undefined : append(search.pathTo(facing), PrimitiveAction.pickup, situation);
}

/** Unlock `door`: with its key in hand go and toggle it; otherwise free the hands and fetch the key. */
function planUnlock(situation: GridSituation, search: PathSearch, door: number): PlannedPath | undefined {
  const { layers } = situation;
  const color = layers.colors[door]!;
  if (situation.carriedType === ObjectType.key && situation.carriedColor === color) {
    const doorCells = new Uint8Array(layers.types.length);
    doorCells[door] = 1;
    const state = search.nearestFacing(doorCells);
    return state < 0 ? undefined : append(search.pathTo(state), PrimitiveAction.toggle, situation);
  }
  const keyCells = new Uint8Array(layers.types.length);
  for (let cell = 0; cell < keyCells.length; cell++) {
    if (layers.types[cell] === ObjectType.key && layers.colors[cell] === color) keyCells[cell] = 1;
  }
  if (situation.carriedType !== ObjectType.empty) {
    keyCells[door] = 1;
    return planDrop(situation, keyCells);
  }
  const state = search.nearestFacing(keyCells);
  return state < 0 ? undefined : append(search.pathTo(state), PrimitiveAction.pickup, situation);
}

/**
 * Drop the carried object on the nearest free floor cell from which a cell next to one of
 * `goals` can still be reached, so the drop never walls off what comes next.
 */
function planDrop(situation: GridSituation, goals: Uint8Array): PlannedPath | undefined {
  const { layers } = situation;
  const search = new PathSearch(situation, { knownOnly: false });
  const candidates = search.statesFacing((front) => layers.types[front] === ObjectType.empty && goals[front] === 0);
  for (const state of candidates) {
    if (canReachNextTo(layers, state >> 3, goals, search.frontOf(state))) {
      return append(search.pathTo(state), PrimitiveAction.drop, situation);
    }
  }
  return undefined;
}

function append(path: PlannedPath, action: number, situation: GridSituation): PlannedPath {
  const pose = path.poses.length > 0 ? path.poses[path.poses.length - 1]! : (situation.agentY * situation.layers.width + situation.agentX) * 4 + situation.agentDirection;
  path.actions.push(action);
  path.poses.push(pose);
  return path;
}
