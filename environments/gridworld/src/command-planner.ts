// Plans text commands ("go to the red ball") into primitive actions with a breadth-first search
// over what the agent has seen: targets must have been seen this episode, routes use seen cells only.
import { colorNames } from './color.js';
import { DoorState, doorStateNames } from './door-state.js';
import { dropOption } from './drop-option.js';
import type { GridSituation } from './grid-situation.js';
import type { ObjectDescription } from './object-description.js';
import { describeObject, matchesDescription } from './object-description.js';
import { ObjectType } from './object-type.js';
import type { CommandVerb } from './parse-action.js';
import { PathSearch } from './path-search.js';
import { PrimitiveAction } from './primitive-action.js';

/** The turns before the drop for each `dropOption`: none, left, right, right twice. */
const dropTurns: readonly (readonly number[])[] = [[], [PrimitiveAction.left], [PrimitiveAction.right], [PrimitiveAction.right, PrimitiveAction.right]];

/** A planned command: the primitive actions to run, or why it cannot be carried out now. */
export type CommandPlan = { readonly ok: true; readonly actions: readonly number[] } | { readonly ok: false; readonly reason: string };

/**
 * Plans text commands for one situation. Targets are objects and doors the agent has seen this
 * episode; routes go through seen cells only and open closed doors on the way (a toggle each);
 * locked doors and objects block them. When several seen objects match, the nearest is used.
 */
export class CommandPlanner {
  private readonly situation: GridSituation;

  constructor(situation: GridSituation) {
    this.situation = situation;
  }

  /**
   * Plans `verb` on the objects matching `target`; when it cannot be carried out, says why (for a
   * missing route, what blocks it). `feasibleCommands` lists the commands this accepts without
   * planning each one; keep the two in step.
   */
  plan(verb: CommandVerb, target: ObjectDescription): CommandPlan {
    if (verb === 'put down') return this.planPutDown(target);
    const { layers, carriedType, carriedColor } = this.situation;
    const name = describeObject(target);
    const goals = this.seenMatching(target);
    if (goals.count === 0) return { ok: false, reason: `no ${name} is known; you have not seen one yet` };
    if (verb === 'pick up' && carriedType !== ObjectType.empty) {
      return { ok: false, reason: `you are already carrying a ${this.carriedName()}; put it down first` };
    }
    let finalAction = -1;
    if (verb === 'pick up') finalAction = PrimitiveAction.pickup;
    if (verb === 'open' || verb === 'unlock') {
      finalAction = PrimitiveAction.toggle;
      // Keep only the doors this command can change: closed ones (open), locked ones with their key.
      let usableCount = 0;
      let lockedColor = -1;
      for (let cell = 0; cell < goals.cells.length; cell++) {
        if (goals.cells[cell] === 0) continue;
        const doorState = layers.states[cell]!;
        const hasKey = carriedType === ObjectType.key && carriedColor === layers.colors[cell];
        if (doorState === DoorState.locked && !hasKey) lockedColor = layers.colors[cell]!;
        const usable = doorState === DoorState.locked ? hasKey : verb === 'open' && doorState === DoorState.closed;
        if (usable) usableCount++;
        else goals.cells[cell] = 0;
      }
      if (usableCount === 0) {
        if (lockedColor >= 0) {
          const color = colorNames[lockedColor];
          return { ok: false, reason: `the ${color} door is locked; you need to carry a ${color} key to ${verb} it` };
        }
        return { ok: false, reason: verb === 'open' ? `the ${name} is already open` : `the ${name} is not locked` };
      }
    }
    const search = new PathSearch(this.situation, { knownOnly: true, stopAtGoals: goals.cells });
    const state = search.nearestFacing(goals.cells);
    if (state < 0) return { ok: false, reason: this.explainNoRoute(goals.cells, name) };
    const { actions } = search.pathTo(state);
    if (finalAction >= 0) actions.push(finalAction);
    else if (actions.length === 0) return { ok: false, reason: `you are already facing the ${name}` };
    return { ok: true, actions };
  }

  private planPutDown(target: ObjectDescription): CommandPlan {
    const { carriedType, carriedColor } = this.situation;
    if (carriedType === ObjectType.empty) return { ok: false, reason: 'you are not carrying anything' };
    if (carriedType !== target.type || (target.color >= 0 && target.color !== carriedColor)) {
      return { ok: false, reason: `you are carrying a ${this.carriedName()}, not a ${describeObject(target)}` };
    }
    const option = dropOption(this.situation);
    if (option < 0) return { ok: false, reason: `there is no free floor next to you to put the ${this.carriedName()} on` };
    return { ok: true, actions: [...dropTurns[option]!, PrimitiveAction.drop] };
  }

  private explainNoRoute(goals: Uint8Array, name: string): string {
    const { layers } = this.situation;
    const throughLocked = new PathSearch(this.situation, { knownOnly: true, lockedDoorsPassable: true });
    let state = throughLocked.nearestFacing(goals);
    if (state < 0) {
      const throughAll = new PathSearch(this.situation, { knownOnly: true, lockedDoorsPassable: true, objectsPassable: true });
      state = throughAll.nearestFacing(goals);
      if (state < 0) return `no known way to the ${name}; explore to find one`;
      const obstacle = throughAll.firstObstacleTo(state);
      if (obstacle >= 0) return `the way to the ${name} is blocked by ${this.cellName(obstacle)}`;
      return `no known way to the ${name}; explore to find one`;
    }
    const obstacle = throughLocked.firstObstacleTo(state);
    if (obstacle >= 0 && layers.types[obstacle] === ObjectType.door) {
      return `the way to the ${name} is blocked by the locked ${colorNames[layers.colors[obstacle]!]} door`;
    }
    return `no known way to the ${name}; explore to find one`;
  }

  private cellName(cell: number): string {
    const { types, colors, states } = this.situation.layers;
    const name = describeObject({ type: types[cell]!, color: colors[cell]! });
    return types[cell] === ObjectType.door ? `the ${doorStateNames[states[cell]!]} ${name}` : `the ${name}`;
  }

  private carriedName(): string {
    return describeObject({ type: this.situation.carriedType, color: this.situation.carriedColor });
  }

  private seenMatching(target: ObjectDescription): { cells: Uint8Array; count: number } {
    const { layers, seenAt, stepCount } = this.situation;
    const cells = new Uint8Array(layers.types.length);
    let count = 0;
    for (let cell = 0; cell < cells.length; cell++) {
      if (seenAt[cell]! <= stepCount && matchesDescription(layers, cell, target)) {
        cells[cell] = 1;
        count++;
      }
    }
    return { cells, count };
  }
}
