// RuleReflector on hand-made steps: failures by error, no summary for an aborted episode, long
// action lists cut, links only to memories it was given, and refusals of a guard's replacement.
import { describe, expect, it } from 'vitest';
import type { EpisodeOutcome, MemoryRecord, StepRecord } from '@worldloop/spec';
import { RuleReflector } from './rule-reflector.js';

function step(stepIndex: number, action: string, memoryId: string): StepRecord {
  return {
    stepIndex,
    observation: { text: '' },
    action,
    executedAction: action,
    accepted: true,
    reward: 0,
    terminated: false,
    truncated: false,
    info: {},
    toolCalls: [],
    modelCalls: [],
    guardVerdicts: [],
    memoryReads: [],
    memoryWrites: [{ id: memoryId }],
    timings: { perceiveMs: 0, planMs: 0, actMs: 0, rememberMs: 0 },
    startedAt: 0,
  };
}

const record = (id: string): MemoryRecord => ({ id, kind: 'action-outcome', text: id, namespace: 'agent:a', importance: 0.1, createdAt: 0 });
const outcome = (fields: Partial<EpisodeOutcome>): EpisodeOutcome => ({ status: 'finished', success: false, totalReward: 0, stepCount: 3, invalidActionCount: 0, terminated: false, truncated: true, ...fields });
const steps = [step(0, 'left', 'm0'), step(1, 'left', 'm1'), step(2, 'wait', 'm2')];

describe('RuleReflector', () => {
  it('names the error of a failed episode and links only to the memories given', async () => {
    const result = await new RuleReflector().reflect({ memories: [record('m0'), record('m2')], steps, outcome: outcome({ status: 'failed', truncated: false, error: 'policy crashed' }), namespace: 'agent:a' });
    expect(result.memories).toEqual([
      {
        kind: 'reflection',
        text: 'In this task: failed: the episode failed (policy crashed) after 3 steps; actions taken: left ×2, wait. Try a different approach.',
        importance: 0.9,
        namespace: 'agent:a',
        links: ['m0', 'm2'],
        payload: { reflector: 'rule' },
      },
    ]);
  });

  it('writes no summary for an aborted episode and cuts long action lists', async () => {
    expect((await new RuleReflector().reflect({ memories: [], steps, outcome: outcome({ status: 'aborted' }), namespace: 'agent:a' })).memories).toEqual([]);
    const success = await new RuleReflector({ maxActionsListed: 2 }).reflect({ memories: [], steps, outcome: outcome({ success: true, terminated: true, truncated: false }), mission: 'go', namespace: 'agent:a' });
    expect(success.memories.map((memory) => [memory.text, memory.links])).toEqual([['In go: succeeded in 3 steps by: left ×2 (and 1 more)', undefined]]);
  });

  it("names the action refused: a guard's replacement, whether the environment or a later guard refused it", async () => {
    const rewrite = (action: string, reason: string) => ({ guard: 'mirror', verdict: { decision: 'rewrite' as const, action, reason } });
    const refused = (index: number, fields: Partial<StepRecord>): StepRecord => ({ ...step(index, 'x', `r${index}`), accepted: false, ...fields });
    const input = {
      memories: [],
      steps: [
        // Replaced by "jump", sent, refused by the environment.
        refused(0, { action: 'left', executedAction: 'jump', guardVerdicts: [rewrite('jump', 'try jumping')], feedback: 'Invalid action "jump".' }),
        // Replaced by "left", then denied by a later guard: nothing sent.
        refused(1, {
          action: 'wait',
          executedAction: undefined,
          guardVerdicts: [rewrite('left', 'back up'), { guard: 'no-left', verdict: { decision: 'deny', reason: 'never go back' } }],
          feedback: 'Action left was refused by guard no-left: never go back',
        }),
        // Denied as proposed.
        refused(2, { action: 'left', executedAction: undefined, guardVerdicts: [{ guard: 'no-left', verdict: { decision: 'deny', reason: 'never go back' } }], feedback: 'Action left was refused by guard no-left: never go back' }),
      ],
      mission: 'go',
      namespace: 'agent:a',
    };
    const result = await new RuleReflector().reflect(input);
    expect(result.memories.map((memory) => memory.text)).toEqual([
      'In go, jump was refused: Invalid action "jump".',
      'In go, left was refused: Action left was refused by guard no-left: never go back',
    ]);
  });
});
