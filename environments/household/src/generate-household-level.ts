// Draws a household level for a task family from a seeded generator: the room, its receptacles,
// the task's objects (never already where the goal wants them), lamps and distractors.
import { ConfigError } from '@worldloop/spec';
import type { SeededRandom } from '@worldloop/core';
import type { HouseholdTaskFamily } from './household-task-families.js';
import { nowhere, type HouseholdGoal, type HouseholdObject, type HouseholdReceptacle, type HouseholdState } from './household-state.js';
import { objectKinds, type ObjectKind } from './object-kinds.js';
import { receptacleKinds } from './receptacle-kinds.js';
import { sceneTemplates, type SceneTemplate } from './scene-templates.js';

/** An object to place before numbering: its kind and the receptacle kinds it may go to. */
interface Placement {
  readonly kind: string;
  readonly receptacleKinds: readonly string[];
}

const attempts = 100;

function inclusive(random: SeededRandom, range: readonly [number, number]): number {
  return range[0] + random.integer(range[1] - range[0] + 1);
}

function shuffle<T>(random: SeededRandom, items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = random.integer(index + 1);
    const swap = items[index]!;
    items[index] = items[other]!;
    items[other] = swap;
  }
  return items;
}

function suits(kind: ObjectKind, family: HouseholdTaskFamily): boolean {
  if (!kind.pickupable) return false;
  if (family.condition === 'clean') return kind.cleanable;
  if (family.condition === 'heat') return kind.heatable;
  if (family.condition === 'cool') return kind.coolable;
  return true;
}

/**
 * Generates one level of `family` from `random`. Every level can be solved: the task's objects,
 * the appliance it needs, the destination (or the lamp) are all present, and no object starts
 * where the goal wants it. Throws ConfigError only if the tables cannot produce the family.
 */
export function generateHouseholdLevel(family: HouseholdTaskFamily, random: SeededRandom): HouseholdState {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const level = tryGenerate(family, random, sceneTemplates[random.pick(family.scenes)]);
    if (level !== undefined) return level;
  }
  throw new ConfigError(`Could not generate a household level for ${family.name} in ${attempts} attempts; check the scene tables.`);
}

function tryGenerate(family: HouseholdTaskFamily, random: SeededRandom, scene: SceneTemplate): HouseholdState | undefined {
  const receptacles: HouseholdReceptacle[] = [];
  /** Receptacle kind → indices of the room's receptacles of that kind. */
  const byKind = new Map<string, number[]>();
  for (const kind of sortedReceptacleKinds(scene)) {
    const count = inclusive(random, scene.receptacles[kind]!);
    if (count > 0) byKind.set(kind, []);
    for (let number = 1; number <= count; number++) {
      byKind.get(kind)!.push(receptacles.length);
      receptacles.push({ name: `${kind} ${number}`, kind, opened: false });
    }
  }
  /** Object kind → the receptacle kinds present in this room where it may lie. */
  const spotsOf = new Map<string, string[]>();
  for (const [kind, spots] of Object.entries(scene.objects)) {
    const present = spots.filter((spot) => byKind.has(spot));
    if (present.length > 0) spotsOf.set(kind, present);
  }
  const tools = new Set([...byKind.keys()].filter((kind) => family.condition !== undefined && receptacleKinds.get(kind)!.role === family.condition));
  if (family.condition !== undefined && tools.size === 0) return undefined;

  const candidates = [...spotsOf.keys()].filter((kind) => suits(objectKinds.get(kind)!, family));
  if (candidates.length === 0) return undefined;
  const objectKind = random.pick(candidates);
  const spots = spotsOf.get(objectKind)!;
  const placements: Placement[] = [];
  let goal: HouseholdGoal;
  const instances = family.count + random.integer(2);
  if (family.underLamp) {
    const lamps = [...spotsOf.keys()].filter((kind) => objectKinds.get(kind)!.lamp);
    if (lamps.length === 0) return undefined;
    const lampKind = random.pick(lamps);
    goal = { task: family.name, objectKind, lampKind, count: 1 };
    for (let index = 0; index < instances; index++) placements.push({ kind: objectKind, receptacleKinds: spots });
  } else {
    const destinations = spots.filter((kind) => !tools.has(kind) && spots.some((other) => other !== kind));
    if (destinations.length === 0) return undefined;
    const receptacleKind = random.pick(destinations);
    const sources = spots.filter((kind) => kind !== receptacleKind);
    goal = { task: family.name, objectKind, receptacleKind, count: family.count, ...(family.condition ? { condition: family.condition } : {}) };
    for (let index = 0; index < instances; index++) placements.push({ kind: objectKind, receptacleKinds: sources });
  }
  const distractorKinds: string[] = [];
  for (const [kind, kindSpots] of spotsOf) {
    if (!objectKinds.get(kind)!.lamp) {
      if (kind !== objectKind) distractorKinds.push(kind);
    } else if (kind === goal.lampKind || random.integer(2) === 0) {
      placements.push({ kind, receptacleKinds: kindSpots });
    }
  }
  const distractors = inclusive(random, scene.distractors);
  for (let index = 0; index < distractors; index++) {
    const kind = random.pick(distractorKinds);
    placements.push({ kind, receptacleKinds: spotsOf.get(kind)! });
  }

  const numbers = new Map<string, number>();
  const objects: HouseholdObject[] = shuffle(random, placements).map((placement) => {
    const number = (numbers.get(placement.kind) ?? 0) + 1;
    numbers.set(placement.kind, number);
    return {
      name: `${placement.kind} ${number}`,
      kind: placement.kind,
      at: random.pick(byKind.get(random.pick(placement.receptacleKinds))!),
      beside: objectKinds.get(placement.kind)!.standsOnFloor === true,
      clean: false,
      hot: false,
      cool: false,
      on: false,
    };
  });
  const wording = random.pick(family.missions);
  const mission = wording
    .replace('{object}', objectKind)
    .replace('{receptacle}', goal.receptacleKind ?? '')
    .replace('{lamp}', goal.lampKind ?? '');
  return { scene: scene.name, receptacles, objects, agentAt: nowhere, held: nowhere, goal, mission };
}

const sortedKinds = new Map<SceneTemplate, string[]>();

/** The scene's receptacle kinds in alphabetical order (so receptacles come out sorted by name), computed once. */
function sortedReceptacleKinds(scene: SceneTemplate): string[] {
  let kinds = sortedKinds.get(scene);
  if (kinds === undefined) {
    kinds = Object.keys(scene.receptacles).sort();
    sortedKinds.set(scene, kinds);
  }
  return kinds;
}
