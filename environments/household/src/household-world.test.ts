// The household rules on a hand-built kitchen (ALFWorld's exact wording), and on generated levels
// under random play: a command is listed as admissible exactly when it does something.
import { SeededRandom } from '@worldloop/core';
import { describe, expect, it } from 'vitest';
import { generateHouseholdLevel } from './generate-household-level.js';
import type { HouseholdCommand } from './household-command.js';
import { nowhere, type HouseholdObject, type HouseholdState } from './household-state.js';
import { householdTaskFamilies } from './household-task-families.js';
import { HouseholdWorld, nothingHappens } from './household-world.js';
import { parseHouseholdCommand } from './parse-household-command.js';

function item(name: string, at: number, beside = false): HouseholdObject {
  return { name, kind: name.split(' ')[0]!, at, beside, clean: false, hot: false, cool: false, on: false };
}

/** cabinet 1 (closed, a mug), countertop 1 (an apple, a desklamp), fridge 1, microwave 1, sinkbasin 1, coffeemachine 1. */
function kitchen(): HouseholdState {
  return {
    scene: 'kitchen',
    receptacles: [
      { name: 'cabinet 1', kind: 'cabinet', opened: false },
      { name: 'coffeemachine 1', kind: 'coffeemachine', opened: false },
      { name: 'countertop 1', kind: 'countertop', opened: false },
      { name: 'fridge 1', kind: 'fridge', opened: false },
      { name: 'microwave 1', kind: 'microwave', opened: false },
      { name: 'sinkbasin 1', kind: 'sinkbasin', opened: false },
    ],
    objects: [item('mug 1', 0), item('apple 1', 2), item('desklamp 1', 2), item('floorlamp 1', 5, true)],
    agentAt: nowhere,
    held: nowhere,
    goal: { task: 'PickCleanThenPlace', objectKind: 'mug', receptacleKind: 'coffeemachine', count: 1, condition: 'clean' },
    mission: 'put a clean mug in coffeemachine.',
  };
}

function run(world: HouseholdWorld, text: string): string {
  const parsed = parseHouseholdCommand(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return world.apply(parsed.command).feedback;
}

describe('HouseholdWorld', () => {
  it("speaks ALFWorld's TextWorld surface", () => {
    const world = new HouseholdWorld(kitchen());
    expect(world.introduction()).toBe(
      'You are in the middle of a room. Looking quickly around you, you see a cabinet 1, a coffeemachine 1, a countertop 1, a fridge 1, a microwave 1, and a sinkbasin 1.\n' +
        'Your task is to: put a clean mug in coffeemachine.',
    );
    expect(run(world, 'inventory')).toBe('You are not carrying anything.');
    expect(run(world, 'take mug 1 from cabinet 1')).toBe(nothingHappens);
    expect(run(world, 'go to cabinet 1')).toBe('You arrive at cabinet 1. The cabinet 1 is closed.');
    expect(run(world, 'take mug 1 from cabinet 1')).toBe(nothingHappens);
    expect(run(world, 'open cabinet 1')).toBe('You open the cabinet 1. The cabinet 1 is open. In it, you see a mug 1.');
    expect(run(world, 'examine mug 1')).toBe("There's nothing special about mug 1.");
    expect(run(world, 'take mug 1 from cabinet 1')).toBe('You pick up the mug 1 from the cabinet 1.');
    expect(run(world, 'examine cabinet 1')).toBe('The cabinet 1 is open. In it, you see nothing.');
    expect(run(world, 'close cabinet 1')).toBe('You close the cabinet 1.');
    expect(run(world, 'inventory')).toBe('You are carrying: a mug 1.');
    expect(run(world, 'look')).toBe('You are facing the cabinet 1. Next to it, you see nothing.');
    expect(run(world, 'clean mug 1 with sinkbasin 1')).toBe(nothingHappens);
    expect(run(world, 'go to sinkbasin 1')).toBe('You arrive at sinkbasin 1. On the sinkbasin 1, you see nothing. Next to it, you see a floorlamp 1.');
    expect(run(world, 'clean mug 1 with sinkbasin 1')).toBe('You clean the mug 1 using the sinkbasin 1.');
    expect(run(world, 'examine mug 1')).toBe('This is a clean mug 1.');
    expect(run(world, 'go to microwave 1')).toBe('You arrive at microwave 1. The microwave 1 is closed.');
    expect(run(world, 'heat mug 1 with microwave 1')).toBe('You heat the mug 1 using the microwave 1.');
    expect(run(world, 'examine mug 1')).toBe('This is a hot and clean mug 1.');
    expect(run(world, 'go to fridge 1')).toBe('You arrive at fridge 1. The fridge 1 is closed.');
    expect(run(world, 'cool mug 1 with fridge 1')).toBe('You cool the mug 1 using the fridge 1.');
    expect(run(world, 'examine mug 1')).toBe('This is a cool and clean mug 1.');
    expect(run(world, 'go to countertop 1')).toBe('You arrive at countertop 1. On the countertop 1, you see a apple 1, and a desklamp 1.');
    expect(run(world, 'use desklamp 1')).toBe('You turn on the desklamp 1.');
    expect(run(world, 'examine desklamp 1')).toBe('This desklamp 1 is on.');
    expect(run(world, 'take apple 1 from countertop 1')).toBe(nothingHappens); // hands are full
    expect(run(world, 'take desklamp 1 from countertop 1')).toBe(nothingHappens);
    expect(world.goalSatisfied()).toBe(false);
    expect(run(world, 'go to coffeemachine 1')).toBe('You arrive at coffeemachine 1. On the coffeemachine 1, you see nothing.');
    expect(run(world, 'go to coffeemachine 1')).toBe(nothingHappens);
    expect(run(world, 'put mug 1 in/on coffeemachine 1')).toBe('You put the mug 1 in/on the coffeemachine 1.');
    expect(world.goalSatisfied()).toBe(true);
  });

  it('does nothing for unknown names, things elsewhere, and treatments an object does not take', () => {
    const world = new HouseholdWorld(kitchen());
    for (const text of ['go to cabinet 9', 'open fridge 1', 'use desklamp 1', 'examine mug 1', 'examine cabinet 1', 'put mug 1 in/on cabinet 1']) {
      expect(run(world, text), text).toBe(nothingHappens);
    }
    run(world, 'go to countertop 1');
    run(world, 'take apple 1 from countertop 1');
    run(world, 'go to sinkbasin 1');
    expect(run(world, 'heat apple 1 with sinkbasin 1')).toBe(nothingHappens);
    expect(run(world, 'clean apple 1 with sinkbasin 1')).toBe('You clean the apple 1 using the sinkbasin 1.');
    expect(run(world, 'use floorlamp 1')).toBe('You turn on the floorlamp 1.');
    expect(run(world, 'use floorlamp 1')).toBe('You turn off the floorlamp 1.');
  });

  it('lists a command as admissible exactly when applying it does something (random play on generated levels)', () => {
    const random = new SeededRandom(5);
    let checkedStates = 0;
    for (const family of Object.values(householdTaskFamilies)) {
      for (let episode = 0; episode < 4; episode++) {
        const world = new HouseholdWorld(generateHouseholdLevel(family, random));
        for (let step = 0; step < 25; step++) {
          const listed = world.admissibleCommands();
          expect(new Set(listed).size).toBe(listed.length);
          // A refused command leaves the twin as it was, so only admissible ones need a fresh copy.
          let twin = new HouseholdWorld(structuredClone(world.state));
          const admissible = candidates(world.state).filter((command) => {
            if (!twin.apply(command).admissible) return false;
            twin = new HouseholdWorld(structuredClone(world.state));
            return true;
          });
          expect(admissible.map(canonicalText).sort()).toEqual([...listed].sort());
          checkedStates++;
          run(world, random.pick(listed));
        }
      }
    }
    expect(checkedStates).toBe(6 * 4 * 25);
  });
});

function canonicalText(command: HouseholdCommand): string {
  if ('target' in command) return `${command.verb} ${command.target}`;
  if ('object' in command) return `${command.verb} ${command.object} ${command.verb === 'take' ? 'from' : command.verb === 'put' ? 'in/on' : 'with'} ${command.receptacle}`;
  return command.verb;
}

/** Every command over the level's names that could matter here (all verbs, all names, the held object with every receptacle). */
function candidates(state: HouseholdState): HouseholdCommand[] {
  const receptacles = state.receptacles.map((receptacle) => receptacle.name);
  const objects = state.objects.map((object) => object.name);
  const commands: HouseholdCommand[] = [{ verb: 'inventory' }, { verb: 'look' }];
  for (const target of [...receptacles, ...objects]) {
    for (const verb of ['go to', 'open', 'close', 'examine', 'use'] as const) commands.push({ verb, target });
  }
  const here = state.agentAt === nowhere ? receptacles[0]! : receptacles[state.agentAt]!;
  for (const object of objects) commands.push({ verb: 'take', object, receptacle: here });
  const held = state.held === nowhere ? objects[0]! : objects[state.held]!;
  for (const receptacle of receptacles) {
    for (const verb of ['put', 'clean', 'heat', 'cool'] as const) commands.push({ verb, object: held, receptacle });
  }
  return commands;
}
