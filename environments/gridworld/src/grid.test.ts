// The grid journal: past versions rebuilt exactly while the live layers stay as they are.
import { describe, expect, it } from 'vitest';
import { Grid } from './grid.js';
import { ObjectType } from './object-type.js';

describe('Grid', () => {
  it('rebuilds past versions from its journal without touching the live layers', () => {
    const grid = new Grid(3, 3);
    grid.initializeCell(4, ObjectType.ball, 2, 0);
    expect(grid.version).toBe(0);
    grid.setCell(4, ObjectType.empty, 0, 0);
    grid.setCell(1, ObjectType.key, 4, 0);
    expect(grid.version).toBe(2);
    expect(grid.atVersion(2)).toBe(grid);
    const atStart = grid.atVersion(0);
    expect(atStart.types[4]).toBe(ObjectType.ball);
    expect(atStart.colors[4]).toBe(2);
    expect(atStart.types[1]).toBe(ObjectType.empty);
    const middle = grid.atVersion(1);
    expect(middle.types[4]).toBe(ObjectType.empty);
    expect(middle.types[1]).toBe(ObjectType.empty);
    expect(grid.types[1]).toBe(ObjectType.key);
    expect(grid.types[4]).toBe(ObjectType.empty);
  });
});
