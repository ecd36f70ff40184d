// A policy that acts by planning: each step it imagines with a world model (through a planner) and
// takes the first action of the best imagined line. With `learn` it also teaches the model every
// real transition of its episodes, the last one included, so one policy object learns across a run;
// a transition is learnt under the action the world got (a guard's replacement, when there was one).
import { SeededRandom } from '@worldloop/core';
import {
  ConfigError,
  type ActionSpace,
  type Decision,
  type DecisionInput,
  type EpisodeContext,
  type EpisodeEnding,
  type EpisodePolicy,
  type Observation,
  type Policy,
} from '@worldloop/spec';
import type { ImaginingWorldModel } from './imagining-world-model.js';
import type { Planner } from './planner.js';

/** Which actions the policy chooses among. */
export type PlannerActionSet = 'valid' | 'primitive';

/** Options of a {@link WorldModelPlannerPolicy}. */
export interface WorldModelPlannerPolicyOptions<State, Act = string> {
  readonly model: ImaginingWorldModel<State, Act>;
  readonly planner: Planner<State, Act>;
  /** Recorded with runs (default `planner:<planner>:<model>`). */
  readonly name?: string;
  /**
   * The actions to choose among at each real step: `valid` (default) every action the environment
   * lists now, `primitive` its primitive actions (one environment step each; the valid actions,
   * planned like `valid`, when the space has none), or a fixed list.
   */
  readonly actions?: PlannerActionSet | readonly Act[];
  /**
   * Teach the model each real transition through `update` (default false). Leave it off when the
   * agent's own `worldModel` option already feeds the same model.
   */
  readonly learn?: boolean;
  /** Mixed into each episode's seed for the planner's random draws. */
  readonly salt?: number;
}

/**
 * Plans every decision from the state `model.stateOf` gives for what the agent sees (the
 * observation itself for models without `stateOf`; a simulator model reads the real environment,
 * which makes this a privileged policy). Decisions record `plannedValue`, `imaginedSteps` and the
 * imagined `line` in `info`.
 */
export class WorldModelPlannerPolicy<State, Act = string> implements Policy<Observation, Act> {
  readonly name: string;

  constructor(private readonly options: WorldModelPlannerPolicyOptions<State, Act>) {
    this.name = options.name ?? `planner:${options.planner.name}:${options.model.name}`;
  }

  begin(episode: EpisodeContext): EpisodePolicy<Observation, Act> {
    const { model, planner } = this.options;
    const random = new SeededRandom((episode.seed ^ (0x91a7 + (this.options.salt ?? 0))) >>> 0);
    const draw = (): number => random.next();
    const learn = this.options.learn === true && model.update !== undefined;
    const stateOf = (observation: Observation): State =>
      model.stateOf ? model.stateOf({ observation, environment: episode.environment }) : (observation as unknown as State);
    let previous: { readonly state: State; readonly action: Act } | undefined;

    return {
      decide: async (input: DecisionInput<Observation, Act>): Promise<Decision<Act>> => {
        const state = stateOf(input.percept.observation);
        const last = input.history.at(-1);
        // Learnt under the action sent (a guard may have replaced the planned one); a refused one changed nothing.
        if (learn && previous !== undefined && last !== undefined && last.accepted) {
          await model.update!({ state: previous.state, action: last.executedAction ?? previous.action, nextState: state, reward: last.reward, terminated: false, truncated: false });
        }
        const { actions, fixed } = this.candidates(input.actionSpace, input.percept.observation, episode);
        const plan = await planner.plan(model, { state, actions, fixedActions: fixed, random: draw, signal: input.signal });
        previous = { state, action: plan.action };
        return { action: plan.action, info: { plannedValue: plan.value, imaginedSteps: plan.imaginedSteps, line: plan.line.map(String) } };
      },
      end: async (ending?: EpisodeEnding<Observation, Act>): Promise<void> => {
        const step = ending?.lastStep;
        if (!learn || previous === undefined || step === undefined || !step.accepted || ending!.status === 'failed') return;
        await model.update!({
          state: previous.state,
          action: step.executedAction ?? previous.action,
          nextState: stateOf(ending!.observation),
          reward: step.reward,
          terminated: step.terminated,
          truncated: step.truncated,
        });
      },
    };
  }

  /**
   * The actions to choose among now, and whether they are the choices in every imagined state too:
   * a fixed list and primitive actions are; the valid actions a space without primitives falls
   * back to are not (they belong to this state only).
   */
  private candidates(actionSpace: ActionSpace<Act>, observation: Observation, episode: EpisodeContext): { readonly actions: readonly Act[]; readonly fixed: boolean } {
    const choice = this.options.actions ?? 'valid';
    if (typeof choice !== 'string') return { actions: choice as readonly Act[], fixed: true };
    const primitives = choice === 'primitive' ? actionSpace.primitiveActions?.() : undefined;
    const actions =
      choice === 'primitive'
        ? (primitives ?? actionSpace.validActions?.())
        : ((observation.validActions as readonly Act[] | undefined) ?? actionSpace.validActions?.());
    if (actions === undefined || actions.length === 0) {
      throw new ConfigError(`WorldModelPlannerPolicy found no actions to plan over in ${episode.environmentId}; pass the actions option.`);
    }
    return { actions, fixed: primitives !== undefined };
  }
}
