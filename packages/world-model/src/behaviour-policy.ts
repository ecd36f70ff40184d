// How the real trajectories of a world-model evaluation (and of its training data) are played:
// mostly the environment's expert, sometimes a random primitive action, so the data covers both
// the way to success and the states off it.
import type { Environment, Observation } from '@worldloop/spec';

/** Chooses the next real action of a data-collection episode. */
export type BehaviourPolicy = (environment: Environment<Observation, string>, observation: Observation, random: () => number) => string;

/**
 * The expert's action with probability `expertShare` (default 0.75), else a uniformly random action:
 * a primitive one (`level` `primitive`, the default; valid actions when the space has no
 * primitives), or any valid action, text commands included (`valid`). Environments without an
 * expert always get the random action.
 */
export function noisyExpertBehaviour(expertShare = 0.75, level: 'primitive' | 'valid' = 'primitive'): BehaviourPolicy {
  return (environment, observation, random) => {
    if (environment.expertAction !== undefined && random() < expertShare) {
      const action = environment.expertAction();
      if (action !== undefined) return action;
    }
    const primitives = level === 'primitive' ? environment.actionSpace.primitiveActions?.() : undefined;
    const choices = primitives ?? observation.validActions ?? environment.actionSpace.validActions?.() ?? [];
    if (choices.length === 0) throw new RangeError(`The behaviour policy found no action to take in ${environment.id}.`);
    return choices[Math.floor(random() * choices.length)]!;
  };
}
