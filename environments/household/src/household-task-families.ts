// The six ALFWorld task families: what each asks, in which rooms it can be drawn, and the two
// ways ALFWorld words each mission. Registered as `household/<Name>-v0`.
import type { ApplianceRole } from './receptacle-kinds.js';
import type { SceneName } from './scene-templates.js';

/** Names of the task families (the part of the environment id before `-v0`). */
export type HouseholdTaskName = 'PickAndPlace' | 'PickCleanThenPlace' | 'PickHeatThenPlace' | 'PickCoolThenPlace' | 'LookAtInLight' | 'PickTwo';

/** One task family. */
export interface HouseholdTaskFamily {
  readonly name: HouseholdTaskName;
  /** ALFWorld's name of the family (`pick_clean_then_place_in_recep`), reported in `info.taskType`. */
  readonly alfworldType: string;
  /** One or two sentences for `worldloop envs`. */
  readonly description: string;
  /** Rooms this family can be drawn in. */
  readonly scenes: readonly SceneName[];
  /** The state the object must be brought to before it is put away. */
  readonly condition?: ApplianceRole;
  /** Objects to bring to one receptacle (2 for pick-two). */
  readonly count: number;
  /** Whether the task is to look at the object under a lamp instead of putting it away. */
  readonly underLamp: boolean;
  /**
   * The mission wordings; `{object}`, `{receptacle}` and `{lamp}` are replaced by kind names.
   * One is drawn per episode.
   */
  readonly missions: readonly string[];
}

const allScenes: readonly SceneName[] = ['kitchen', 'livingroom', 'bedroom', 'bathroom'];

/** Every task family by name, in registration order. */
export const householdTaskFamilies: Readonly<Record<HouseholdTaskName, HouseholdTaskFamily>> = {
  PickAndPlace: {
    name: 'PickAndPlace',
    alfworldType: 'pick_and_place_simple',
    description: 'ALFWorld-style chores in text: find an object in a room of receptacles and put it in or on a receptacle of a given kind.',
    scenes: allScenes,
    count: 1,
    underLamp: false,
    missions: ['put a {object} in {receptacle}.', 'put some {object} on {receptacle}.'],
  },
  PickCleanThenPlace: {
    name: 'PickCleanThenPlace',
    alfworldType: 'pick_clean_then_place_in_recep',
    description: 'ALFWorld-style chores in text: find an object, clean it with a sink or bathtub basin, then put it in or on a receptacle of a given kind.',
    scenes: ['kitchen', 'bathroom'],
    condition: 'clean',
    count: 1,
    underLamp: false,
    missions: ['put a clean {object} in {receptacle}.', 'clean some {object} and put it in {receptacle}.'],
  },
  PickHeatThenPlace: {
    name: 'PickHeatThenPlace',
    alfworldType: 'pick_heat_then_place_in_recep',
    description: 'ALFWorld-style chores in text: find an object in a kitchen, heat it with the microwave, then put it in or on a receptacle of a given kind.',
    scenes: ['kitchen'],
    condition: 'heat',
    count: 1,
    underLamp: false,
    missions: ['put a hot {object} in {receptacle}.', 'heat some {object} and put it in {receptacle}.'],
  },
  PickCoolThenPlace: {
    name: 'PickCoolThenPlace',
    alfworldType: 'pick_cool_then_place_in_recep',
    description: 'ALFWorld-style chores in text: find an object in a kitchen, cool it with the fridge, then put it in or on a receptacle of a given kind.',
    scenes: ['kitchen'],
    condition: 'cool',
    count: 1,
    underLamp: false,
    missions: ['put a cool {object} in {receptacle}.', 'cool some {object} and put it in {receptacle}.'],
  },
  LookAtInLight: {
    name: 'LookAtInLight',
    alfworldType: 'look_at_obj_in_light',
    description: 'ALFWorld-style chores in text: find an object in a bedroom or living room, take it to a desk lamp or floor lamp and switch the lamp on.',
    scenes: ['livingroom', 'bedroom'],
    count: 1,
    underLamp: true,
    missions: ['look at {object} under the {lamp}.', 'examine the {object} with the {lamp}.'],
  },
  PickTwo: {
    name: 'PickTwo',
    alfworldType: 'pick_two_obj_and_place',
    description: 'ALFWorld-style chores in text: find two objects of a kind and put both in or on the same receptacle of a given kind.',
    scenes: allScenes,
    count: 2,
    underLamp: false,
    missions: ['put two {object} in {receptacle}.', 'find two {object} and put them in {receptacle}.'],
  },
};
