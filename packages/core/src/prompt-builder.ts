// Builds one episode's chat prompt so that model servers can reuse their KV cache from step to step:
// the system message (instructions, action language, tools in text mode, mission) is first and
// byte-identical for the whole episode; earlier steps follow as turns that are appended and never
// rewritten; the volatile parts of the current step (labelled observation parts, recalled skills and
// memories, valid actions, step counter) come last, in the current turn's opening message only. Deterministic:
// no timestamps, no random ids. Over budget, the oldest turns are dropped in chunks and one fixed
// marker opens the first message after the system message; reuse breaks from there, once per chunk.
import { ConfigError, type ChatMessage, type MemoryHit, type ObservationPart, type Skill, type ToolDefinition } from '@worldloop/spec';
import { estimateTokensByCharacters, type TokenEstimator } from './token-estimator.js';

/** Options of a {@link PromptBuilder}; everything here is fixed for the episode. */
export interface PromptBuilderOptions {
  /** What the agent is and how to answer; the first paragraph of the system message. */
  readonly instructions: string;
  /** The environment's `actionSpace.describe()`. */
  readonly actionDescription?: string;
  /**
   * Tools described in the system message, with the text format for calling them. Give them in
   * text mode only: in native mode tools travel in `GenerateRequest.tools`.
   */
  readonly tools?: readonly ToolDefinition[];
  /** The task in language; the last paragraph of the system message. */
  readonly mission?: string;
  /** Most tokens the messages may take (context window minus completion and margin); unlimited when absent. */
  readonly maxPromptTokens?: number;
  /** Tokens the request spends outside the messages (tool definitions sent natively). */
  readonly fixedTokens?: number;
  /**
   * Share of the history budget each trim frees beyond what is needed (default 0.25), so trims
   * happen rarely: each one breaks prefix reuse once, from the marker on.
   */
  readonly trimFraction?: number;
  /** Token counter (default characters / 4). */
  readonly estimateTokens?: TokenEstimator;
}

/** The lasting part of a step's opening message: it stays in the history as written here. */
export interface TurnOpening {
  /** The observation's text. */
  readonly observationText: string;
  /** Why the previous action did not take effect (an invalid action, a guard's denial). */
  readonly feedback?: string;
  /** How a guard replaced the previous action before it was taken (`Percept.rewriteNote`), shown as it is. */
  readonly rewriteNote?: string;
  /** The previous action's reward; shown when it is not 0. */
  readonly reward?: number;
}

/** What is shown at the current step only, after the observation; history never keeps it. */
export interface VolatileContext {
  /** Parts of the current observation; text parts are shown under their label, images are skipped. */
  readonly parts?: readonly ObservationPart[];
  /** Skills of earlier successful episodes on similar missions, shown as `name: action, action, ...`. */
  readonly skills?: readonly Skill[];
  readonly memories?: readonly MemoryHit[];
  readonly validActions?: readonly string[];
  /** Steps taken so far in the episode (0-based index of this step). */
  readonly stepIndex?: number;
  readonly maxSteps?: number;
  /** A last line reminding the model of the answer format. */
  readonly reminder?: string;
}

/** The text of the marker that replaces dropped turns. */
export function omittedStepsMarker(count: number): string {
  return `(${count} earlier step${count === 1 ? '' : 's'} omitted)`;
}

const MESSAGE_OVERHEAD_TOKENS = 4;

interface Turn {
  /** The opening user message as history keeps it. */
  readonly opening: string;
  /** Messages that followed the opening within the step. */
  readonly messages: ChatMessage[];
  /** Estimated tokens of the opening and the messages. */
  tokens: number;
}

/**
 * One episode's prompt, append-only. Call {@link beginTurn} at each step, {@link append} for what
 * the model and the tools said within it, and {@link messages} before each generate call.
 *
 * Layout of `messages()`:
 * 1. system: instructions, "Action language:", "Tools:" (text mode), "Mission:" (never changes);
 * 2. one turn per earlier step: a user message with the (feedback, rewrite note and) observation,
 *    then what the model said and what tools answered, exactly as appended;
 * 3. the current turn: its opening user message with the volatile context after the observation,
 *    then the messages appended so far within the step.
 * When the messages would exceed `maxPromptTokens`, the oldest turns are dropped and the first
 * message after the system message starts with "(N earlier steps omitted)". It is a paragraph of that
 * message rather than a message of its own, so templates that demand strict user/assistant
 * alternation (Mistral, Gemma) accept the prompt.
 */
export class PromptBuilder {
  /** The system message, the same object for the whole episode. */
  readonly system: ChatMessage;
  private readonly turns: Turn[] = [];
  private volatileText = '';
  private volatileTokens = 0;
  private firstKept = 0;
  private readonly estimate: TokenEstimator;
  private readonly systemTokens: number;
  private readonly maxPromptTokens: number;
  private readonly fixedTokens: number;
  private readonly trimFraction: number;
  private scale = 1;

  constructor(options: PromptBuilderOptions) {
    this.estimate = options.estimateTokens ?? estimateTokensByCharacters;
    this.system = { role: 'system', content: systemText(options) };
    this.systemTokens = this.messageTokens(this.system);
    this.maxPromptTokens = options.maxPromptTokens ?? Number.POSITIVE_INFINITY;
    this.fixedTokens = options.fixedTokens ?? 0;
    this.trimFraction = options.trimFraction ?? 0.25;
    if (!(this.trimFraction >= 0 && this.trimFraction < 1)) throw new ConfigError(`trimFraction must be in [0, 1), got ${options.trimFraction}.`);
    if (this.maxPromptTokens <= this.systemTokens + this.fixedTokens) {
      throw new ConfigError(
        `The prompt budget of ${this.maxPromptTokens} tokens does not even hold the system message and tools (${this.systemTokens + this.fixedTokens} tokens). ` +
          'Use a model with a larger context window, a smaller maxTokens, or shorter instructions.',
      );
    }
  }

  /** Steps whose turns were dropped to fit the budget (they only ever grow). */
  get omittedSteps(): number {
    return this.firstKept;
  }

  /** Turns begun so far, the current one included. */
  get turnCount(): number {
    return this.turns.length;
  }

  /**
   * Factor applied to every estimate before it is compared with the budget (default 1). A caller
   * that learns the backend's real counts (`usage.promptTokens`) sets it to real / estimated, so a
   * tokenizer far from the estimator's assumption still gets trimmed in time.
   */
  get tokenScale(): number {
    return this.scale;
  }

  set tokenScale(value: number) {
    if (!(value > 0 && Number.isFinite(value))) throw new ConfigError(`tokenScale must be a positive number, got ${value}.`);
    this.scale = value;
  }

  /** Starts the turn of a new step; the previous turn becomes history, without its volatile context. */
  beginTurn(opening: TurnOpening, volatile: VolatileContext = {}): void {
    const text = openingText(opening);
    this.turns.push({ opening: text, messages: [], tokens: this.messageTokens({ role: 'user', content: text }) });
    const tail = volatileText(volatile);
    this.volatileText = tail === '' ? '' : `\n\n${tail}`;
    this.volatileTokens = this.volatileText === '' ? 0 : this.estimate(this.volatileText);
  }

  /** Appends messages of the current step (the model's replies, tool results, corrections). */
  append(...messages: ChatMessage[]): void {
    const turn = this.turns.at(-1);
    if (!turn) throw new ConfigError('PromptBuilder.append was called before the first beginTurn.');
    for (const message of messages) {
      turn.messages.push(message);
      turn.tokens += this.messageTokens(message);
    }
  }

  /** The prompt to send now, trimmed to the budget (see the class comment for the layout). */
  messages(): ChatMessage[] {
    this.trim();
    const result: ChatMessage[] = [this.system];
    const last = this.turns.length - 1;
    for (let index = this.firstKept; index <= last; index++) {
      const turn = this.turns[index]!;
      let opening = turn.opening;
      if (index === this.firstKept && this.firstKept > 0) opening = `${omittedStepsMarker(this.firstKept)}\n\n${opening}`;
      if (index === last) opening += this.volatileText;
      result.push({ role: 'user', content: opening });
      for (const message of turn.messages) result.push(message);
    }
    return result;
  }

  /** Estimated tokens of `messages()` now, with the fixed tokens (tool definitions), times `tokenScale`. */
  estimatePromptTokens(): number {
    let total = this.systemTokens + this.fixedTokens + this.volatileTokens;
    for (let index = this.firstKept; index < this.turns.length; index++) total += this.turns[index]!.tokens;
    if (this.firstKept > 0) total += this.estimate(`${omittedStepsMarker(this.firstKept)}\n\n`);
    return Math.ceil(total * this.scale);
  }

  /**
   * Whether the prompt, with `extra` messages appended to the current turn, can fit the budget once
   * every earlier turn that may be dropped is dropped. The current turn cannot be trimmed, so a caller
   * checks this before adding to it (another retry, more tool results).
   */
  fits(extra: readonly ChatMessage[] = []): boolean {
    let tokens = this.systemTokens + this.fixedTokens + this.volatileTokens + (this.turns.at(-1)?.tokens ?? 0);
    for (const message of extra) tokens += this.messageTokens(message);
    if (this.turns.length > 1) tokens += this.estimate(`${omittedStepsMarker(this.turns.length - 1)}\n\n`);
    return Math.ceil(tokens * this.scale) <= this.maxPromptTokens;
  }

  /** Drops the oldest turns, never the current one, until the prompt fits with room to spare. */
  private trim(): void {
    const limit = this.maxPromptTokens;
    if (this.estimatePromptTokens() <= limit) return;
    const target = limit - this.trimFraction * (limit - (this.systemTokens + this.fixedTokens) * this.scale);
    while (this.firstKept < this.turns.length - 1 && this.estimatePromptTokens() > target) this.firstKept++;
  }

  private messageTokens(message: ChatMessage): number {
    let tokens = MESSAGE_OVERHEAD_TOKENS;
    if (typeof message.content === 'string') tokens += this.estimate(message.content);
    else for (const part of message.content) tokens += part.type === 'text' ? this.estimate(part.text) : 0;
    if (message.role === 'assistant' && message.toolCalls && message.toolCalls.length > 0) tokens += this.estimate(JSON.stringify(message.toolCalls));
    return tokens;
  }
}

function systemText(options: PromptBuilderOptions): string {
  const sections = [options.instructions.trim()];
  if (options.actionDescription) sections.push(`Action language:\n${options.actionDescription.trim()}`);
  if (options.tools && options.tools.length > 0) {
    const lines = [
      'Tools:',
      'To call a tool, write <tool_call>{"name": "<tool>", "arguments": {...}}</tool_call> instead of an "Action:" line.',
      'Its result comes back in the next message; then continue. Tools do not act in the world.',
    ];
    for (const tool of options.tools) lines.push(`- ${tool.name}: ${tool.description.trim()}`, `  arguments (JSON Schema): ${JSON.stringify(tool.parameters)}`);
    sections.push(lines.join('\n'));
  }
  if (options.mission) sections.push(`Mission: ${options.mission.trim()}`);
  return sections.join('\n\n');
}

function openingText(opening: TurnOpening): string {
  const lines: string[] = [];
  if (opening.feedback !== undefined) lines.push(`Your last action did not take effect: ${opening.feedback}`);
  if (opening.rewriteNote !== undefined) lines.push(opening.rewriteNote);
  if (opening.reward !== undefined && opening.reward !== 0) lines.push(`Reward for your last action: ${opening.reward}`);
  lines.push(`Observation:\n${opening.observationText}`);
  return lines.join('\n');
}

function volatileText(volatile: VolatileContext): string {
  const sections: string[] = [];
  for (const part of volatile.parts ?? []) {
    if (part.type === 'text') sections.push(`${part.label ?? 'view'}:\n${part.text}`);
  }
  if (volatile.skills && volatile.skills.length > 0) {
    sections.push(['Skills that worked before on similar missions:', ...volatile.skills.map((skill) => `- ${skill.name}: ${skill.actions.join(', ')}`)].join('\n'));
  }
  if (volatile.memories && volatile.memories.length > 0) {
    sections.push(['Memories that may help:', ...volatile.memories.map((hit) => `- ${hit.record.text}`)].join('\n'));
  }
  const status: string[] = [];
  if (volatile.validActions && volatile.validActions.length > 0) status.push(`Valid actions now: ${volatile.validActions.join(', ')}`);
  if (volatile.stepIndex !== undefined) status.push(volatile.maxSteps !== undefined ? `Steps used: ${volatile.stepIndex} of ${volatile.maxSteps}.` : `Steps used: ${volatile.stepIndex}.`);
  if (volatile.reminder) status.push(volatile.reminder);
  if (status.length > 0) sections.push(status.join('\n'));
  return sections.join('\n\n');
}
