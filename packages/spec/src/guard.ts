// Guards check a proposed action before it reaches the environment: allow, deny, or rewrite.
import type { Observation } from './observation.js';

/** What a guard sees: the action the policy proposed and the situation it was proposed in. */
export interface GuardInput<Act = string> {
  readonly episodeIndex: number;
  readonly stepIndex: number;
  readonly observation: Observation;
  readonly action: Act;
}

/**
 * A guard's decision. A denial goes back to the policy as feedback, like an invalid action; a
 * rewrite's replacement is sent instead, and the policy is told so at its next step
 * (`Percept.rewriteNote`, with `reason`).
 */
export type GuardVerdict<Act = string> =
  | { readonly decision: 'allow' }
  | { readonly decision: 'deny'; readonly reason: string }
  | { readonly decision: 'rewrite'; readonly action: Act; readonly reason: string };

/** A check on actions (a constitution, a safety rule, a budget). */
export interface Guard<Act = string> {
  readonly name: string;
  check(input: GuardInput<Act>): GuardVerdict<Act> | Promise<GuardVerdict<Act>>;
}
