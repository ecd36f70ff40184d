// The 7x7 egocentric view: cell mapping per heading, and sight blocked by walls and closed doors.
import { describe, expect, it } from 'vitest';
import { AgentView, viewSize } from './agent-view.js';
import { Direction } from './direction.js';
import { DoorState } from './door-state.js';
import { Grid } from './grid.js';
import { ObjectType } from './object-type.js';

/** An open 11x11 floor with a wall border. */
function openGrid(): Grid {
  const grid = new Grid(11, 11);
  for (let y = 0; y < 11; y++) {
    for (let x = 0; x < 11; x++) if (x === 0 || y === 0 || x === 10 || y === 10) grid.initializeCell(y * 11 + x, ObjectType.wall, 5, 0);
  }
  return grid;
}

function visibleCell(view: AgentView, x: number, y: number, width = 11): boolean {
  for (let index = 0; index < viewSize * viewSize; index++) if (view.cells[index] === y * width + x) return view.visible[index] === 1;
  return false;
}

describe('AgentView', () => {
  it('maps the view egocentrically: agent at the bottom centre, looking up the view', () => {
    const view = new AgentView();
    view.compute(openGrid(), 5, 5, Direction.east);
    expect(view.cells[6 * viewSize + 3]).toBe(5 * 11 + 5); // the agent's own cell
    expect(view.cells[5 * viewSize + 3]).toBe(5 * 11 + 6); // one ahead (east)
    expect(view.cells[6 * viewSize + 4]).toBe(6 * 11 + 5); // one to the right (south when facing east)
    view.compute(openGrid(), 5, 5, Direction.north);
    expect(view.cells[5 * viewSize + 3]).toBe(4 * 11 + 5);
    expect(view.cells[6 * viewSize + 2]).toBe(5 * 11 + 4); // left of north is west
  });

  it('lets walls and closed doors block sight, open doors and objects not', () => {
    const grid = openGrid();
    // A wall across x = 7 with a door at (7, 5); the agent at (5, 5) looks east at it.
    for (let y = 1; y < 10; y++) grid.initializeCell(y * 11 + 7, ObjectType.wall, 5, 0);
    grid.initializeCell(5 * 11 + 7, ObjectType.door, 0, DoorState.closed);
    grid.initializeCell(5 * 11 + 6, ObjectType.ball, 1, 0);
    const view = new AgentView();
    view.compute(grid, 5, 5, Direction.east);
    expect(visibleCell(view, 6, 5)).toBe(true); // the ball
    expect(visibleCell(view, 7, 5)).toBe(true); // the closed door itself
    expect(visibleCell(view, 8, 5)).toBe(false); // behind it
    expect(visibleCell(view, 9, 3)).toBe(false);
    grid.initializeCell(5 * 11 + 7, ObjectType.door, 0, DoorState.open);
    view.compute(grid, 5, 5, Direction.east);
    expect(visibleCell(view, 8, 5)).toBe(true);
    expect(visibleCell(view, 9, 5)).toBe(true);
  });

  it('treats cells outside the grid as invisible walls', () => {
    const view = new AgentView();
    view.compute(openGrid(), 1, 1, Direction.north);
    expect(view.cells[0]).toBe(-1);
    expect(view.visible[0]).toBe(0);
  });
});
