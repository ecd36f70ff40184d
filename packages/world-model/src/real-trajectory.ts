// Real episodes played for world-model evaluation and training: each step's observation, the
// model's state for it, the action, and what came of it.
import { SeededRandom, observationRecord } from '@worldloop/core';
import type { Environment, Observation, ObservationRecord, Transition, WorldModel } from '@worldloop/spec';
import type { BehaviourPolicy } from './behaviour-policy.js';

/** One real episode: `observations[t]` and `states[t]` before `actions[t]`; one more of each at the end. */
export interface RealTrajectory<State> {
  readonly seed: number;
  readonly observations: readonly ObservationRecord[];
  readonly states: readonly State[];
  readonly actions: readonly string[];
  readonly rewards: readonly number[];
  readonly terminated: readonly boolean[];
  readonly truncated: readonly boolean[];
  /** `info.success` at the end. */
  readonly success: boolean;
}

/** Options of {@link playRealTrajectories}. */
export interface RealTrajectoryOptions<State> {
  readonly environment: Environment<Observation, string>;
  readonly seeds: readonly number[];
  readonly behaviour: BehaviourPolicy;
  /** The model state of what the agent sees (default: the observation as plain data). */
  readonly stateOf?: (observation: Observation, environment: Environment<Observation, string>) => State;
  /** Step limit per episode (default: the environment's own). */
  readonly maxSteps?: number;
}

/** Plays one episode per seed with the behaviour policy (seeded by the episode's seed). */
export async function playRealTrajectories<State = ObservationRecord>(options: RealTrajectoryOptions<State>): Promise<RealTrajectory<State>[]> {
  const { environment, behaviour } = options;
  const stateOf = options.stateOf ?? ((observation: Observation) => observationRecord(observation) as unknown as State);
  const trajectories: RealTrajectory<State>[] = [];
  for (const seed of options.seeds) {
    const random = new SeededRandom(seed ^ 0x7a3d);
    const draw = (): number => random.next();
    let { observation } = await environment.reset({ seed });
    const observations = [observationRecord(observation)];
    const states = [stateOf(observation, environment)];
    const actions: string[] = [];
    const rewards: number[] = [];
    const terminated: boolean[] = [];
    const truncated: boolean[] = [];
    let success = false;
    const limit = options.maxSteps ?? environment.maxSteps ?? 1000;
    for (let step = 0; step < limit; step++) {
      const action = behaviour(environment, observation, draw);
      const result = await environment.step(action);
      observation = result.observation;
      actions.push(action);
      rewards.push(result.reward);
      terminated.push(result.terminated);
      truncated.push(result.truncated);
      observations.push(observationRecord(observation));
      states.push(stateOf(observation, environment));
      if (result.terminated || result.truncated) {
        success = result.info.success === true;
        break;
      }
    }
    trajectories.push({ seed, observations, states, actions, rewards, terminated, truncated, success });
  }
  return trajectories;
}

/** The transitions of real trajectories, in order. */
export function* trajectoryTransitions<State>(trajectories: Iterable<RealTrajectory<State>>): Iterable<Transition<State, string>> {
  for (const trajectory of trajectories) {
    for (let step = 0; step < trajectory.actions.length; step++) {
      yield {
        state: trajectory.states[step]!,
        action: trajectory.actions[step]!,
        nextState: trajectory.states[step + 1]!,
        reward: trajectory.rewards[step]!,
        terminated: trajectory.terminated[step]!,
        truncated: trajectory.truncated[step]!,
      };
    }
  }
}

/** Teaches `model` every transition of the trajectories; returns how many. */
export async function trainOnTrajectories<State>(model: WorldModel<State, string>, trajectories: Iterable<RealTrajectory<State>>): Promise<number> {
  if (model.update === undefined) return 0;
  let count = 0;
  for (const transition of trajectoryTransitions(trajectories)) {
    await model.update(transition);
    count++;
  }
  return count;
}
