// The household expert: reads the true state (where every object is, as ALFWorld's handcoded
// expert reads the PDDL state) and returns the next command of a shortest plan for the goal.
import type { HouseholdObject, HouseholdState } from './household-state.js';
import { nowhere } from './household-state.js';
import { meetsCondition, type HouseholdWorld } from './household-world.js';
import { receptacleKinds } from './receptacle-kinds.js';

/**
 * The next command towards the goal from any state (also after other policies' detours):
 * put away a wrong object in hand, fetch a fitting object (preferring ones in view, then in
 * receptacles already open, then already in the goal's state), treat it with the appliance
 * the task needs, then bring it to the destination (or to the lamp, and switch the lamp on).
 * Undefined when the goal already holds. Every command it returns is admissible.
 */
export function planHouseholdExpert(world: HouseholdWorld): string | undefined {
  if (world.goalSatisfied()) return undefined;
  const state = world.state;
  const goal = state.goal;
  const held = state.held === nowhere ? undefined : state.objects[state.held]!;
  if (held !== undefined && held.kind !== goal.objectKind) return stow(world, held);

  if (goal.lampKind !== undefined) {
    const lamps = state.objects.filter((object) => object.kind === goal.lampKind);
    const lamp = lamps.find((candidate) => candidate.at === state.agentAt) ?? lamps[0]!;
    if (held === undefined) return fetch(world, pickTarget(world, () => true));
    if (state.agentAt !== lamp.at) return `go to ${state.receptacles[lamp.at]!.name}`;
    return `use ${lamp.name}`;
  }

  const destination = world.bestDestination().index;
  if (held === undefined) {
    return fetch(world, pickTarget(world, (object) => !(object.at === destination && meetsCondition(object, goal.condition))));
  }
  if (!meetsCondition(held, goal.condition)) {
    const here = state.agentAt;
    if (here !== nowhere && receptacleKinds.get(state.receptacles[here]!.kind)!.role === goal.condition) {
      return `${goal.condition} ${held.name} with ${state.receptacles[here]!.name}`;
    }
    const tool = state.receptacles.findIndex((receptacle) => receptacleKinds.get(receptacle.kind)!.role === goal.condition);
    return `go to ${state.receptacles[tool]!.name}`;
  }
  return deliver(world, held, destination);
}

/** Goes to `index`, opens it if closed, then puts the held object in or on it. */
function deliver(world: HouseholdWorld, held: HouseholdObject, index: number): string {
  const state = world.state;
  const receptacle = state.receptacles[index]!;
  if (state.agentAt !== index) return `go to ${receptacle.name}`;
  if (!world.accessible(receptacle)) return `open ${receptacle.name}`;
  return `put ${held.name} in/on ${receptacle.name}`;
}

/** Puts a wrong object down where the agent stands, or at the first receptacle that needs no opening. */
function stow(world: HouseholdWorld, held: HouseholdObject): string {
  const state = world.state;
  if (state.agentAt !== nowhere) return deliver(world, held, state.agentAt);
  const open = state.receptacles.findIndex((receptacle) => world.accessible(receptacle));
  return deliver(world, held, open === nowhere ? 0 : open);
}

/** Goes to the object's receptacle, opens it if closed, then takes the object. */
function fetch(world: HouseholdWorld, object: HouseholdObject): string {
  const state = world.state;
  const receptacle = state.receptacles[object.at]!;
  if (state.agentAt !== object.at) return `go to ${receptacle.name}`;
  if (!world.accessible(receptacle)) return `open ${receptacle.name}`;
  return `take ${object.name} from ${receptacle.name}`;
}

/** The cheapest object of the goal's kind that `wanted` accepts: in view, then reachable, then already treated. */
function pickTarget(world: HouseholdWorld, wanted: (object: HouseholdObject) => boolean): HouseholdObject {
  const state: HouseholdState = world.state;
  const goal = state.goal;
  let best: HouseholdObject | undefined;
  let bestCost = Infinity;
  for (const object of state.objects) {
    if (object.kind !== goal.objectKind || object.at === nowhere || !wanted(object)) continue;
    const receptacle = state.receptacles[object.at]!;
    let cost = object.at === state.agentAt ? 0 : 2;
    if (!world.accessible(receptacle)) cost += 1;
    if (!meetsCondition(object, goal.condition)) cost += 0.5;
    if (cost < bestCost) {
      best = object;
      bestCost = cost;
    }
  }
  return best!;
}
