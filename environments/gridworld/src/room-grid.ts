// Level building blocks after MiniGrid's RoomGrid: a rows x columns grid of square rooms sharing
// walls, one candidate door position per shared wall, object and agent placement by rejection.
import { ConfigError } from '@worldloop/spec';
import { Color, colorCount } from './color.js';
import { DoorState } from './door-state.js';
import { directionDeltaX, directionDeltaY } from './direction.js';
import { Grid } from './grid.js';
import type { GeneratedLevel } from './gridworld-task.js';
import type { Mission } from './mission.js';
import type { ObjectDescription } from './object-description.js';
import { ObjectType } from './object-type.js';
import type { SeededRandom } from './seeded-random.js';

const placementTries = 1000;
const distractorTypes: readonly number[] = [ObjectType.key, ObjectType.ball, ObjectType.box];

/**
 * A grid of rooms under construction. Rooms are `roomSize` cells wide including their walls and
 * share walls with their neighbours, so the grid is `(roomSize - 1) * columns + 1` cells wide.
 * Sides are numbered like directions: 0 right, 1 down, 2 left, 3 up.
 */
export class RoomGrid {
  readonly grid: Grid;
  readonly columns: number;
  readonly rows: number;
  readonly roomSize: number;
  agentX = -1;
  agentY = -1;
  agentDirection = 0;
  private readonly random: SeededRandom;
  /** Door cell of each room side (`(row * columns + column) * 4 + side`), -1 where no neighbour. */
  private readonly doorCells: Int32Array;
  private readonly hasDoor: Uint8Array;

  constructor(random: SeededRandom, columns: number, rows: number, roomSize: number) {
    this.random = random;
    this.columns = columns;
    this.rows = rows;
    this.roomSize = roomSize;
    const width = (roomSize - 1) * columns + 1;
    const height = (roomSize - 1) * rows + 1;
    const grid = new Grid(width, height);
    this.grid = grid;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (x % (roomSize - 1) === 0 || y % (roomSize - 1) === 0) grid.initializeCell(y * width + x, ObjectType.wall, Color.grey, 0);
      }
    }
    this.doorCells = new Int32Array(rows * columns * 4).fill(-1);
    this.hasDoor = new Uint8Array(rows * columns * 4);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const room = (row * columns + column) * 4;
        const left = column * (roomSize - 1);
        const top = row * (roomSize - 1);
        const right = left + roomSize - 1;
        const bottom = top + roomSize - 1;
        if (column < columns - 1) this.doorCells[room] = random.integer(top + 1, bottom) * width + right;
        if (row < rows - 1) this.doorCells[room + 1] = bottom * width + random.integer(left + 1, right);
        if (column > 0) this.doorCells[room + 2] = this.doorCells[(row * columns + column - 1) * 4]!;
        if (row > 0) this.doorCells[room + 3] = this.doorCells[((row - 1) * columns + column) * 4 + 1]!;
      }
    }
  }

  /** Puts a door on a side of a room (and the matching side of its neighbour); returns its cell. */
  addDoor(column: number, row: number, side: number, color: number, state: number): number {
    const cell = this.doorCells[(row * this.columns + column) * 4 + side]!;
    if (cell < 0) throw new Error(`RoomGrid.addDoor: room (${column}, ${row}) has no neighbour on side ${side}`);
    this.grid.initializeCell(cell, ObjectType.door, color, state);
    this.hasDoor[(row * this.columns + column) * 4 + side] = 1;
    const neighbourColumn = column + directionDeltaX[side]!;
    const neighbourRow = row + directionDeltaY[side]!;
    this.hasDoor[(neighbourRow * this.columns + neighbourColumn) * 4 + ((side + 2) & 3)] = 1;
    return cell;
  }

  /** Puts an object on a random free interior cell of a room; returns its cell. */
  placeObject(column: number, row: number, type: number, color: number): number {
    const cell = this.randomFreeCell(column, row);
    this.grid.initializeCell(cell, type, color, 0);
    return cell;
  }

  /**
   * Adds `count` random keys, balls and boxes of random colours in random rooms (or the given
   * room), like BabyAI's add_distractors; `unique` forbids two objects of the same type and colour.
   */
  addDistractors(count: number, unique: boolean, column?: number, row?: number): number[] {
    const cells: number[] = [];
    const used = new Set<number>();
    const { types, colors } = this.grid;
    for (let cell = 0; cell < types.length; cell++) {
      if (types[cell] === ObjectType.key || types[cell] === ObjectType.ball || types[cell] === ObjectType.box) {
        used.add(types[cell]! * 8 + colors[cell]!);
      }
    }
    let tries = 0;
    while (cells.length < count) {
      if (++tries > placementTries) throw new ConfigError(`Could not place ${count} distinct objects; use fewer objects or more colours.`);
      const color = this.random.integer(0, colorCount);
      const type = this.random.pick(distractorTypes);
      if (unique && used.has(type * 8 + color)) continue;
      const roomColumn = column ?? this.random.integer(0, this.columns);
      const roomRow = row ?? this.random.integer(0, this.rows);
      cells.push(this.placeObject(roomColumn, roomRow, type, color));
      used.add(type * 8 + color);
    }
    return cells;
  }

  /**
   * Puts the agent on a random free cell of a room with a random heading, not facing an object or
   * a door (BabyAI's place_agent: the cell in front is floor or wall).
   */
  placeAgent(column: number, row: number): void {
    const { width, types } = this.grid;
    for (let tries = 0; tries < placementTries; tries++) {
      const cell = this.randomFreeCell(column, row);
      const direction = this.random.integer(0, 4);
      const x = cell % width;
      const y = Math.floor(cell / width);
      const front = types[(y + directionDeltaY[direction]!) * width + x + directionDeltaX[direction]!]!;
      if (front === ObjectType.empty || front === ObjectType.wall) {
        this.agentX = x;
        this.agentY = y;
        this.agentDirection = direction;
        return;
      }
    }
    throw new ConfigError(`Could not place the agent in room (${column}, ${row}); the room is too full. Use a larger roomSize.`);
  }

  /**
   * Adds doors of the given colours between random neighbouring rooms until every room can be
   * reached from every other (BabyAI's connect_all). Each new door is open with `openProbability`,
   * closed otherwise.
   */
  connectAll(doorColors: readonly number[], openProbability: number): number[] {
    const added: number[] = [];
    for (let iteration = 0; iteration < 5000; iteration++) {
      if (this.reachableRoomCount() === this.rows * this.columns) return added;
      const column = this.random.integer(0, this.columns);
      const row = this.random.integer(0, this.rows);
      const side = this.random.integer(0, 4);
      const slot = (row * this.columns + column) * 4 + side;
      if (this.doorCells[slot]! < 0 || this.hasDoor[slot] === 1) continue;
      const color = this.random.pick(doorColors);
      const state = this.random.nextFloat() < openProbability ? DoorState.open : DoorState.closed;
      added.push(this.addDoor(column, row, side, color, state));
    }
    throw new Error('RoomGrid.connectAll: rooms could not be connected');
  }

  /** The object in a cell, as a mission names it (type and colour). */
  objectAt(cell: number): ObjectDescription {
    return { type: this.grid.types[cell]!, color: this.grid.colors[cell]! };
  }

  /** The finished level: this grid, the agent's placement, and the mission. */
  level(mission: Mission): GeneratedLevel {
    return { grid: this.grid, agentX: this.agentX, agentY: this.agentY, agentDirection: this.agentDirection, mission };
  }

  /**
   * Whether every object and door can be approached from the agent without moving any object:
   * a walk over floor, goals and doors (in any state, locked included) from the agent's cell must
   * reach every door and a neighbour of every object. Levels that fail are sampled again.
   */
  allReachable(): boolean {
    const { width, types } = this.grid;
    const size = types.length;
    const seen = new Uint8Array(size);
    const queue = new Int32Array(size);
    let head = 0;
    let tail = 0;
    const start = this.agentY * width + this.agentX;
    queue[tail++] = start;
    seen[start] = 1;
    while (head < tail) {
      const cell = queue[head++]!;
      for (const next of [cell + 1, cell - 1, cell + width, cell - width]) {
        if (next < 0 || next >= size || seen[next] === 1) continue;
        const type = types[next]!;
        if (type !== ObjectType.empty && type !== ObjectType.goal && type !== ObjectType.door) continue;
        seen[next] = 1;
        queue[tail++] = next;
      }
    }
    for (let cell = 0; cell < size; cell++) {
      const type = types[cell]!;
      if (type === ObjectType.door && seen[cell] === 0) return false;
      if (type === ObjectType.key || type === ObjectType.ball || type === ObjectType.box) {
        if (seen[cell + 1] === 0 && seen[cell - 1] === 0 && seen[cell + width] === 0 && seen[cell - width] === 0) return false;
      }
    }
    return true;
  }

  private reachableRoomCount(): number {
    const total = this.rows * this.columns;
    const seen = new Uint8Array(total);
    const stack = [0];
    seen[0] = 1;
    let count = 0;
    while (stack.length > 0) {
      const room = stack.pop()!;
      count++;
      const column = room % this.columns;
      const row = Math.floor(room / this.columns);
      for (let side = 0; side < 4; side++) {
        if (this.hasDoor[room * 4 + side] === 0) continue;
        const neighbour = (row + directionDeltaY[side]!) * this.columns + column + directionDeltaX[side]!;
        if (seen[neighbour] === 1) continue;
        seen[neighbour] = 1;
        stack.push(neighbour);
      }
    }
    return count;
  }

  private randomFreeCell(column: number, row: number): number {
    const { width, types } = this.grid;
    const left = column * (this.roomSize - 1);
    const top = row * (this.roomSize - 1);
    for (let tries = 0; tries < placementTries; tries++) {
      const x = this.random.integer(left + 1, left + this.roomSize - 1);
      const y = this.random.integer(top + 1, top + this.roomSize - 1);
      const cell = y * width + x;
      if (types[cell] === ObjectType.empty && !(x === this.agentX && y === this.agentY)) return cell;
    }
    throw new ConfigError(`Could not find a free cell in room (${column}, ${row}); the room is too full. Use a larger roomSize.`);
  }
}
