// Level generation: deterministic by seed, varied, and always solvable from a state where the
// goal does not yet hold.
import { SeededRandom } from '@worldloop/core';
import { describe, expect, it } from 'vitest';
import { generateHouseholdLevel } from './generate-household-level.js';
import { nowhere } from './household-state.js';
import { householdTaskFamilies } from './household-task-families.js';
import { HouseholdWorld } from './household-world.js';
import { objectKinds } from './object-kinds.js';
import { receptacleKinds } from './receptacle-kinds.js';

const families = Object.values(householdTaskFamilies);

describe('generateHouseholdLevel', () => {
  it('gives the same level for the same seed and different levels for other seeds', () => {
    for (const family of families) {
      const first = generateHouseholdLevel(family, new SeededRandom(11));
      expect(generateHouseholdLevel(family, new SeededRandom(11))).toEqual(first);
      const others = new Set([12, 13, 14, 15].map((seed) => JSON.stringify(generateHouseholdLevel(family, new SeededRandom(seed)))));
      expect(others.size).toBe(4);
    }
  });

  it('draws solvable levels: unique names, the appliance, destination or lamp present, goal not yet met', () => {
    for (const family of families) {
      const scenes = new Set<string>();
      const missions = new Set<string>();
      for (let seed = 0; seed < 200; seed++) {
        const state = generateHouseholdLevel(family, new SeededRandom(seed));
        scenes.add(state.scene);
        missions.add(state.mission);
        const names = [...state.receptacles, ...state.objects].map((thing) => thing.name);
        expect(new Set(names).size).toBe(names.length);
        expect(state.agentAt).toBe(nowhere);
        expect(state.held).toBe(nowhere);
        expect(state.receptacles.every((receptacle) => !receptacle.opened)).toBe(true);
        expect(state.objects.every((object) => object.at >= 0 && object.at < state.receptacles.length)).toBe(true);
        const goal = state.goal;
        expect(goal.task).toBe(family.name);
        expect(family.scenes).toContain(state.scene);
        const targets = state.objects.filter((object) => object.kind === goal.objectKind);
        expect(targets.length).toBeGreaterThanOrEqual(goal.count);
        expect(targets.every((object) => objectKinds.get(object.kind)!.pickupable)).toBe(true);
        if (family.condition !== undefined) {
          expect(state.receptacles.some((receptacle) => receptacleKinds.get(receptacle.kind)!.role === family.condition)).toBe(true);
          expect(goal.receptacleKind && receptacleKinds.get(goal.receptacleKind)!.role).not.toBe(family.condition);
        }
        if (family.underLamp) {
          expect(state.objects.filter((object) => object.kind === goal.lampKind)).toHaveLength(1);
          expect(state.mission).toMatch(/^(look at \w+ under the \w+|examine the \w+ with the \w+)\.$/);
        } else {
          expect(state.receptacles.some((receptacle) => receptacle.kind === goal.receptacleKind)).toBe(true);
          expect(targets.some((object) => state.receptacles[object.at]!.kind === goal.receptacleKind)).toBe(false);
          expect(state.mission).toContain(goal.receptacleKind!);
        }
        expect(state.mission).toContain(goal.objectKind);
        expect(new HouseholdWorld(state).goalSatisfied()).toBe(false);
      }
      expect(scenes.size, family.name).toBe(family.scenes.length);
      expect(missions.size, family.name).toBeGreaterThan(20);
    }
  });
});
