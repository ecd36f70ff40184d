// The live grid of one episode: typed-array layers mutated in place (no per-step allocation), a
// journal of cell changes so observations can rebuild the grid as it was, and what the agent saw when.

import type { GridLayers } from './grid-layers.js';

/** `seenAt` value of a cell the agent has never seen. */
export const neverSeen = 0x7fffffff;

/** A past state of the grid rebuilt from the journal (a copy; never mutated afterwards). */
interface GridCopy extends GridLayers {}

/**
 * The grid of one episode. Every change goes through `setCell`, which journals the old contents
 * and bumps `version`; `atVersion(v)` rebuilds the grid as it was at version `v` by copying the
 * layers and undoing later changes. Each reset or restore makes a new `Grid`, so observations of
 * earlier episodes keep a grid of their own.
 */
export class Grid implements GridLayers {
  readonly width: number;
  readonly height: number;
  readonly types: Uint8Array;
  readonly colors: Uint8Array;
  readonly states: Uint8Array;
  /**
   * The step count at which the agent first saw each cell (`neverSeen` if not yet). Values are
   * written once, so "seen by step s" is `seenAt[i] <= s` for any past step s.
   */
  readonly seenAt: Int32Array;
  /** Number of journalled changes so far. */
  version = 0;
  private readonly journal: number[] = [];
  /** The last past grid `atVersion` rebuilt, and its version (-1: none yet). */
  private rebuilt: GridLayers | undefined;
  private rebuiltVersion = -1;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    const size = width * height;
    this.types = new Uint8Array(size);
    this.colors = new Uint8Array(size);
    this.states = new Uint8Array(size);
    this.seenAt = new Int32Array(size).fill(neverSeen);
  }

  /** Writes a cell without journalling: only for building a level before the episode starts. */
  initializeCell(index: number, type: number, color: number, state: number): void {
    this.types[index] = type;
    this.colors[index] = color;
    this.states[index] = state;
  }

  /** Changes a cell during an episode, journalling its old contents. */
  setCell(index: number, type: number, color: number, state: number): void {
    this.journal.push(index, this.types[index]!, this.colors[index]!, this.states[index]!);
    this.version++;
    this.types[index] = type;
    this.colors[index] = color;
    this.states[index] = state;
  }

  /**
   * The grid as it was at `version`: this grid itself when nothing changed since, otherwise a
   * copy with the later changes undone (allocates; for lazily computed observation fields). The
   * last copy is kept and handed out again for the same version: the journal only grows, so a past
   * version never changes, and an observation's fields read one after another rebuild it once.
   */
  atVersion(version: number): GridLayers {
    if (version === this.version) return this;
    if (version === this.rebuiltVersion) return this.rebuilt!;
    const copy: GridCopy = {
      width: this.width,
      height: this.height,
      types: this.types.slice(),
      colors: this.colors.slice(),
      states: this.states.slice(),
    };
    for (let entry = this.version - 1; entry >= version; entry--) {
      const offset = entry * 4;
      const index = this.journal[offset]!;
      copy.types[index] = this.journal[offset + 1]!;
      copy.colors[index] = this.journal[offset + 2]!;
      copy.states[index] = this.journal[offset + 3]!;
    }
    this.rebuilt = copy;
    this.rebuiltVersion = version;
    return copy;
  }
}
