// The rules of the household over a HouseholdState: which commands are admissible now, what each
// does and says (ALFWorld's TextWorld wording), the goal check and the tabular features.
import type { HouseholdCommand } from './household-command.js';
import { nowhere, type HouseholdObject, type HouseholdReceptacle, type HouseholdState } from './household-state.js';
import { listPhrase } from './list-phrase.js';
import { objectKinds, type ObjectKind } from './object-kinds.js';
import { receptacleKinds, type ApplianceRole } from './receptacle-kinds.js';

/** What carrying out one command did. */
export interface HouseholdOutcome {
  /** ALFWorld's feedback text; `Nothing happens.` when the command was not admissible. */
  readonly feedback: string;
  /** Whether the command was admissible (changed or reported something). */
  readonly admissible: boolean;
}

/** The feedback of a well-formed command that is not admissible in the current state, as in ALFWorld. */
export const nothingHappens = 'Nothing happens.';

function objectKind(object: HouseholdObject): ObjectKind {
  return objectKinds.get(object.kind)!;
}

function openable(receptacle: HouseholdReceptacle): boolean {
  return receptacleKinds.get(receptacle.kind)!.openable;
}

/** Whether an object kind can be brought to the state an appliance role gives. */
function treatable(kind: ObjectKind, role: ApplianceRole): boolean {
  return role === 'clean' ? kind.cleanable : role === 'heat' ? kind.heatable : kind.coolable;
}

/** Whether an object is in the state a goal condition asks for. */
export function meetsCondition(object: HouseholdObject, condition: ApplianceRole | undefined): boolean {
  if (condition === undefined) return true;
  return condition === 'clean' ? object.clean : condition === 'heat' ? object.hot : object.cool;
}

/**
 * A household level under ALFWorld's rules. Holds the state it was given (and changes it in
 * place); name lookups are built once. One object can be held at a time; openable receptacles
 * hide their contents and refuse take and put while closed; appliances work on the held object
 * when the agent is at them, whether open or not, as in ALFWorld.
 */
export class HouseholdWorld {
  /** The state, changed in place by `apply`. */
  readonly state: HouseholdState;
  private readonly receptacleIndex = new Map<string, number>();
  private readonly objectIndex = new Map<string, number>();
  private readonly roles: (ApplianceRole | undefined)[];
  private readonly goToCommands: string[];

  constructor(state: HouseholdState) {
    this.state = state;
    state.receptacles.forEach((receptacle, index) => this.receptacleIndex.set(receptacle.name, index));
    state.objects.forEach((object, index) => this.objectIndex.set(object.name, index));
    this.roles = state.receptacles.map((receptacle) => receptacleKinds.get(receptacle.kind)!.role);
    this.goToCommands = state.receptacles.map((receptacle) => `go to ${receptacle.name}`);
  }

  /** The first observation: the room overview and the task, as ALFWorld's intro without its banner line. */
  introduction(): string {
    return `${this.overview()}\nYour task is to: ${this.state.mission}`;
  }

  /** Every admissible command in canonical form, grouped by verb in alphabetical order. */
  admissibleCommands(): string[] {
    const state = this.state;
    const here = state.agentAt;
    const commands: string[] = [];
    const held = state.held === nowhere ? undefined : state.objects[state.held]!;
    const atReceptacle = here === nowhere ? undefined : state.receptacles[here]!;
    const reachable = atReceptacle !== undefined && this.accessible(atReceptacle);
    const heldKind = held === undefined ? undefined : objectKind(held);
    const role = here === nowhere ? undefined : this.roles[here];
    if (held !== undefined && role === 'clean' && heldKind!.cleanable) commands.push(`clean ${held.name} with ${atReceptacle!.name}`);
    if (atReceptacle !== undefined && openable(atReceptacle) && atReceptacle.opened) commands.push(`close ${atReceptacle.name}`);
    if (held !== undefined && role === 'cool' && heldKind!.coolable) commands.push(`cool ${held.name} with ${atReceptacle!.name}`);
    if (atReceptacle !== undefined) commands.push(`examine ${atReceptacle.name}`);
    if (held !== undefined) commands.push(`examine ${held.name}`);
    const visible = this.visibleObjects();
    for (const object of visible) commands.push(`examine ${object.name}`);
    for (let index = 0; index < this.goToCommands.length; index++) if (index !== here) commands.push(this.goToCommands[index]!);
    if (held !== undefined && role === 'heat' && heldKind!.heatable) commands.push(`heat ${held.name} with ${atReceptacle!.name}`);
    commands.push('inventory', 'look');
    if (atReceptacle !== undefined && openable(atReceptacle) && !atReceptacle.opened) commands.push(`open ${atReceptacle.name}`);
    if (held !== undefined && reachable) commands.push(`put ${held.name} in/on ${atReceptacle!.name}`);
    if (held === undefined) {
      for (const object of visible) if (!object.beside && objectKind(object).pickupable) commands.push(`take ${object.name} from ${atReceptacle!.name}`);
    }
    for (const object of visible) if (objectKind(object).lamp) commands.push(`use ${object.name}`);
    return commands;
  }

  /** Carries out a command: changes the state and says what happened, or `Nothing happens.` */
  apply(command: HouseholdCommand): HouseholdOutcome {
    const state = this.state;
    switch (command.verb) {
      case 'inventory':
        return done(state.held === nowhere ? 'You are not carrying anything.' : `You are carrying: a ${state.objects[state.held]!.name}.`);
      case 'look':
        return done(state.agentAt === nowhere ? this.overview() : `You are facing the ${state.receptacles[state.agentAt]!.name}. Next to it, you see ${this.besideList(state.agentAt)}.`);
      case 'go to': {
        const index = this.receptacleIndex.get(command.target);
        if (index === undefined || index === state.agentAt) return refused;
        state.agentAt = index;
        const receptacle = state.receptacles[index]!;
        const beside = this.besideNames(index);
        const suffix = beside.length > 0 ? ` Next to it, you see ${listPhrase(beside)}.` : '';
        return done(`You arrive at ${receptacle.name}. ${this.contents(receptacle, index)}${suffix}`);
      }
      case 'open':
      case 'close': {
        const receptacle = this.receptacleHere(command.target);
        if (receptacle === undefined || !openable(receptacle) || receptacle.opened === (command.verb === 'open')) return refused;
        receptacle.opened = command.verb === 'open';
        return done(receptacle.opened ? `You open the ${receptacle.name}. ${this.contents(receptacle, state.agentAt)}` : `You close the ${receptacle.name}.`);
      }
      case 'examine': {
        const receptacle = this.receptacleHere(command.target);
        if (receptacle !== undefined) return done(this.contents(receptacle, state.agentAt));
        const object = this.objectNamed(command.target);
        if (object === undefined || !(object.at === nowhere || this.isVisible(object))) return refused;
        return done(describeObject(object));
      }
      case 'use': {
        const object = this.objectNamed(command.target);
        if (object === undefined || !objectKind(object).lamp || !this.isVisible(object)) return refused;
        object.on = !object.on;
        return done(`You turn ${object.on ? 'on' : 'off'} the ${object.name}.`);
      }
      case 'take': {
        const receptacle = this.receptacleHere(command.receptacle);
        const object = this.objectNamed(command.object);
        if (receptacle === undefined || object === undefined || state.held !== nowhere) return refused;
        if (object.at !== state.agentAt || object.beside || !objectKind(object).pickupable || !this.accessible(receptacle)) return refused;
        object.at = nowhere;
        state.held = this.objectIndex.get(object.name)!;
        return done(`You pick up the ${object.name} from the ${receptacle.name}.`);
      }
      case 'put': {
        const receptacle = this.receptacleHere(command.receptacle);
        const object = this.heldNamed(command.object);
        if (receptacle === undefined || object === undefined || !this.accessible(receptacle)) return refused;
        object.at = state.agentAt;
        state.held = nowhere;
        return done(`You put the ${object.name} in/on the ${receptacle.name}.`);
      }
      case 'clean':
      case 'heat':
      case 'cool': {
        const receptacle = this.receptacleHere(command.receptacle);
        const object = this.heldNamed(command.object);
        if (receptacle === undefined || object === undefined) return refused;
        if (this.roles[state.agentAt] !== command.verb || !treatable(objectKind(object), command.verb)) return refused;
        if (command.verb === 'clean') object.clean = true;
        else {
          object.hot = command.verb === 'heat';
          object.cool = command.verb === 'cool';
        }
        return done(`You ${command.verb} the ${object.name} using the ${receptacle.name}.`);
      }
    }
  }

  /** Whether the task is accomplished in the current state. */
  goalSatisfied(): boolean {
    const state = this.state;
    const goal = state.goal;
    if (goal.lampKind !== undefined) {
      if (state.held === nowhere || state.agentAt === nowhere || state.objects[state.held]!.kind !== goal.objectKind) return false;
      return state.objects.some((object) => object.kind === goal.lampKind && object.on && object.at === state.agentAt);
    }
    return this.bestDestination().count >= goal.count;
  }

  /**
   * The receptacle of the goal's kind holding the most objects that already meet the goal
   * (the first such on ties), with that count; index `nowhere` when the goal has no receptacle.
   */
  bestDestination(): { readonly index: number; readonly count: number } {
    const state = this.state;
    const goal = state.goal;
    let best = nowhere;
    let bestCount = -1;
    state.receptacles.forEach((receptacle, index) => {
      if (receptacle.kind !== goal.receptacleKind) return;
      let count = 0;
      for (const object of state.objects) if (object.at === index && object.kind === goal.objectKind && meetsCondition(object, goal.condition)) count++;
      if (count > bestCount) {
        best = index;
        bestCount = count;
      }
    });
    return { index: best, count: Math.max(bestCount, 0) };
  }

  /** Discrete features of what the agent perceives, for tabular world models. */
  features(): Record<string, string | number | boolean> {
    const state = this.state;
    const here = state.agentAt === nowhere ? undefined : state.receptacles[state.agentAt]!;
    const held = state.held === nowhere ? undefined : state.objects[state.held]!;
    const goal = state.goal;
    const progress = goal.lampKind !== undefined ? (this.goalSatisfied() ? 1 : 0) : this.bestDestination().count;
    return {
      location: here?.name ?? 'middle of room',
      locationState: here === undefined || !openable(here) ? 'none' : here.opened ? 'open' : 'closed',
      visibleObjects: this.visibleObjects()
        .map((object) => object.name)
        .join(', '),
      holding: held?.name ?? 'nothing',
      holdingKind: held?.kind ?? 'nothing',
      holdingClean: held?.clean ?? false,
      holdingHot: held?.hot ?? false,
      holdingCool: held?.cool ?? false,
      lampOn: state.agentAt !== nowhere && state.objects.some((object) => object.on && object.at === state.agentAt),
      goalProgress: progress,
    };
  }

  /** Whether the agent can see into and reach into a receptacle (not a closed one). */
  accessible(receptacle: HouseholdReceptacle): boolean {
    return receptacle.opened || !openable(receptacle);
  }

  /** Objects the agent sees where it stands: in or on an accessible receptacle, or next to it. */
  visibleObjects(): HouseholdObject[] {
    const state = this.state;
    const here = state.agentAt;
    if (here === nowhere) return [];
    const reachable = this.accessible(state.receptacles[here]!);
    return state.objects.filter((object) => object.at === here && (reachable || object.beside));
  }

  private isVisible(object: HouseholdObject): boolean {
    const here = this.state.agentAt;
    return here !== nowhere && object.at === here && (object.beside || this.accessible(this.state.receptacles[here]!));
  }

  private overview(): string {
    return `You are in the middle of a room. Looking quickly around you, you see ${listPhrase(this.state.receptacles.map((receptacle) => receptacle.name))}.`;
  }

  /** ALFWorld's examineReceptacle text. */
  private contents(receptacle: HouseholdReceptacle, index: number): string {
    if (openable(receptacle) && !receptacle.opened) return `The ${receptacle.name} is closed.`;
    const names: string[] = [];
    for (const object of this.state.objects) if (object.at === index && !object.beside) names.push(object.name);
    return openable(receptacle) ? `The ${receptacle.name} is open. In it, you see ${listPhrase(names)}.` : `On the ${receptacle.name}, you see ${listPhrase(names)}.`;
  }

  private besideNames(index: number): string[] {
    const names: string[] = [];
    for (const object of this.state.objects) if (object.at === index && object.beside) names.push(object.name);
    return names;
  }

  private besideList(index: number): string {
    return listPhrase(this.besideNames(index));
  }

  private receptacleHere(name: string): HouseholdReceptacle | undefined {
    const index = this.receptacleIndex.get(name);
    return index !== undefined && index === this.state.agentAt ? this.state.receptacles[index] : undefined;
  }

  private objectNamed(name: string): HouseholdObject | undefined {
    const index = this.objectIndex.get(name);
    return index === undefined ? undefined : this.state.objects[index];
  }

  private heldNamed(name: string): HouseholdObject | undefined {
    const index = this.objectIndex.get(name);
    return index !== undefined && index === this.state.held ? this.state.objects[index] : undefined;
  }
}

const refused: HouseholdOutcome = { feedback: nothingHappens, admissible: false };

function done(feedback: string): HouseholdOutcome {
  return { feedback, admissible: true };
}

/** ALFWorld's examineObject text. */
function describeObject(object: HouseholdObject): string {
  if (object.clean && object.hot) return `This is a hot and clean ${object.name}.`;
  if (object.clean && object.cool) return `This is a cool and clean ${object.name}.`;
  if (object.hot) return `This is a hot ${object.name}.`;
  if (object.clean) return `This is a clean ${object.name}.`;
  if (object.cool) return `This is a cold ${object.name}.`;
  if (objectKind(object).lamp) return `This ${object.name} is ${object.on ? 'on' : 'off'}.`;
  return `There's nothing special about ${object.name}.`;
}
