// Renders the whole grid as ASCII, two characters per cell, the agent as an arrow, for `worldloop show`
// and prompts. It shows the true grid, not only what was seen; the legend lives in `describe()`.
import type { GridLayers } from './grid-layers.js';
import { DoorState } from './door-state.js';
import { ObjectType } from './object-type.js';

const colorLetters = 'rgbpye';
const agentSymbols: readonly string[] = ['>>', 'vv', '<<', '^^'];

/** How to read a map from `renderGrid` and `drawAgent` (included in the action space's `describe()`). */
export const mapLegend =
  'Map legend: ## wall, .. floor, K key, O ball, B box, D closed door, L locked door, _ open door, G goal; ' +
  'second letter is the colour (r red, g green, b blue, p purple, y yellow, e grey); >> vv << ^^ is you, facing east, south, west, north.';

/** The two characters of a cell with these contents. */
function cellToken(type: number, color: number, state: number): string {
  const letter = colorLetters[color] ?? '?';
  switch (type) {
    case ObjectType.wall:
      return '##';
    case ObjectType.door:
      return (state === DoorState.open ? '_' : state === DoorState.locked ? 'L' : 'D') + letter;
    case ObjectType.key:
      return `K${letter}`;
    case ObjectType.ball:
      return `O${letter}`;
    case ObjectType.box:
      return `B${letter}`;
    case ObjectType.goal:
      return 'Gg';
    default:
      return '..';
  }
}

/** Character codes of every cell token (two per entry), for types, colours and states below 8, 8 and 4. */
const tokenCodes = new Uint8Array(8 * 8 * 4 * 2);
for (let entry = 0; entry < 8 * 8 * 4; entry++) {
  const token = cellToken(entry >> 5, (entry >> 2) & 7, entry & 3);
  tokenCodes[entry * 2] = token.charCodeAt(0);
  tokenCodes[entry * 2 + 1] = token.charCodeAt(1);
}

const decoder = new TextDecoder('latin1');
/** Reused output bytes (grown when a larger grid comes along). */
let buffer = new Uint8Array(0);

/** The grid as text rows (no trailing newline), without the agent: the part `drawAgent` reuses. */
export function renderGrid(layers: GridLayers): string {
  const { width, height, types, colors, states } = layers;
  const length = (width * 2 + 1) * height - 1;
  if (buffer.length < length) buffer = new Uint8Array(length);
  const bytes = buffer;
  let offset = 0;
  for (let y = 0; y < height; y++) {
    if (y > 0) bytes[offset++] = 10;
    for (let x = 0; x < width; x++) {
      const cell = y * width + x;
      const entry = (((types[cell]! & 7) * 8 + (colors[cell]! & 7)) * 4 + (states[cell]! & 3)) * 2;
      bytes[offset++] = tokenCodes[entry]!;
      bytes[offset++] = tokenCodes[entry + 1]!;
    }
  }
  return decoder.decode(bytes.subarray(0, length));
}

/** `gridMap` (from `renderGrid` of a `width`-cell-wide grid) with the agent's arrow over its cell. */
export function drawAgent(gridMap: string, width: number, agentX: number, agentY: number, agentDirection: number): string {
  if (agentX < 0 || agentY < 0 || agentX >= width) return gridMap;
  const offset = agentY * (width * 2 + 1) + agentX * 2;
  if (offset + 2 > gridMap.length) return gridMap;
  return gridMap.slice(0, offset) + agentSymbols[agentDirection]! + gridMap.slice(offset + 2);
}
