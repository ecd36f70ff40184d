// How guards' replacements of a policy's action are told: the wording of `Percept.rewriteNote`, used
// by the Agent as a step happens and by dataset exports rebuilding it from a recorded step's verdicts.
import type { GuardRecord, StepRecord } from '@worldloop/spec';
import { formatAction } from './format-action.js';

/** One guard's replacement of the action it was shown. */
export interface GuardRewrite {
  readonly guard: string;
  /** The action the guard was shown (the proposed one, or an earlier guard's replacement). */
  readonly from: unknown;
  /** What the guard sent on instead. */
  readonly to: unknown;
  readonly reason: string;
}

/**
 * The replacements in guards' verdicts on `proposed`, in order: a rewrite to an action that reads the
 * same (`formatAction`) is none, and a denial ends the chain (nothing is sent after it).
 */
export function guardRewrites(proposed: unknown, verdicts: readonly GuardRecord[]): GuardRewrite[] {
  const rewrites: GuardRewrite[] = [];
  let current = proposed;
  for (const { guard, verdict } of verdicts) {
    if (verdict.decision === 'deny') break;
    if (verdict.decision !== 'rewrite') continue;
    if (formatAction(verdict.action) !== formatAction(current)) rewrites.push({ guard, from: current, to: verdict.action, reason: verdict.reason });
    current = verdict.action;
  }
  return rewrites;
}

/**
 * `Your action "a" was replaced by "b" by guard g: why; then "b" was replaced by "c" by guard h: why.`
 * String actions are quoted as JSON strings, others written as JSON.
 */
export function describeGuardRewrites(rewrites: readonly GuardRewrite[]): string {
  const quoted = (action: unknown): string => (typeof action === 'string' ? JSON.stringify(action) : formatAction(action));
  const parts = rewrites.map(
    (rewrite, index) => `${index === 0 ? 'Your action' : 'then'} ${quoted(rewrite.from)} was replaced by ${quoted(rewrite.to)} by guard ${rewrite.guard}: ${rewrite.reason.trim().replace(/\.$/, '')}`,
  );
  return `${parts.join('; ')}.`;
}

/**
 * The rewrite note a recorded step gave its policy (`Percept.rewriteNote`, or the opening of its
 * `feedback` when the replacement was refused), rebuilt from its guard verdicts; undefined when no
 * guard replaced the action. Exact for string actions (every language-model policy); a step records
 * its proposed action as text only, so a non-string one is quoted here as a string.
 */
export function stepRewriteNote(step: Pick<StepRecord, 'action' | 'guardVerdicts'>): string | undefined {
  const rewrites = guardRewrites(step.action, step.guardVerdicts);
  return rewrites.length > 0 ? describeGuardRewrites(rewrites) : undefined;
}
