// Writes what the agent perceives in plain English: mission, heading, hands, what lies ahead,
// each visible object with its offset, and objects seen earlier that are now out of view.
import { AgentView, viewSize } from './agent-view.js';
import { cellName } from './cell-name.js';
import { DoorState } from './door-state.js';
import { directionNames } from './direction.js';
import type { GridSituation } from './grid-situation.js';
import { describeObject } from './object-description.js';
import { ObjectType } from './object-type.js';

interface Sighting {
  readonly cell: number;
  readonly ahead: number;
  readonly right: number;
}

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

function isNoteworthy(type: number): boolean {
  return type !== ObjectType.empty && type !== ObjectType.wall;
}

/**
 * The observation text for `situation`. `view` is computed here for the situation's pose and
 * grid (it is scratch space the caller may reuse).
 */
export function describeSituation(situation: GridSituation, missionText: string, maxSteps: number, view: AgentView): string {
  const { layers, seenAt, stepCount, agentX, agentY, agentDirection, carriedType, carriedColor } = situation;
  view.compute(layers, agentX, agentY, agentDirection);
  const lines: string[] = [`Mission: ${missionText}.`];
  const carrying = carriedType === ObjectType.empty ? 'nothing' : `a ${describeObject({ type: carriedType, color: carriedColor })}`;
  lines.push(`You are facing ${directionNames[agentDirection]} and carrying ${carrying}. Step ${stepCount} of ${maxSteps}.`);

  // What lies straight ahead: free cells, then what stops the walk.
  let free = 0;
  let blocker = -1;
  for (let row = viewSize - 2; row >= 0; row--) {
    const viewIndex = row * viewSize + 3;
    const cell = view.cells[viewIndex]!;
    if (view.visible[viewIndex] === 0 || cell < 0) break;
    const type = layers.types[cell]!;
    const passable = type === ObjectType.empty || type === ObjectType.goal || (type === ObjectType.door && layers.states[cell] === DoorState.open);
    if (!passable || type !== ObjectType.empty) {
      blocker = cell;
      break;
    }
    free++;
  }
  if (free === 0 && blocker >= 0) lines.push(`Directly in front of you: ${cellName(layers, blocker)}.`);
  else if (blocker >= 0) lines.push(`Ahead of you: ${plural(free, 'free cell')}, then ${cellName(layers, blocker)}.`);
  else lines.push(`Ahead of you: ${plural(free, 'free cell')} as far as you can see.`);

  const sightings: Sighting[] = [];
  const inView = new Set<number>();
  for (let viewIndex = 0; viewIndex < viewSize * viewSize; viewIndex++) {
    const cell = view.cells[viewIndex]!;
    if (view.visible[viewIndex] === 0 || cell < 0) continue;
    inView.add(cell);
    const ahead = viewSize - 1 - Math.floor(viewIndex / viewSize);
    const right = (viewIndex % viewSize) - 3;
    if ((ahead !== 0 || right !== 0) && isNoteworthy(layers.types[cell]!)) sightings.push({ cell, ahead, right });
  }
  sightings.sort((first, second) => first.ahead + Math.abs(first.right) - (second.ahead + Math.abs(second.right)) || first.ahead - second.ahead || first.right - second.right);
  if (sightings.length === 0) lines.push('You see no objects or doors, only floor and walls.');
  else lines.push(`You see: ${sightings.map((sighting) => `${cellName(layers, sighting.cell)} ${relativePlace(sighting.ahead, sighting.right)}`).join('; ')}.`);

  const remembered: string[] = [];
  const { width, types } = layers;
  for (let cell = 0; cell < types.length; cell++) {
    if (seenAt[cell]! > stepCount || inView.has(cell) || !isNoteworthy(types[cell]!)) continue;
    const east = (cell % width) - agentX;
    const south = Math.floor(cell / width) - agentY;
    const parts: string[] = [];
    if (east !== 0) parts.push(`${Math.abs(east)} ${east > 0 ? 'east' : 'west'}`);
    if (south !== 0) parts.push(`${Math.abs(south)} ${south > 0 ? 'south' : 'north'}`);
    remembered.push(`${cellName(layers, cell)} ${parts.join(' and ')} of you`);
  }
  if (remembered.length > 0) lines.push(`You remember, out of view: ${remembered.join('; ')}.`);
  return lines.join('\n');
}
