// Renders the whole grid as ASCII, two characters per cell, with the agent as an arrow, for
// `worldloop show` and for prompts that want the map. It shows the true grid, not only what was seen.
import type { GridLayers } from './grid-layers.js';
import { DoorState } from './door-state.js';
import { ObjectType } from './object-type.js';

const colorLetters = 'rgbpye';
const agentSymbols = ['>>', 'vv', '<<', '^^'];

/** The legend printed under the map. */
export const mapLegend =
  'Legend: ## wall, .. floor, K key, O ball, B box, D closed door, L locked door, _ open door, G goal; ' +
  'second letter is the colour (r red, g green, b blue, p purple, y yellow, e grey); >> vv << ^^ is you, facing east, south, west, north.';

/** The grid as text rows, the agent drawn over its cell, followed by the legend. */
export function renderMap(layers: GridLayers, agentX: number, agentY: number, agentDirection: number): string {
  const { width, height, types, colors, states } = layers;
  const rows: string[] = [];
  for (let y = 0; y < height; y++) {
    let row = '';
    for (let x = 0; x < width; x++) {
      if (x === agentX && y === agentY) {
        row += agentSymbols[agentDirection];
        continue;
      }
      const cell = y * width + x;
      const color = colorLetters[colors[cell]!];
      switch (types[cell]) {
        case ObjectType.wall:
          row += '##';
          break;
        case ObjectType.door:
          row += (states[cell] === DoorState.open ? '_' : states[cell] === DoorState.locked ? 'L' : 'D') + color;
          break;
        case ObjectType.key:
          row += `K${color}`;
          break;
        case ObjectType.ball:
          row += `O${color}`;
          break;
        case ObjectType.box:
          row += `B${color}`;
          break;
        case ObjectType.goal:
          row += 'Gg';
          break;
        default:
          row += '..';
      }
    }
    rows.push(row);
  }
  rows.push(mapLegend);
  return rows.join('\n');
}
