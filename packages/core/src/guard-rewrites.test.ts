// The wording of guards' replacements, rebuilt from recorded verdicts: chains, rewrites to the same
// action, and a denial that ends the chain.
import type { GuardRecord } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { describeGuardRewrites, guardRewrites, stepRewriteNote } from './guard-rewrites.js';

describe('guard rewrites', () => {
  it('lists each replacement in order, skipping rewrites to the same action and stopping at a denial', () => {
    const verdicts: GuardRecord[] = [
      { guard: 'echo', verdict: { decision: 'rewrite', action: 'wait', reason: 'unchanged' } },
      { guard: 'no-waiting', verdict: { decision: 'rewrite', action: 'right', reason: 'keep moving.' } },
      { guard: 'careful', verdict: { decision: 'allow' } },
      { guard: 'slow', verdict: { decision: 'rewrite', action: { move: 'right', speed: 1 }, reason: ' one cell at a time ' } },
      { guard: 'stop', verdict: { decision: 'deny', reason: 'enough' } },
      { guard: 'late', verdict: { decision: 'rewrite', action: 'left', reason: 'never seen' } },
    ];
    expect(guardRewrites('wait', verdicts).map((rewrite) => rewrite.guard)).toEqual(['no-waiting', 'slow']);
    expect(stepRewriteNote({ action: 'wait', guardVerdicts: verdicts })).toBe(
      'Your action "wait" was replaced by "right" by guard no-waiting: keep moving; then "right" was replaced by {"move":"right","speed":1} by guard slow: one cell at a time.',
    );
    expect(describeGuardRewrites(guardRewrites('wait', verdicts.slice(0, 2)))).toBe('Your action "wait" was replaced by "right" by guard no-waiting: keep moving.');
  });

  it('gives no note when no guard replaced the action', () => {
    expect(stepRewriteNote({ action: 'wait', guardVerdicts: [] })).toBeUndefined();
    expect(stepRewriteNote({ action: 'wait', guardVerdicts: [{ guard: 'echo', verdict: { decision: 'rewrite', action: 'wait', reason: 'unchanged' } }] })).toBeUndefined();
    expect(stepRewriteNote({ action: 'wait', guardVerdicts: [{ guard: 'stop', verdict: { decision: 'deny', reason: 'no' } }] })).toBeUndefined();
  });
});
