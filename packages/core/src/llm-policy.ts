// A policy that asks a language model what to do, with a prefix-stable prompt (see PromptBuilder).
// Model-side mistakes (no action, broken JSON, an invalid action, unknown tools) go back to the
// model as messages and it retries within the step; they never throw. Backend failures
// (ModelBackendError) propagate and the loop fails the episode. Until the backend has reported a
// prompt size (usage.promptTokens), budgets rest on the plain estimate (characters / 4 by default).
import {
  AbortedError,
  ConfigError,
  type ActionSpace,
  type ChatMessage,
  type Decision,
  type DecisionInput,
  type EpisodeContext,
  type EpisodePolicy,
  type GenerateRequest,
  type GenerateResult,
  type LanguageModel,
  type ModelCallRecord,
  type ModelToolCall,
  type Observation,
  type Policy,
  type SamplingParameters,
  type ToolDefinition,
  type ToolResult,
} from '@worldloop/spec';
import { actionFromArguments, parseActionReply } from './action-reply-parser.js';
import { PromptBuilder } from './prompt-builder.js';
import { estimateTokensByCharacters, type TokenEstimator } from './token-estimator.js';

/**
 * How the model names its action. `native`: it calls a synthetic `act` tool
 * (`{"action": "..."}`) through the backend's tool calling, other tools likewise; a reply that
 * writes the call or an "Action:" line as text is still understood. `text`: ReAct style,
 * "Thought: ..." then "Action: ...", tools described in the system message and called as
 * `<tool_call>{...}</tool_call>` text. `auto` (default): `native` when the backend declares tool calls.
 */
export type ActionMode = 'native' | 'text';

/** Options of an {@link LlmPolicy}. */
export interface LlmPolicyOptions {
  readonly model: LanguageModel;
  /** Recorded with runs (default `llm:<modelId>`). */
  readonly name?: string;
  /** Default `auto`: `native` when `model.capabilities.toolCalls`, else `text`. */
  readonly actionMode?: ActionMode | 'auto';
  /** Replaces the default first paragraph of the system message (who the agent is, how to answer). */
  readonly instructions?: string;
  /** Sent with every request and recorded with every model call. */
  readonly sampling?: SamplingParameters;
  /**
   * Asks for token log probabilities on every call (`GenerateRequest.logprobs`: alternatives per
   * token); they come back in each recorded call's result, for RL on the model's own samples.
   */
  readonly logprobs?: number;
  /** Extra attempts after a reply without a valid action, per step (default 2). */
  readonly maxRetriesPerStep?: number;
  /** Tool calls the model may make per step, the act call aside (default 4). */
  readonly maxToolCallsPerStep?: number;
  /**
   * Sent instead when the retries run out (BALROG-style default action). Absent (default): the
   * model's last action is sent as it was, or "" when it never named one; the environment refuses
   * it and the loop counts an invalid action.
   */
  readonly fallbackAction?: string;
  /** Context window in tokens (default `model.capabilities.contextTokens`). */
  readonly contextTokens?: number;
  /** Tokens kept free for the completion (default `sampling.maxTokens`, else 1,024). */
  readonly completionTokens?: number;
  /** Safety margin for estimation error, in tokens (default 5% of the context window). */
  readonly marginTokens?: number;
  /** Share of the history budget each trim frees (default 0.25; see `PromptBuilderOptions`). */
  readonly trimFraction?: number;
  /**
   * Token counter (default: the backend's `countTokens` where it has one, else characters / 4). Either
   * way the estimates are scaled by the largest real / estimated ratio seen so far, learnt from the
   * backend's `usage.promptTokens`, so a tokenizer far from 4 characters a token is trimmed in time
   * from the second call on.
   */
  readonly estimateTokens?: TokenEstimator;
  /**
   * Also show the current observation's labelled text parts (a map) in the volatile tail, after its
   * text (default false: `Observation.text` is what a model reads; parts are extra views, and the
   * gridworld's map shows the whole grid, which text-only baselines do not see). History keeps the
   * text only either way.
   */
  readonly showObservationParts?: boolean;
  /** Name of the synthetic tool that takes the action (default `act`). */
  readonly actionToolName?: string;
  /**
   * Native mode: when the observation lists its valid actions (at most
   * {@link MAX_CONSTRAINED_ACTIONS}), the act tool's `action` is decoded as one of them, through
   * `ToolDefinition.decodingParameters`. Grammar-constrained backends (in-process llama.cpp, servers
   * in JSON-schema tool mode) then never produce an invalid action, and spend a few tokens on it
   * instead of free text. The prompt is unchanged (the valid actions are listed in its volatile tail
   * either way). Default true; false lets the model write any action, e.g. to measure how well it
   * follows the action language unaided.
   */
  readonly constrainActions?: boolean;
}

/** Above this many valid actions the act tool is not narrowed (the grammar would outgrow its use). */
export const MAX_CONSTRAINED_ACTIONS = 512;

/** What an {@link LlmPolicy} records in `Decision.info` (and so in `StepRecord.policyInfo`). */
export interface LlmDecisionInfo {
  readonly [key: string]: unknown;
  readonly actionMode: ActionMode;
  /** Generate calls made for this step. */
  readonly modelCalls: number;
  /** Replies without a valid action (each answered with a correction, unless retries ran out). */
  readonly invalidAttempts: number;
  /** The corrections sent to the model, in order. */
  readonly corrections: readonly string[];
  /** Tool calls executed for this step (the act call aside). */
  readonly toolCalls: number;
  /**
   * `valid`: the model named a valid action. `retries-exhausted`: it did not within the retries.
   * `context-full`: another attempt (a correction or tool results) would not fit the context window.
   */
  readonly outcome: 'valid' | 'retries-exhausted' | 'context-full';
  /** Whether `fallbackAction` was sent instead of the model's action. */
  readonly fallbackUsed: boolean;
  /** Earlier steps dropped from the prompt to fit the context window. */
  readonly omittedSteps: number;
  /** Estimated prompt tokens of the last call (after calibration). */
  readonly promptTokens: number;
  /** Real / estimated prompt tokens, learnt from the backend's `usage.promptTokens` (1 until it reports any). */
  readonly tokenScale: number;
}

/**
 * What the backend's reported prompt sizes taught about the token estimator, shared by the episodes
 * of one policy: the largest real / estimated ratio seen (estimates err low on some tokenizers).
 */
interface TokenCalibration {
  scale: number;
  observed: boolean;
}

const DEFAULT_COMPLETION_TOKENS = 1024;

const TEXT_INSTRUCTIONS = (environmentId: string): string =>
  [
    `You are an agent acting in the environment ${environmentId}. At each step you receive an observation; you answer with your reasoning and exactly one action, in this format:`,
    'Thought: <your reasoning, briefly>',
    'Action: <one action>',
    'If an action is not valid you are told why and may answer again. Actions are described below.',
  ].join('\n');

const NATIVE_INSTRUCTIONS = (environmentId: string, actionToolName: string): string =>
  [
    `You are an agent acting in the environment ${environmentId}. At each step you receive an observation; you choose exactly one action by calling the ${actionToolName} tool with {"action": "<one action>"}.`,
    `You may call the other tools first; their results come back before you act. Write your reasoning briefly before calling ${actionToolName}.`,
    'If an action is not valid you are told why and may answer again. Actions are described below.',
  ].join('\n');

/**
 * Drives a {@link LanguageModel} as an agent. Each episode keeps its own transcript in a
 * {@link PromptBuilder}, so one policy serves many concurrent episodes.
 *
 * Per step: the prompt is built (system, earlier steps, the observation with the volatile context
 * last), the model is called, its tool calls run through `input.tools` (validated and recorded by
 * the agent) and their results go back to it, up to `maxToolCallsPerStep`; its action is checked with
 * `actionSpace.validate` and, when missing or invalid, the model is told exactly what was wrong and
 * asked again, up to `maxRetriesPerStep` times. Every generate call is in `Decision.modelCalls`;
 * counts are in `Decision.info` ({@link LlmDecisionInfo}). What became of the action reaches the model
 * at the next step, in the act call's result (native) or the opening message: a refusal
 * (`Percept.feedback`), or a guard's replacement of it (`Percept.rewriteNote`).
 *
 * A reply that calls tools is answered with their results and the model is asked again: an action in
 * the same reply is not taken (it was chosen before the results were known), unless the tool-call
 * limit refused every call of that reply.
 *
 * Context window: the prompt is kept under `contextTokens - completionTokens - marginTokens` by
 * dropping the oldest steps (see `PromptBuilder`), with token estimates calibrated against the
 * backend's reported prompt sizes. The current step cannot be trimmed: when another attempt or more
 * tool results would not fit, the step ends (`outcome: 'context-full'`) as if the retries had run out.
 */
export class LlmPolicy implements Policy<Observation, string> {
  readonly name: string;
  private readonly calibration: TokenCalibration = { scale: 1, observed: false };

  constructor(private readonly options: LlmPolicyOptions) {
    this.name = options.name ?? `llm:${options.model.modelId}`;
    const { maxRetriesPerStep = 2, maxToolCallsPerStep = 4 } = options;
    if (!Number.isInteger(maxRetriesPerStep) || maxRetriesPerStep < 0) throw new ConfigError(`maxRetriesPerStep must be a non-negative integer, got ${maxRetriesPerStep}.`);
    if (!Number.isInteger(maxToolCallsPerStep) || maxToolCallsPerStep < 0) throw new ConfigError(`maxToolCallsPerStep must be a non-negative integer, got ${maxToolCallsPerStep}.`);
  }

  /** The action mode episodes use, after resolving `auto` against the model's capabilities. */
  get actionMode(): ActionMode {
    const mode = this.options.actionMode ?? 'auto';
    if (mode !== 'auto') return mode;
    return this.options.model.capabilities.toolCalls ? 'native' : 'text';
  }

  begin(episode: EpisodeContext): EpisodePolicy<Observation, string> {
    return new LlmEpisodePolicy(this.options, this.actionMode, episode, this.calibration);
  }
}

/** A model reply, read. */
interface Reply {
  readonly assistant: ChatMessage;
  /** Whether the tool calls came through the backend's tool calling (answered with tool messages). */
  readonly native: boolean;
  /** Calls to tools other than the action tool. */
  readonly toolCalls: readonly ModelToolCall[];
  /** Native calls of the action tool (the first one names the action). */
  readonly actCalls: readonly ModelToolCall[];
  readonly action?: string;
  readonly problem?: string;
  readonly thought?: string;
}

/** One episode of an LlmPolicy: its prompt, and the act call waiting for its outcome. */
class LlmEpisodePolicy implements EpisodePolicy<Observation, string> {
  private builder: PromptBuilder | undefined;
  private requestTools: readonly ToolDefinition[] | undefined;
  private pendingActCallId: string | undefined;
  private readonly actionToolName: string;
  private readonly maxRetries: number;
  private readonly maxToolCalls: number;

  constructor(
    private readonly options: LlmPolicyOptions,
    private readonly mode: ActionMode,
    private readonly episode: EpisodeContext,
    private readonly calibration: TokenCalibration,
  ) {
    this.actionToolName = options.actionToolName ?? 'act';
    this.maxRetries = options.maxRetriesPerStep ?? 2;
    this.maxToolCalls = options.maxToolCallsPerStep ?? 4;
  }

  async decide(input: DecisionInput<Observation, string>): Promise<Decision<string>> {
    const builder = this.builder ?? this.start(input);
    const { percept, actionSpace, stepIndex } = input;
    let feedback = percept.feedback;
    let rewriteNote = percept.rewriteNote;
    if (this.pendingActCallId !== undefined) {
      // The previous step's act call is answered with its outcome, closing that turn: refused, done
      // as called, or replaced by a guard (the model must not believe it did what it called).
      builder.append({ role: 'tool', toolCallId: this.pendingActCallId, name: this.actionToolName, content: feedback ?? rewriteNote ?? 'Done.' });
      this.pendingActCallId = undefined;
      feedback = undefined;
      rewriteNote = undefined;
    }
    const reward = input.history.at(-1)?.reward;
    const showParts = this.options.showObservationParts ?? false;
    const validActions = actionSpace.validActions?.();
    builder.beginTurn(
      {
        observationText: percept.observation.text,
        ...(feedback !== undefined ? { feedback } : {}),
        ...(rewriteNote !== undefined ? { rewriteNote } : {}),
        ...(reward !== undefined ? { reward } : {}),
      },
      {
        ...(showParts && percept.observation.parts ? { parts: percept.observation.parts } : {}),
        ...(percept.skills !== undefined ? { skills: percept.skills } : {}),
        memories: percept.memories,
        ...(validActions ? { validActions } : {}),
        stepIndex,
        maxSteps: this.episode.maxSteps,
        reminder: this.mode === 'native' ? `Call ${this.actionToolName} with one valid action.` : 'Answer with "Thought: ..." then "Action: <one valid action>".',
      },
    );

    const modelCalls: ModelCallRecord[] = [];
    const corrections: string[] = [];
    const sampling = this.options.sampling;
    let invalidAttempts = 0;
    let toolCallsUsed = 0;
    let lastCandidate: string | undefined;
    let reasoning: string | undefined;

    const finish = (action: string, outcome: LlmDecisionInfo['outcome'], fallbackUsed: boolean): Decision<string> => {
      const info: LlmDecisionInfo = {
        actionMode: this.mode,
        modelCalls: modelCalls.length,
        invalidAttempts,
        corrections,
        toolCalls: toolCallsUsed,
        outcome,
        fallbackUsed,
        omittedSteps: builder.omittedSteps,
        promptTokens: builder.estimatePromptTokens(),
        tokenScale: Math.round(builder.tokenScale * 1000) / 1000,
      };
      return { action, ...(reasoning !== undefined ? { reasoning } : {}), modelCalls, info };
    };

    for (;;) {
      if (input.signal.aborted) throw new AbortedError('The episode was aborted while the model was deciding.');
      builder.tokenScale = this.calibration.scale;
      const messages = builder.messages();
      const estimated = builder.estimatePromptTokens() / builder.tokenScale;
      const tools = this.requestTools ? this.toolsForStep(this.requestTools, validActions) : undefined;
      const request: GenerateRequest = {
        messages,
        // Native mode: every reply is a tool call (the act tool or another), so constrained backends
        // (llama.cpp grammars, vLLM guided decoding) never spend tokens on free text.
        ...(tools ? { tools, toolChoice: 'required' as const } : {}),
        ...(sampling ? { sampling } : {}),
        ...(this.options.logprobs !== undefined ? { logprobs: this.options.logprobs } : {}),
        signal: input.signal,
      };
      const startedAt = Date.now();
      const result = await this.options.model.generate(request);
      const { provider, modelId } = this.options.model;
      modelCalls.push({ model: { provider, modelId }, startedAt, messages, ...(this.requestTools ? { tools: this.requestTools } : {}), ...(sampling ? { sampling } : {}), result });
      this.calibrate(result, estimated);
      builder.tokenScale = this.calibration.scale; // the checks below use what this call taught

      const reply = this.read(result, input, modelCalls.length);
      builder.append(reply.assistant);
      if (reply.thought !== undefined) reasoning = reply.thought;
      const toolMessages: ChatMessage[] = [];
      const notes: string[] = [];
      const answerCall = (call: ModelToolCall, content: string): void => {
        if (reply.native) toolMessages.push({ role: 'tool', toolCallId: call.id, name: call.name, content });
        else notes.push(`Result of ${call.name}: ${content}`);
      };
      const flush = (withNotes: boolean): void => {
        builder.append(...toolMessages);
        if (withNotes && notes.length > 0) builder.append({ role: 'user', content: notes.join('\n\n') });
      };

      // Ends the step without a valid action. The action sent is the fallback, else the model's
      // last one (the environment refuses it and the loop counts it), else "".
      const giveUp = (outcome: 'retries-exhausted' | 'context-full', reason: string, actCall: ModelToolCall | undefined): Decision<string> => {
        const fallback = this.options.fallbackAction;
        if (actCall) {
          // The act call is answered by the outcome at the next step when its action is what was sent.
          if (fallback === undefined && reply.action !== undefined) this.pendingActCallId = actCall.id;
          else toolMessages.push({ role: 'tool', toolCallId: actCall.id, name: actCall.name, content: `Not taken: ${reason}${fallback !== undefined ? `; ${JSON.stringify(fallback)} was sent instead` : ''}.` });
        }
        flush(false); // text-mode notes would leave two user messages in a row; they are dropped
        return finish(fallback ?? lastCandidate ?? '', outcome, fallback !== undefined);
      };
      const pending = (): ChatMessage[] => [...toolMessages, ...(notes.length > 0 ? [{ role: 'user' as const, content: notes.join('\n\n') }] : [])];
      const contextFull = 'no room is left in the context window for another attempt';

      // Tool calls first: their results go back and the model decides again.
      if (reply.toolCalls.length > 0) {
        let executed = 0;
        for (const call of reply.toolCalls) {
          if (toolCallsUsed >= this.maxToolCalls) {
            answerCall(call, `Not run: the limit of ${this.maxToolCalls} tool calls per step is reached. Choose your action now.`);
            continue;
          }
          toolCallsUsed++;
          executed++;
          answerCall(call, toolResultText(await input.tools.call(call.name, call.arguments, { id: call.id })));
        }
        if (executed > 0) {
          for (const call of reply.actCalls) toolMessages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: 'Not taken: this reply also called tools. Read their results, then choose your action.' });
          if (!reply.native && reply.action !== undefined) notes.push('Your action was not taken because the reply also called tools. Read the results, then choose your action.');
          if (!builder.fits(pending())) return giveUp('context-full', contextFull, undefined);
          flush(true);
          continue;
        }
      }

      // Extra act calls in one reply are answered and ignored.
      for (const call of reply.actCalls.slice(1)) toolMessages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: 'Ignored: one action per step; the first call was used.' });
      const actCall = reply.actCalls[0];

      let problem: string;
      if (reply.action !== undefined) {
        lastCandidate = reply.action;
        const validation = actionSpace.validate(reply.action);
        if (validation.ok) {
          if (actCall) this.pendingActCallId = actCall.id;
          flush(false);
          return finish(validation.action, 'valid', false);
        }
        problem = `Your action ${JSON.stringify(reply.action)} is not valid: ${validation.reason.replace(/\.$/, '')}.`;
      } else {
        problem = reply.problem ?? 'Your reply has no action.';
        if (result.finishReason === 'length') problem += ' It was cut off at the token limit; answer more briefly.';
      }

      invalidAttempts++;
      if (invalidAttempts > this.maxRetries) return giveUp('retries-exhausted', `${problem} No retries left`, actCall);
      const correction = [problem, validActionsLine(actionSpace), this.retryHint(reply, actCall)].filter((line) => line !== '').join(' ');
      const correctionMessage: ChatMessage | undefined = actCall ? { role: 'tool', toolCallId: actCall.id, name: actCall.name, content: correction } : undefined;
      if (!builder.fits([...pending(), ...(correctionMessage ? [correctionMessage] : [{ role: 'user' as const, content: correction }])])) {
        return giveUp('context-full', `${problem} ${contextFull[0]!.toUpperCase()}${contextFull.slice(1)}`, actCall);
      }
      corrections.push(correction);
      if (correctionMessage) toolMessages.push(correctionMessage);
      else notes.push(correction);
      flush(true);
    }
  }

  /** The request's tools: the act tool narrowed to the valid actions when they are listed and `constrainActions` holds. */
  private toolsForStep(tools: readonly ToolDefinition[], validActions: readonly string[] | undefined): readonly ToolDefinition[] {
    if (this.options.constrainActions === false || !validActions || validActions.length === 0 || validActions.length > MAX_CONSTRAINED_ACTIONS) return tools;
    const decodingParameters = {
      type: 'object',
      properties: { action: { type: 'string', enum: [...validActions] } },
      required: ['action'],
      additionalProperties: false,
    };
    return tools.map((tool) => (tool.name === this.actionToolName ? { ...tool, decodingParameters } : tool));
  }

  /** Learns how far the estimator is from the backend's real prompt size (the largest ratio wins). */
  private calibrate(result: GenerateResult, estimated: number): void {
    const real = result.usage?.promptTokens;
    if (real === undefined || !(real > 0) || !(estimated > 0)) return;
    const ratio = real / estimated;
    if (!this.calibration.observed || ratio > this.calibration.scale) this.calibration.scale = ratio;
    this.calibration.observed = true;
  }

  /** Builds the fixed part of the prompt from the first step's action space and tools. */
  private start(input: DecisionInput<Observation, string>): PromptBuilder {
    const definitions = input.tools.definitions;
    if (definitions.some((definition) => definition.name === this.actionToolName)) {
      throw new ConfigError(`A tool is named ${JSON.stringify(this.actionToolName)}, which LlmPolicy uses to take actions; rename the tool or set actionToolName.`);
    }
    const { model } = this.options;
    const estimate = this.options.estimateTokens ?? (this.options.model.countTokens ? (text: string) => this.options.model.countTokens!(text) : estimateTokensByCharacters);
    if (this.mode === 'native') this.requestTools = [...definitions, actToolDefinition(this.actionToolName)];
    const contextTokens = this.options.contextTokens ?? model.capabilities.contextTokens;
    const completionTokens = this.options.completionTokens ?? this.options.sampling?.maxTokens ?? DEFAULT_COMPLETION_TOKENS;
    const marginTokens = this.options.marginTokens ?? Math.ceil(contextTokens * 0.05);
    const environmentId = this.episode.environmentId;
    this.builder = new PromptBuilder({
      instructions: this.options.instructions ?? (this.mode === 'native' ? NATIVE_INSTRUCTIONS(environmentId, this.actionToolName) : TEXT_INSTRUCTIONS(environmentId)),
      actionDescription: input.actionSpace.describe(),
      ...(this.mode === 'text' ? { tools: definitions } : {}),
      ...(this.episode.mission !== undefined ? { mission: this.episode.mission } : {}),
      maxPromptTokens: contextTokens - completionTokens - marginTokens,
      fixedTokens: this.requestTools ? estimate(JSON.stringify(this.requestTools)) : 0,
      ...(this.options.trimFraction !== undefined ? { trimFraction: this.options.trimFraction } : {}),
      estimateTokens: estimate,
    });
    return this.builder;
  }

  /** Reads a reply: native tool calls when there are any, else the text (ReAct lines, calls written as text). */
  private read(result: GenerateResult, input: DecisionInput<Observation, string>, callNumber: number): Reply {
    const idPrefix = `step-${input.stepIndex}-reply-${callNumber}-call-`;
    if (result.toolCalls.length > 0) {
      const calls = result.toolCalls.map((call, index) => (call.id ? call : { ...call, id: `${idPrefix}${index}` }));
      const actCalls = calls.filter((call) => call.name === this.actionToolName);
      const toolCalls = calls.filter((call) => call.name !== this.actionToolName);
      const assistant: ChatMessage = { role: 'assistant', content: result.text, toolCalls: calls };
      const thought = reasoningText(result.text);
      const base = { assistant, native: true, toolCalls, actCalls, ...(thought !== undefined ? { thought } : {}) };
      if (actCalls.length === 0) return { ...base, problem: `You did not call ${this.actionToolName}.` };
      const action = actionFromArguments(actCalls[0]!.arguments, this.actionToolName);
      return typeof action === 'string' ? { ...base, action } : { ...base, problem: action.problem };
    }
    const parsed = parseActionReply(result.text, { knownTools: input.tools.definitions.map((definition) => definition.name), actionToolName: this.actionToolName, idPrefix });
    return {
      assistant: { role: 'assistant', content: result.text },
      native: false,
      toolCalls: parsed.toolCalls,
      actCalls: [],
      ...(parsed.action !== undefined ? { action: parsed.action } : {}),
      ...(parsed.problem !== undefined ? { problem: parsed.problem } : {}),
      ...(parsed.thought !== undefined ? { thought: parsed.thought } : {}),
    };
  }

  private retryHint(reply: Reply, actCall: ModelToolCall | undefined): string {
    if (actCall) return `Call ${this.actionToolName} again with one valid action.`;
    if (this.mode === 'native' && reply.native) return `Call the ${this.actionToolName} tool with {"action": "<one valid action>"}.`;
    if (this.mode === 'native') return `Call the ${this.actionToolName} tool with {"action": "<one valid action>"}, or end your reply with a line "Action: <one valid action>".`;
    return 'Answer again, ending with a line "Action: <one valid action>".';
  }
}

/** The synthetic tool that takes the environment action in native mode. */
function actToolDefinition(name: string): ToolDefinition {
  return {
    name,
    description: 'Takes your action for this step in the environment. Call it once per step, after any other tools.',
    parameters: {
      type: 'object',
      // maxLength bounds what a grammar-constrained model can ramble into the action.
      properties: { action: { type: 'string', maxLength: 200, description: 'One valid action, in the action language of the system message.' } },
      required: ['action'],
      additionalProperties: false,
    },
  };
}

function validActionsLine(actionSpace: ActionSpace<string>): string {
  const valid = actionSpace.validActions?.();
  return valid && valid.length > 0 ? `Valid actions now: ${valid.join(', ')}.` : '';
}

/** A tool result as the model reads it: the output (text as is, else JSON) or the error. */
function toolResultText(result: ToolResult): string {
  if (!result.ok) return `Error (${result.error.code}): ${result.error.message}`;
  if (typeof result.output === 'string') return result.output;
  return JSON.stringify(result.output) ?? 'null';
}

/** The reasoning in a native reply's text: <think> content and prose, "Thought:" label dropped. */
function reasoningText(text: string): string | undefined {
  const cleaned = text
    .replace(/<\/?think>/g, '')
    .replace(/^[ \t>*_#-]*thought[ \t*_]*[:：][ \t*_]*/im, '')
    .trim();
  return cleaned === '' ? undefined : cleaned;
}
