// Describes which actions an environment accepts, to code (validate, list) and to models (describe).

/** The outcome of validating an action: the normalised action, or why it was refused. */
export type ActionValidation<Act = string> =
  | { readonly ok: true; readonly action: Act }
  | { readonly ok: false; readonly reason: string };

/**
 * The actions of an environment. `validate` never throws and never changes state;
 * `validActions` lists what the current state accepts when the space is enumerable.
 */
export interface ActionSpace<Act = string> {
  /** A description of the action language for prompts and help text. */
  describe(): string;
  /** Checks an action against the current state and normalises it (trimming, case). */
  validate(action: unknown): ActionValidation<Act>;
  /** Actions the current state accepts, when they can be listed (a finite, state-dependent set). */
  validActions?(): readonly Act[];
  /**
   * The low-level actions (one environment step each) when the space also has higher-level ones,
   * such as text commands planned into primitives. Baselines (random agents) and RL use these.
   */
  primitiveActions?(): readonly Act[];
}
