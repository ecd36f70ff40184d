// The world-model tool for LLM policies: "imagine(action)" returns what the world model predicts
// the action would do from where the agent stands, so the model can check an action before
// committing to it. Up to a few follow-up actions can be imagined in the same call.
import { defineTool } from '@worldloop/core';
import { InvalidActionError, type Tool } from '@worldloop/spec';
import { z } from 'zod';
import type { AgentSituations } from './agent-situations.js';
import type { ImaginingWorldModel } from './imagining-world-model.js';

/** Options of {@link imagineTool}. */
export interface ImagineToolOptions<State> {
  readonly model: ImaginingWorldModel<State, string>;
  /** Where the tool learns what the calling episode sees now (attach it to the agent's events). */
  readonly situations: AgentSituations;
  /** Default `imagine`. */
  readonly name?: string;
  /** Follow-up actions one call may imagine after the first (default 4). */
  readonly maxFollowUps?: number;
}

/** One imagined step as the tool reports it. */
export interface ImaginedStep {
  readonly action: string;
  /** The predicted observation text, when the model predicts text. */
  readonly observation?: string;
  readonly reward?: number;
  readonly terminated?: boolean;
  /** 0..1. */
  readonly confidence: number;
  /** Why the environment would refuse the action (the imagined line stops there). */
  readonly refused?: string;
}

/** What the tool returns. */
export interface ImagineToolOutput {
  readonly steps: readonly ImaginedStep[];
}

const inputSchema = z.object({
  action: z.string().min(1).describe('The action to imagine, exactly as you would send it.'),
  then: z.array(z.string().min(1)).optional().describe('Actions to imagine after it, in order (optional).'),
});

/**
 * A tool that imagines actions with `model` from the caller's current state. Nothing is sent to the
 * environment. A refused action is reported in the output (`refused`), not as a tool failure.
 *
 * @example
 * const situations = new AgentSituations();
 * const tools = new ToolRegistry([imagineTool({ model, situations })]);
 * const agent = new Agent({ policy, tools });
 * situations.attach(agent.events);
 */
export function imagineTool<State>(options: ImagineToolOptions<State>): Tool<z.infer<typeof inputSchema>, ImagineToolOutput> {
  const { model, situations } = options;
  const maxFollowUps = options.maxFollowUps ?? 4;
  return defineTool({
    name: options.name ?? 'imagine',
    description:
      'Imagine what an action would do, without doing it: returns the predicted observation, reward, whether the episode ' +
      `would end, and how confident the prediction is. Give "then" to imagine up to ${maxFollowUps} more actions after it.`,
    inputSchema,
    execute: async (input, context): Promise<ImagineToolOutput> => {
      const view = context.episodeIndex === undefined ? undefined : situations.get(context.episodeIndex);
      if (view === undefined) throw new Error('imagine was called outside a running episode: attach its AgentSituations to the agent\'s events.');
      let state = model.stateOf ? model.stateOf(view) : (view.observation as unknown as State);
      const steps: ImaginedStep[] = [];
      for (const action of [input.action, ...(input.then ?? []).slice(0, maxFollowUps)]) {
        try {
          const imagined = await model.imagine(state, action, { signal: context.signal });
          const { observationText, reward, terminated, confidence } = imagined.prediction;
          steps.push({
            action,
            ...(observationText !== undefined ? { observation: observationText } : {}),
            ...(reward !== undefined ? { reward } : {}),
            ...(terminated !== undefined ? { terminated } : {}),
            confidence,
          });
          if (terminated === true || imagined.truncated === true) break;
          state = imagined.nextState;
        } catch (error) {
          if (!(error instanceof InvalidActionError)) throw error;
          steps.push({ action, confidence: 1, refused: error.message });
          break;
        }
      }
      return { steps };
    },
  });
}
