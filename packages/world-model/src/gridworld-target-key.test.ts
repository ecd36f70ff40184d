// The target-relative key reads the gridworld's observations as the gridworld writes them: where
// the mission's target is from the agent's point of view, what is in front, what is carried.
import { gridworldEnvironments } from '@worldloop/gridworld';
import { describe, expect, it } from 'vitest';
import { featureStateKey } from './feature-state-key.js';
import { gridworldTargetKey } from './gridworld-target-key.js';

const map = ['##########', '##..Or..##', '##..vv..##', '##..Ob..##', '##########'].join('\n');
const observation = (mission: string, direction: number, carrying = 'none') => ({
  text: 'x',
  mission,
  parts: [{ type: 'text' as const, label: 'map', text: map }],
  features: { x: 2, y: 2, direction, carrying, front: 'x', doors: '' },
});

describe('gridworldTargetKey', () => {
  it('places the target ahead / right of the agent whichever way it faces', () => {
    // The red ball is one row north of the agent, the blue ball one row south.
    expect(gridworldTargetKey(observation('pick up the red ball', 3))).toBe('pick up:1,0:target:nothing');
    expect(gridworldTargetKey(observation('pick up the red ball', 1))).toBe('pick up:-1,0:object:nothing');
    expect(gridworldTargetKey(observation('go to the red ball', 0))).toBe('go to:0,-1:floor:nothing');
    expect(gridworldTargetKey(observation('go to the blue ball', 0))).toBe('go to:0,1:floor:nothing');
    expect(gridworldTargetKey(observation('go to the ball', 1, 'green key'))).toBe('go to:1,0:target:other');
  });

  it('says when the target is carried or nowhere on the map', () => {
    expect(gridworldTargetKey(observation('pick up the green ball', 3, 'green ball'))).toBe('pick up:none:object:target');
    expect(gridworldTargetKey(observation('open the red door', 3))).toBe('open:none:object:nothing');
  });

  it('falls back to the feature key for observations it cannot read', () => {
    const other = { text: 'x', mission: 'make a sword', features: { position: 1 } };
    expect(gridworldTargetKey(other)).toBe(featureStateKey(other));
  });

  it('agrees with the real environment: facing the target means ahead 1, right 0', async () => {
    for (const spec of gridworldEnvironments.filter((candidate) => /PickupLoc|GoToLocal|OpenDoor/.test(candidate.id))) {
      const environment = spec.create();
      for (let seed = 0; seed < 5; seed++) {
        await environment.reset({ seed });
        let result;
        for (let step = 0; step < 100; step++) {
          const action = environment.expertAction!();
          if (action === undefined) break;
          result = await environment.step(action);
          if (result.terminated || result.truncated) break;
          const key = gridworldTargetKey(result.observation);
          if (key.includes(':target:')) expect(key).toMatch(/^[a-z ]+:1,0:target:/);
        }
        expect(result?.info.success).toBe(true);
      }
    }
  });
});
