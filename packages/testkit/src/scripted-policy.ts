// A policy that plays a fixed list of actions and records every input it was given.
import type { Decision, DecisionInput, EpisodeContext, EpisodePolicy, Policy } from '@worldloop/spec';

/** A step of a script: an action, or a function computing the decision (it may call tools). */
export type ScriptStep<Act> = Act | ((input: DecisionInput<any, Act>) => Decision<Act> | Promise<Decision<Act>>);

/**
 * Plays its script, the same in every episode, repeating the last step when it runs out.
 * `inputs` keeps what each decision was given, for assertions.
 */
export class ScriptedPolicy<Act = string> implements Policy<any, Act> {
  readonly name = 'scripted';
  readonly inputs: DecisionInput<any, Act>[] = [];
  readonly episodes: EpisodeContext[] = [];

  constructor(private readonly script: readonly ScriptStep<Act>[]) {
    if (script.length === 0) throw new RangeError('ScriptedPolicy needs at least one step');
  }

  begin(episode: EpisodeContext): EpisodePolicy<any, Act> {
    this.episodes.push(episode);
    let position = 0;
    return {
      decide: async (input) => {
        this.inputs.push(input);
        const step = this.script[Math.min(position++, this.script.length - 1)]!;
        return typeof step === 'function' ? (step as (input: DecisionInput<any, Act>) => Decision<Act> | Promise<Decision<Act>>)(input) : { action: step };
      },
    };
  }
}
