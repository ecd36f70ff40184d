// Lists the text commands that would succeed now, deciding every candidate from one `CommandReach`
// instead of planning a route per candidate. Must list exactly what `CommandPlanner.plan` accepts.
import type { CommandReach } from './command-reach.js';
import { directionDeltaX, directionDeltaY } from './direction.js';
import { DoorState } from './door-state.js';
import { dropOption } from './drop-option.js';
import type { GridSituation } from './grid-situation.js';
import type { ObjectCells } from './object-cells.js';
import { describeObject } from './object-description.js';
import { ObjectType, isPickable } from './object-type.js';

/** Kinds of object as `type * 8 + color` (types below 8, colours below 8). */
const kindCount = 64;
const goToCommands: (string | undefined)[] = new Array<string | undefined>(kindCount);
const pickUpCommands: (string | undefined)[] = new Array<string | undefined>(kindCount);
const openCommands: (string | undefined)[] = new Array<string | undefined>(kindCount);
const putDownCommands: (string | undefined)[] = new Array<string | undefined>(kindCount);

function objectName(kind: number): string {
  return describeObject({ type: kind >> 3, color: kind & 7 });
}

/** Per kind: 1 seen, 2 some seen one can be faced, 4 some seen door of it can be opened and faced. */
const kindFlags = new Uint8Array(kindCount);
const seenKinds = new Int32Array(kindCount);
const seenFlag = 1;
const facedFlag = 2;
const openableFlag = 4;

/**
 * The text commands feasible in `situation`, one per kind (type and colour) of seen object, in the
 * order the kinds first appear in the grid: `go to the X` (a seen X can be faced, and the agent
 * does not face one already), `pick up the X` (hands empty, a seen X can be faced), `open the X
 * door` (a seen door of that colour that is closed, or locked with its key in hand, can be faced);
 * then `put down the X` for the carried X when a seen free cell is next to the agent. `reach`
 * must have been computed for `situation`, and `objects` list its grid's object and door cells.
 */
export function feasibleCommands(situation: GridSituation, reach: CommandReach, objects: ObjectCells): string[] {
  const { layers, seenAt, stepCount, agentX, agentY, agentDirection, carriedType, carriedColor } = situation;
  const { width, height, types, colors, states } = layers;
  const facing = reach.facing;
  const objectCells = objects.cells;
  let kindsSeen = 0;
  for (let index = 0; index < objects.count; index++) {
    const cell = objectCells[index]!;
    if (seenAt[cell]! > stepCount) continue;
    const type = types[cell]!;
    const color = colors[cell]!;
    const kind = type * 8 + color;
    let flags = kindFlags[kind]!;
    if (flags === 0) {
      flags = seenFlag;
      seenKinds[kindsSeen++] = kind;
    }
    if (facing[cell] === 1) {
      flags |= facedFlag;
      if (type === ObjectType.door) {
        const state = states[cell]!;
        const usable = state === DoorState.closed || (state === DoorState.locked && carriedType === ObjectType.key && carriedColor === color);
        if (usable) flags |= openableFlag;
      }
    }
    kindFlags[kind] = flags;
  }
  // "go to" refuses when a matching object is already in front: the nearest route is empty.
  let frontKind = -1;
  const frontX = agentX + directionDeltaX[agentDirection]!;
  const frontY = agentY + directionDeltaY[agentDirection]!;
  if (frontX >= 0 && frontY >= 0 && frontX < width && frontY < height) {
    const front = frontY * width + frontX;
    if (seenAt[front]! <= stepCount) frontKind = types[front]! * 8 + colors[front]!;
  }
  const commands: string[] = [];
  const handsEmpty = carriedType === ObjectType.empty;
  for (let index = 0; index < kindsSeen; index++) {
    const kind = seenKinds[index]!;
    const flags = kindFlags[kind]!;
    kindFlags[kind] = 0;
    if ((flags & facedFlag) === 0) continue;
    if (kind !== frontKind) commands.push((goToCommands[kind] ??= `go to the ${objectName(kind)}`));
    const type = kind >> 3;
    if (handsEmpty && isPickable(type)) commands.push((pickUpCommands[kind] ??= `pick up the ${objectName(kind)}`));
    if ((flags & openableFlag) !== 0) commands.push((openCommands[kind] ??= `open the ${objectName(kind)}`));
  }
  if (!handsEmpty && dropOption(situation) >= 0) {
    const kind = carriedType * 8 + carriedColor;
    commands.push((putDownCommands[kind] ??= `put down the ${objectName(kind)}`));
  }
  return commands;
}
