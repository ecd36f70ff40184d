// A skill as a policy sees it (Voyager): the action sequence of an earlier successful episode,
// recalled by similarity of its mission to the current one. A hint, not a plan to replay blindly.

/** A recalled skill: a `skill` memory read back as its name and actions. */
export interface Skill {
  /** Id of its `skill` memory. */
  readonly id: string;
  /** The mission it was learnt on. */
  readonly name: string;
  /** The executed actions of the successful episode, in order. */
  readonly actions: readonly string[];
  /** The environment it was learnt in. */
  readonly environmentId?: string;
  /** Recall score, 0..1; skills come highest first. */
  readonly score: number;
}
