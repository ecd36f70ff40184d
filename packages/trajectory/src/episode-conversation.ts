// One episode as a chat: the transcript the model really saw (its last prompt plus its last reply)
// when a language model acted, else one built from observations and actions. The shared input of
// every chat-shaped export; each format then spells it its own way.
import { stepRewriteNote } from '@worldloop/core';
import type { ChatMessage, JsonSchema, MessageContentPart, ModelCallRecord, StepRecord, ToolDefinition, ToolResult } from '@worldloop/spec';
import type { ExportEpisode } from './trajectory-reader.js';

/** A tool call in a conversation; the id links it to the tool message answering it. */
export interface ConversationToolCall {
  readonly id: string;
  readonly name: string;
  /** Parsed arguments (an object), or the raw string the model wrote when it was not JSON. */
  readonly arguments: unknown;
}

/** One message of a conversation. Assistant messages say whether they are worth training on. */
export type ConversationMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string | readonly MessageContentPart[] }
  | {
      readonly role: 'assistant';
      readonly content: string;
      readonly toolCalls: readonly ConversationToolCall[];
      /**
       * False for replies that were refused: corrected by the policy (no valid action, broken
       * call), whose action the environment or a guard refused, or whose action a guard replaced
       * with another (the world's outcome is not that reply's). Formats with per-message weights
       * or loss flags train on the true ones only.
       */
      readonly trainable: boolean;
    }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly name: string; readonly content: string };

/** An episode as a chat, with how it was obtained. */
export interface EpisodeConversation {
  readonly messages: readonly ConversationMessage[];
  /** Tools the model could call: as recorded with the model calls, else inferred from the calls made. */
  readonly tools: readonly ToolDefinition[];
  /** Whether `tools` was inferred from calls (names and argument types only) rather than recorded. */
  readonly toolsInferred: boolean;
  /**
   * `model-calls`: the model's own last prompt and reply, byte for byte. `observations`: built from
   * observations and actions, for policies without a model (expert, random).
   */
  readonly source: 'model-calls' | 'observations';
  /** Earlier steps the model's last prompt had dropped to fit its context window (0 when none). */
  readonly omittedSteps: number;
}

/** Options of {@link episodeConversation}. */
export interface EpisodeConversationOptions {
  /** Build the conversation from observations and actions even when a model acted (default false). */
  readonly fromObservations?: boolean;
}

/** What the built conversation of a model-free policy says first. */
export function observationSystemPrompt(environmentId: string, mission: string | undefined): string {
  const lines = [`You are an agent acting in the environment ${environmentId}. Each turn shows what you observe; answer with exactly one action.`];
  if (mission !== undefined) lines.push(`Mission: ${mission}`);
  return lines.join('\n');
}

/**
 * The episode's conversation, read from its steps in one pass (memory: one episode).
 *
 * When any step has model calls, the conversation is the last call's messages followed by its reply:
 * the prompt is append-only (see core's PromptBuilder), so that is every earlier reply, tool result
 * and correction in order, as the model saw them (the volatile tail of earlier turns excepted). Each
 * reply is marked trainable unless a correction answered it, or the environment or a guard refused
 * its action, or a guard replaced its action with another. Tool calls left unanswered at the end (the
 * last action) get a tool message with the step's outcome, as LlmPolicy would have answered it.
 *
 * Otherwise the conversation is built: a system message with the mission, then per step a user
 * message (the previous refusal or guard's replacement, if any, and the observation), the step's tool
 * calls and results, and an assistant message holding the proposed action (trainable when it was
 * accepted and not replaced).
 */
export function episodeConversation(episode: ExportEpisode, steps: Iterable<StepRecord>, options: EpisodeConversationOptions = {}): EpisodeConversation {
  const built: ConversationMessage[] = [{ role: 'system', content: observationSystemPrompt(episode.environmentId, episode.mission) }];
  const callsTrainable: boolean[] = [];
  let last: { readonly step: StepRecord; readonly call: ModelCallRecord } | undefined;
  let recordedTools: readonly ToolDefinition[] | undefined;
  let feedback: string | undefined;
  for (const step of steps) {
    const calls = options.fromObservations === true ? [] : (step.modelCalls ?? []);
    if (calls.length > 0) {
      callsTrainable.push(...trainableCalls(step, calls));
      last = { step, call: calls.at(-1)! };
      recordedTools ??= calls.map((call) => call.tools).find((tools) => tools !== undefined);
    }
    if (last !== undefined) continue; // a model acted: its transcript is the conversation
    built.push({ role: 'user', content: feedback === undefined ? step.observation.text : `${feedback}\n\n${step.observation.text}` });
    if (step.toolCalls.length > 0) {
      built.push({
        role: 'assistant',
        content: '',
        toolCalls: step.toolCalls.map(({ call }) => ({ id: call.id, name: call.name, arguments: call.arguments })),
        trainable: true,
      });
      for (const { call, result } of step.toolCalls) built.push({ role: 'tool', toolCallId: call.id, name: call.name, content: toolResultText(result) });
    }
    built.push({ role: 'assistant', content: step.action, toolCalls: [], trainable: step.accepted && !replaced(step) });
    feedback = step.feedback ?? stepRewriteNote(step);
  }
  if (last === undefined) return withTools(built, undefined, 'observations', 0);

  const messages = transcript(last.step, last.call, callsTrainable);
  const omitted = last.step.policyInfo?.omittedSteps;
  return withTools(messages, recordedTools, 'model-calls', typeof omitted === 'number' ? omitted : 0);
}

/** Per model call of a step: false when the reply was corrected or its action refused. */
function trainableCalls(step: StepRecord, calls: readonly ModelCallRecord[]): boolean[] {
  const corrections = step.policyInfo?.corrections;
  const correctionTexts = Array.isArray(corrections) ? corrections.filter((text): text is string => typeof text === 'string' && text !== '') : [];
  const outcome = step.policyInfo?.outcome;
  const fallbackUsed = step.policyInfo?.fallbackUsed === true;
  return calls.map((call, index) => {
    const next = calls[index + 1];
    if (next === undefined) return step.accepted && !replaced(step) && !fallbackUsed && (outcome === undefined || outcome === 'valid');
    // What the policy sent back after this reply: tool results, or a correction when it was refused.
    const answer = next.messages.slice(call.messages.length + 1);
    return !answer.some((message) => correctionTexts.some((correction) => contentText(message.content).includes(correction)));
  });
}

/** Whether guards sent the environment another action than the one proposed (the outcome is not the proposal's). */
function replaced(step: StepRecord): boolean {
  return step.executedAction !== undefined && step.executedAction !== step.action;
}

/** The last call's messages and reply, replies marked from the end, every tool call answered. */
function transcript(step: StepRecord, call: ModelCallRecord, callsTrainable: readonly boolean[]): ConversationMessage[] {
  const reply: ChatMessage = {
    role: 'assistant',
    content: call.result.text,
    toolCalls: call.result.toolCalls.map((toolCall, index) =>
      toolCall.id ? toolCall : { ...toolCall, id: `step-${step.stepIndex}-reply-${step.modelCalls.length}-call-${index}` },
    ),
  };
  const chat = [...call.messages, reply];
  const replies = chat.filter((message) => message.role === 'assistant').length;
  let replyIndex = callsTrainable.length - replies;
  const messages: ConversationMessage[] = [];
  for (const message of chat) {
    if (message.role !== 'assistant') {
      messages.push(message);
      continue;
    }
    messages.push({
      role: 'assistant',
      content: message.content,
      toolCalls: (message.toolCalls ?? []).map(({ id, name, arguments: input }) => ({ id, name, arguments: input })),
      trainable: callsTrainable[replyIndex] ?? true,
    });
    replyIndex++;
  }
  return answerEveryToolCall(messages, step);
}

/**
 * Inserts a tool message for every tool call no tool message answers: the step's recorded result
 * for a tool, else the step's outcome as LlmPolicy answers its action tool: its refusal, the note of a
 * guard's replacement (the wording the Agent tells the policy), or "Done.".
 */
function answerEveryToolCall(messages: readonly ConversationMessage[], step: StepRecord): ConversationMessage[] {
  const output: ConversationMessage[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    output.push(message);
    if (message.role !== 'assistant' || message.toolCalls.length === 0) continue;
    // Only the tool messages right after a reply answer it: some servers reuse ids (`call_0`) across replies.
    const answered = new Set<string>();
    while (messages[index + 1]?.role === 'tool') {
      const answer = messages[++index]!;
      if (answer.role === 'tool') answered.add(answer.toolCallId);
      output.push(answer);
    }
    for (const call of message.toolCalls) {
      if (answered.has(call.id)) continue;
      const recorded = step.toolCalls.find((record) => record.call.id === call.id);
      output.push({ role: 'tool', toolCallId: call.id, name: call.name, content: recorded ? toolResultText(recorded.result) : (step.feedback ?? stepRewriteNote(step) ?? 'Done.') });
    }
  }
  return output;
}

function withTools(
  messages: readonly ConversationMessage[],
  recorded: readonly ToolDefinition[] | undefined,
  source: EpisodeConversation['source'],
  omittedSteps: number,
): EpisodeConversation {
  if (recorded !== undefined) return { messages, tools: recorded, toolsInferred: false, source, omittedSteps };
  const tools = new Map<string, ToolDefinition>();
  for (const message of messages) {
    if (message.role !== 'assistant') continue;
    for (const call of message.toolCalls) if (!tools.has(call.name)) tools.set(call.name, inferredTool(call));
  }
  return { messages, tools: [...tools.values()], toolsInferred: tools.size > 0, source, omittedSteps };
}

/** A tool definition guessed from one call: its name and the JSON types of its arguments. */
function inferredTool(call: ConversationToolCall): ToolDefinition {
  const input = call.arguments;
  const properties: Record<string, JsonSchema> = {};
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    for (const [key, value] of Object.entries(input)) properties[key] = { type: jsonType(value) };
  }
  return { name: call.name, description: '', parameters: { type: 'object', properties } };
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value === 'string' || typeof value === 'boolean' ? typeof value : 'object';
}

/**
 * A call's arguments as a JSON object: the parsed arguments, or `{"invalid_arguments": <text>}` for
 * a raw string that is not a JSON object (a broken call kept as data), as the OpenAI-compatible
 * client sends such a call back to the model. Formats that hold arguments as objects need one
 * type per field (a column of objects and strings does not load).
 */
export function argumentsObject(input: unknown): unknown {
  if (typeof input !== 'string') return input ?? {};
  try {
    const parsed = JSON.parse(input) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // not JSON: wrapped below
  }
  return { invalid_arguments: input };
}

/**
 * A call's arguments as JSON text: the raw string when it is JSON, else the JSON of
 * {@link argumentsObject} (a string that is not JSON becomes `{"invalid_arguments": <text>}`).
 */
export function argumentsText(input: unknown): string {
  if (typeof input === 'string') {
    try {
      JSON.parse(input);
      return input;
    } catch {
      // not JSON: wrapped
    }
  }
  return JSON.stringify(argumentsObject(input)) ?? '{}';
}

/** A tool result as the model reads it (as LlmPolicy writes it): the output, or the error. */
export function toolResultText(result: ToolResult): string {
  if (!result.ok) return `Error (${result.error.code}): ${result.error.message}`;
  if (typeof result.output === 'string') return result.output;
  return JSON.stringify(result.output) ?? 'null';
}

/** The text of message content: the string, or its text parts joined (images left out). */
export function contentText(content: string | readonly MessageContentPart[]): string {
  if (typeof content === 'string') return content;
  return content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}
