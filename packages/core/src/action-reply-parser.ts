// Reads an action out of a model's text reply, tolerantly: ReAct lines ("Thought: ...",
// "Action: ..."), an act tool call written as text, or a reply that is only the action. Text inside
// <think> tags counts as reasoning, never as the action; a hallucinated "Observation:" after the
// action is cut off. Tool calls written as text are recovered with `parseToolCallsFromText`.
import type { ModelToolCall } from '@worldloop/spec';
import { trimBothEndsOf } from './text-trimming.js';
import { parseToolCallArguments, parseToolCallsFromText } from './tool-call-text-parser.js';
import { thinkBlocks } from './think-blocks.js';

/** Options of {@link parseActionReply}. */
export interface ActionReplyParserOptions {
  /** Tools the model may call, besides the action tool (calls to other names are still returned). */
  readonly knownTools?: readonly string[];
  /** The tool whose `action` argument is the action (default `act`). */
  readonly actionToolName?: string;
  /** Prefix of the ids given to tool calls recovered from the text. */
  readonly idPrefix?: string;
}

/** Where the action of a reply was found. */
export type ActionSource = 'act-call' | 'action-line' | 'whole-reply';

/** What a reply contained. */
export interface ActionReply {
  /** The action as written (quotes, backticks and emphasis stripped); absent when none was found. */
  readonly action?: string;
  readonly actionSource?: ActionSource;
  /** The reasoning: the "Thought:" text (or the prose before the action) and any <think> content. */
  readonly thought?: string;
  /** Calls to tools other than the action tool, written as text, in order. */
  readonly toolCalls: readonly ModelToolCall[];
  /** Why no action could be read, phrased for the model (absent when an action was found). */
  readonly problem?: string;
  /** Repairs and doubts from parsing (truncated JSON, unknown tool names). */
  readonly warnings: readonly string[];
}

const ACTION_LINE = /^[ \t>*_#-]*action[ \t*_]*[:：](.*)$/gim;
const OBSERVATION_LINE = /^[ \t>*_#-]*observation[ \t*_]*[:：]/gim;
const THOUGHT_LABEL = /^[ \t>*_#-]*thought[ \t*_]*[:：][ \t*_]*/im;
/** Quotes, backticks, emphasis and white space models wrap an action in. */
const WRAPPING_CHARACTER = /[\s*_`"'“”‘’]/;

/**
 * Parses a reply into an action, the reasoning and any tool calls written as text. Never throws:
 * a reply without an action comes back with `problem` set, for a correction message.
 * Precedence: an act call written as text, then the last "Action:" line, then a one-line reply.
 */
export function parseActionReply(text: string, options: ActionReplyParserOptions = {}): ActionReply {
  const actionToolName = options.actionToolName ?? 'act';
  const thinking: string[] = [];
  let visible = text.replace(thinkBlocks(), (_match, inner: string) => {
    if (inner.trim() !== '') thinking.push(inner.trim());
    return '';
  });
  visible = cutHallucinatedObservation(visible);

  const known = [...(options.knownTools ?? []), actionToolName];
  const parsed = parseToolCallsFromText(visible, known, options.idPrefix === undefined ? {} : { idPrefix: options.idPrefix });
  const warnings = [...parsed.warnings];
  const toolCalls = parsed.toolCalls.filter((call) => call.name !== actionToolName);
  const actCalls = parsed.toolCalls.filter((call) => call.name === actionToolName);
  const remaining = parsed.remainingText;
  if (actCalls.length > 1) warnings.push(`The reply called ${actionToolName} ${actCalls.length} times; the first call was used.`);

  const withThought = (fields: Omit<ActionReply, 'thought' | 'toolCalls' | 'warnings'>, prose: string): ActionReply => {
    const thought = joinThought(thinking, prose);
    return { ...fields, ...(thought !== undefined ? { thought } : {}), toolCalls, warnings };
  };

  if (actCalls.length > 0) {
    const action = actionFromArguments(actCalls[0]!.arguments, actionToolName);
    if (typeof action === 'string') return withThought({ action, actionSource: 'act-call' }, stripThoughtLabel(remaining));
    return withThought({ problem: action.problem }, stripThoughtLabel(remaining));
  }

  const lines = [...remaining.matchAll(ACTION_LINE)];
  const last = lines.at(-1);
  if (last) {
    let value = stripWrapping(last[1]!);
    if (value === '') value = stripWrapping(remaining.slice(last.index + last[0].length).split('\n').find((line) => line.trim() !== '') ?? '');
    const prose = stripThoughtLabel(remaining.slice(0, lines[0]!.index));
    if (value === '') return withThought({ problem: 'Your "Action:" line is empty.' }, prose);
    const fromJson = jsonActionValue(value);
    return withThought({ action: fromJson ?? value, actionSource: 'action-line' }, prose);
  }

  const body = stripThoughtLabel(remaining);
  if (toolCalls.length === 0 && body !== '' && !body.includes('\n') && !THOUGHT_LABEL.test(remaining)) {
    return withThought({ action: jsonActionValue(body) ?? stripWrapping(body), actionSource: 'whole-reply' }, '');
  }
  if (toolCalls.length > 0) return withThought({}, body);
  return withThought({ problem: body === '' ? 'Your reply was empty.' : 'Your reply has no "Action:" line.' }, body);
}

/**
 * The `action` string of an act call's arguments (an object, or JSON text, repaired when truncated),
 * or why there is none, phrased for the model.
 */
export function actionFromArguments(raw: unknown, toolName = 'act'): string | { problem: string } {
  const parsed = parseToolCallArguments(raw, toolName);
  const value = parsed.value;
  if (typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).action === 'string') {
    return (value as { action: string }).action;
  }
  const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return { problem: `The arguments of ${toolName} must be a JSON object {"action": "<one valid action>"}; got ${truncate(shown ?? 'nothing', 200)}.` };
}

/** `{"action": "left"}` written where an action was expected. */
function jsonActionValue(value: string): string | undefined {
  if (!value.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    const action = (parsed as Record<string, unknown> | null)?.action;
    return typeof action === 'string' ? action : undefined;
  } catch {
    return undefined;
  }
}

/** Drops an "Observation:" line (and what follows) that the model wrote after its action. */
function cutHallucinatedObservation(text: string): string {
  const firstAction = [...text.matchAll(ACTION_LINE)][0];
  if (!firstAction) return text;
  for (const match of text.matchAll(OBSERVATION_LINE)) {
    if (match.index > firstAction.index) return text.slice(0, match.index);
  }
  return text;
}

/** The text without the quotes, emphasis and white space wrapped around it. */
function stripWrapping(text: string): string {
  return trimBothEndsOf(text, (character) => WRAPPING_CHARACTER.test(character));
}

function stripThoughtLabel(text: string): string {
  return text.replace(THOUGHT_LABEL, '').trim();
}

function joinThought(thinking: readonly string[], prose: string): string | undefined {
  const parts = [...thinking, ...(prose.trim() !== '' ? [prose.trim()] : [])];
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 3)}...` : text;
}
