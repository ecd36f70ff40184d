// A state key for tabular models in the worldloop gridworld that generalises across levels: where
// the mission's target lies relative to the agent (steps ahead, steps to the right), what is in
// front of it, and what it carries, in the mission's terms. Two levels that look the same from the
// agent's point of view share a key, so what is learnt in one level serves in the next.
//
// It reads the gridworld's observation conventions (the mission sentence, the `map` part drawn two
// characters a cell, the `x`/`y`/`direction`/`carrying` features) without importing the package;
// the tests check it against the real environment. Other observations fall back to
// `featureStateKey`.
import type { Observation } from '@worldloop/spec';
import { featureStateKey } from './feature-state-key.js';

const MISSION = /^(go to|pick up|open) the (?:(red|green|blue|purple|yellow|grey) )?(key|ball|box|door)$/;
const COLOUR_LETTERS: Readonly<Record<string, string>> = { red: 'r', green: 'g', blue: 'b', purple: 'p', yellow: 'y', grey: 'e' };
const TYPE_LETTERS: Readonly<Record<string, string>> = { key: 'K', ball: 'O', box: 'B', door: 'DL_' };
const DOOR_STATES: Readonly<Record<string, string>> = { D: 'closed', L: 'locked', _: 'open' };
/** East, south, west, north: the gridworld's direction codes 0..3. */
const FORWARD_X = [1, 0, -1, 0];
const FORWARD_Y = [0, 1, 0, -1];

/**
 * `<mission verb>:<ahead>,<right>:<front>:<carrying>`, e.g. `pick up:2,-1:floor:nothing` (the
 * target two steps ahead and one to the left, free floor in front, empty hands). `ahead,right` is
 * `none` when the target is carried or not on the map; `front` is `floor`, `wall`, `target`,
 * `object`, `goal` or `door-<state>`; `carrying` is `nothing`, `target` or `other`. The nearest
 * matching object is the target (among equally near ones, one ahead of the agent).
 */
export function gridworldTargetKey(observation: Observation): string {
  const mission = observation.mission === undefined ? null : MISSION.exec(observation.mission);
  const map = observation.parts?.find((part) => part.type === 'text' && part.label === 'map');
  const features = observation.features;
  if (mission === null || map === undefined || map.type !== 'text' || features === undefined) return featureStateKey(observation);
  const x = features.x;
  const y = features.y;
  const direction = features.direction;
  if (typeof x !== 'number' || typeof y !== 'number' || typeof direction !== 'number') return featureStateKey(observation);
  const [, verb, colour, type] = mission;
  const colourLetter = colour === undefined ? undefined : COLOUR_LETTERS[colour];
  const typeLetters = TYPE_LETTERS[type!]!;
  const isTarget = (token: string): boolean => typeLetters.includes(token[0]!) && (colourLetter === undefined || token[1] === colourLetter);
  const rows = map.text.split('\n');
  const tokenAt = (column: number, row: number): string => rows[row]?.slice(column * 2, column * 2 + 2) ?? '##';

  let target: { ahead: number; right: number } | undefined;
  let nearest = Number.POSITIVE_INFINITY;
  const forwardX = FORWARD_X[direction]!;
  const forwardY = FORWARD_Y[direction]!;
  const rightX = FORWARD_X[(direction + 1) & 3]!;
  const rightY = FORWARD_Y[(direction + 1) & 3]!;
  for (let row = 0; row < rows.length; row++) {
    const width = rows[row]!.length / 2;
    for (let column = 0; column < width; column++) {
      if (!isTarget(tokenAt(column, row))) continue;
      const east = column - x;
      const south = row - y;
      const ahead = east * forwardX + south * forwardY;
      // Nearest first; among equals, the one further ahead (the one in front, if any).
      const distance = 2 * (Math.abs(east) + Math.abs(south)) - (ahead > 0 ? 1 : 0);
      if (distance < nearest) {
        nearest = distance;
        target = { ahead, right: east * rightX + south * rightY };
      }
    }
  }
  const frontToken = tokenAt(x + forwardX, y + forwardY);
  const front = isTarget(frontToken) ? 'target' : frontClass(frontToken);
  const carried = String(features.carrying ?? 'none');
  const carrying = carried === 'none' ? 'nothing' : carried.endsWith(type!) && (colour === undefined || carried.startsWith(colour)) ? 'target' : 'other';
  return `${verb}:${target ? `${target.ahead},${target.right}` : 'none'}:${front}:${carrying}`;
}

function frontClass(token: string): string {
  if (token === '##') return 'wall';
  if (token === '..') return 'floor';
  if (token === 'Gg') return 'goal';
  const doorState = DOOR_STATES[token[0]!];
  return doorState === undefined ? 'object' : `door-${doorState}`;
}
