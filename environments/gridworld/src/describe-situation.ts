// Writes what the agent perceives in plain English: mission, heading, hands, what lies ahead,
// each visible object with its offset, and objects seen earlier that are now out of view.
import { AgentView, viewSize } from './agent-view.js';
import { cellName } from './cell-name.js';
import { DoorState } from './door-state.js';
import { directionDeltaX, directionDeltaY, directionNames } from './direction.js';
import type { GridSituation } from './grid-situation.js';
import type { ObjectCells } from './object-cells.js';
import { describeObject } from './object-description.js';
import { ObjectType } from './object-type.js';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Where a cell `ahead` rows forward and `right` columns to the right lies, in words. */
function relativePlace(ahead: number, right: number): string {
  const side = right === 0 ? '' : `${Math.abs(right)} to the ${right < 0 ? 'left' : 'right'}`;
  if (ahead === 0) return `${Math.abs(right)} to your ${right < 0 ? 'left' : 'right'}`;
  if (ahead === 1 && right === 0) return 'directly in front of you';
  const forward = `${plural(ahead, 'step')} ahead`;
  return side === '' ? forward : `${forward} and ${side}`;
}

function aheadOf(viewIndex: number): number {
  return viewSize - 1 - Math.floor(viewIndex / viewSize);
}

function rightOf(viewIndex: number): number {
  return (viewIndex % viewSize) - 3;
}

/** `relativePlace` of each view cell. */
const viewPlaces: readonly string[] = Array.from({ length: viewSize * viewSize }, (_, viewIndex) => relativePlace(aheadOf(viewIndex), rightOf(viewIndex)));

/**
 * View cells other than the agent's, in the order sightings are listed: nearest first (steps
 * ahead plus steps aside), then fewer steps ahead, then left before right.
 */
const sightingOrder: readonly number[] = Array.from({ length: viewSize * viewSize }, (_, viewIndex) => viewIndex)
  .filter((viewIndex) => aheadOf(viewIndex) !== 0 || rightOf(viewIndex) !== 0)
  .sort((first, second) => {
    const firstAhead = aheadOf(first);
    const secondAhead = aheadOf(second);
    const firstRight = rightOf(first);
    const secondRight = rightOf(second);
    return firstAhead + Math.abs(firstRight) - (secondAhead + Math.abs(secondRight)) || firstAhead - secondAhead || firstRight - secondRight;
  });

/** `east` cells east (negative: west) and `south` cells south (negative: north), in words. */
function offsetPhrase(east: number, south: number): string {
  const eastPhrase = east === 0 ? '' : `${Math.abs(east)} ${east > 0 ? 'east' : 'west'}`;
  if (south === 0) return eastPhrase;
  const southPhrase = `${Math.abs(south)} ${south > 0 ? 'south' : 'north'}`;
  return eastPhrase === '' ? southPhrase : `${eastPhrase} and ${southPhrase}`;
}

function isNoteworthy(type: number): boolean {
  return type !== ObjectType.empty && type !== ObjectType.wall;
}

/**
 * The observation text for `situation`. `view` is computed here for the situation's pose and
 * grid (it is scratch space the caller may reuse); `objects` must list the object and door cells
 * of the situation's grid. After a step the heading line ends with "Step N of M.", `maxSteps`
 * being the episode's budget (the level's limit, or the caller's when smaller). The first
 * observation (step 0) leaves that out: it describes the level alone, the same whatever budget the
 * episode runs under, so episodes of one task start alike (preference pairs, shared prompts) and
 * recordings made under different budgets still pair up. Policies learn the budget from the
 * harness (the agent's prompt states it) or from `info.maxSteps` of the reset.
 */
export function describeSituation(situation: GridSituation, missionText: string, maxSteps: number, view: AgentView, objects: ObjectCells): string {
  const { layers, seenAt, stepCount, agentX, agentY, agentDirection, carriedType, carriedColor } = situation;
  const { width, types, states } = layers;
  view.compute(layers, agentX, agentY, agentDirection);
  const cells = view.cells;
  const visible = view.visible;
  const carrying = carriedType === ObjectType.empty ? 'nothing' : `a ${describeObject({ type: carriedType, color: carriedColor })}`;
  let text = `Mission: ${missionText}.\nYou are facing ${directionNames[agentDirection]} and carrying ${carrying}.${stepCount === 0 ? '' : ` Step ${stepCount} of ${maxSteps}.`}\n`;

  // What lies straight ahead: free cells, then what stops the walk.
  let free = 0;
  let blocker = -1;
  for (let row = viewSize - 2; row >= 0; row--) {
    const viewIndex = row * viewSize + 3;
    const cell = cells[viewIndex]!;
    if (visible[viewIndex] === 0 || cell < 0) break;
    const type = types[cell]!;
    const passable = type === ObjectType.empty || type === ObjectType.goal || (type === ObjectType.door && states[cell] === DoorState.open);
    if (!passable || type !== ObjectType.empty) {
      blocker = cell;
      break;
    }
    free++;
  }
  if (free === 0 && blocker >= 0) text += `Directly in front of you: ${cellName(layers, blocker)}.`;
  else if (blocker >= 0) text += `Ahead of you: ${plural(free, 'free cell')}, then ${cellName(layers, blocker)}.`;
  else text += `Ahead of you: ${plural(free, 'free cell')} as far as you can see.`;

  let sightings = '';
  for (let order = 0; order < sightingOrder.length; order++) {
    const viewIndex = sightingOrder[order]!;
    const cell = cells[viewIndex]!;
    if (visible[viewIndex] === 0 || cell < 0 || !isNoteworthy(types[cell]!)) continue;
    sightings += `${sightings === '' ? '' : '; '}${cellName(layers, cell)} ${viewPlaces[viewIndex]}`;
  }
  text += sightings === '' ? '\nYou see no objects or doors, only floor and walls.' : `\nYou see: ${sightings}.`;

  // Seen objects out of view; a cell is in view when its view cell (by offset) is visible.
  const forwardX = directionDeltaX[agentDirection]!;
  const forwardY = directionDeltaY[agentDirection]!;
  const rightX = directionDeltaX[(agentDirection + 1) & 3]!;
  const rightY = directionDeltaY[(agentDirection + 1) & 3]!;
  let remembered = '';
  const objectCells = objects.cells;
  for (let index = 0; index < objects.count; index++) {
    const cell = objectCells[index]!;
    if (seenAt[cell]! > stepCount) continue;
    const east = (cell % width) - agentX;
    const south = Math.floor(cell / width) - agentY;
    const ahead = east * forwardX + south * forwardY;
    const right = east * rightX + south * rightY;
    if (ahead >= 0 && ahead < viewSize && right >= -3 && right <= 3 && visible[(viewSize - 1 - ahead) * viewSize + right + 3] === 1) continue;
    remembered += `${remembered === '' ? '' : '; '}${cellName(layers, cell)} ${offsetPhrase(east, south)} of you`;
  }
  if (remembered !== '') text += `\nYou remember, out of view: ${remembered}.`;
  return text;
}
