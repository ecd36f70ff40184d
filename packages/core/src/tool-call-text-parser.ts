// Recovers tool calls a model wrote as text (Hermes tags, fences, bare JSON, Mistral, Llama python_tag) instead
// of native tool_calls. Tolerant: double-encoded arguments, trailing prose, missing closing braces; never throws.
import type { ModelToolCall } from '@worldloop/spec';
import { MAX_JSON_NESTING, extractJsonValue, parseJsonTolerantly, scanJson } from './json-in-text.js';
import { thinkBlocks } from './think-blocks.js';

/** Options of {@link parseToolCallsFromText}. */
export interface ToolCallTextParserOptions {
  /** Prefix of the ids given to recovered calls that carry none (default `text-call-`). */
  readonly idPrefix?: string;
}

/** What {@link parseToolCallsFromText} found. */
export interface ParsedToolCallText {
  /** Calls recovered from the text, in order of appearance. */
  readonly toolCalls: ModelToolCall[];
  /** The text with the recovered calls (and their tags or fences) removed, trimmed. */
  readonly remainingText: string;
  /** What was repaired or doubtful: truncated JSON, unknown tool names, unparseable arguments. */
  readonly warnings: string[];
}

/** Arguments of a tool call made usable, with what had to be done to them. */
export interface ParsedToolCallArguments {
  /** An object (or other JSON value) when the arguments parsed, else the raw string as given. */
  readonly value: unknown;
  /** Whether `value` is parsed JSON (possibly after repair). */
  readonly parsed: boolean;
  /** Repairs made, or why the arguments were kept raw. */
  readonly warnings: string[];
}

/**
 * Normalises tool-call arguments as a model gave them: a JSON string (possibly double-encoded or
 * truncated) becomes the parsed value; `undefined`/`null` become `{}`; an unparseable string is kept
 * raw with a warning. Model mistakes are data here, never errors.
 */
export function parseToolCallArguments(raw: unknown, toolName = 'tool'): ParsedToolCallArguments {
  const warnings: string[] = [];
  if (raw === undefined || raw === null) return { value: {}, parsed: true, warnings };
  if (typeof raw !== 'string') return { value: raw, parsed: true, warnings };
  if (raw.trim() === '') return { value: {}, parsed: true, warnings };
  let value: unknown = raw;
  for (let depth = 0; depth < 3 && typeof value === 'string'; depth += 1) {
    const text: string = value;
    const trimmed = text.trim();
    if (depth > 0 && !/^[[{"]/.test(trimmed)) break;
    const result = parseJsonTolerantly(trimmed);
    if (!result) {
      if (depth === 0) {
        const reason = scanJson(trimmed).tooDeep ? `nest deeper than ${MAX_JSON_NESTING} levels` : 'are not valid JSON';
        warnings.push(`Arguments of ${JSON.stringify(toolName)} ${reason}; kept as the raw string: ${preview(raw)}`);
        return { value: raw, parsed: false, warnings };
      }
      break;
    }
    if (result.repair) warnings.push(`Arguments of ${JSON.stringify(toolName)} were ${result.repair}.`);
    if (depth > 0) warnings.push(`Arguments of ${JSON.stringify(toolName)} were a JSON string encoded twice; decoded.`);
    value = result.value;
  }
  return { value, parsed: true, warnings };
}

/**
 * Finds tool calls written as text in a model's `content`. Recognised, in this order of preference:
 * `<tool_call>{...}</tool_call>` (Hermes, Qwen; an unclosed last tag is accepted),
 * `<function=name>{...}</function>`, `<|python_tag|>{...}`, `[TOOL_CALLS][...]` (Mistral),
 * then fenced code blocks, then bare JSON anywhere in the text. A call is an object shaped
 * `{"name", "arguments"|"parameters"}`, `{"tool", "arguments"}`, `{"function": {...}}` or
 * `{"tool_calls": [...]}`, or an array of those. Text inside `<think>...</think>` is ignored.
 * Names outside `knownTools` (when given) are kept with a warning.
 */
export function parseToolCallsFromText(
  text: string,
  knownTools?: readonly string[],
  options: ToolCallTextParserOptions = {},
): ParsedToolCallText {
  const idPrefix = options.idPrefix ?? 'text-call-';
  const known = knownTools ? new Set(knownTools) : undefined;
  const warnings: string[] = [];
  const found: { start: number; end: number; calls: CandidateCall[] }[] = [];
  const hidden = thinkRanges(text);
  const isHidden = (index: number) => hidden.some((range) => index >= range.start && index < range.end);
  const overlaps = (start: number, end: number) => found.some((item) => start < item.end && end > item.start);

  // 1. Tagged formats.
  for (const match of text.matchAll(/<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g)) {
    if (isHidden(match.index)) continue;
    const calls = callsFromJsonText(match[1]!, known, warnings, 'a <tool_call> tag', true);
    if (calls) found.push({ start: match.index, end: match.index + match[0].length, calls });
    else warnings.push(`A <tool_call> tag held no recognisable call: ${preview(match[1]!)}`);
  }
  for (const match of text.matchAll(/<function=([\w.-]+)>([\s\S]*?)(?:<\/function>|$)/g)) {
    if (isHidden(match.index) || overlaps(match.index, match.index + match[0].length)) continue;
    found.push({ start: match.index, end: match.index + match[0].length, calls: [{ name: match[1]!, arguments: match[2]!.trim() }] });
  }
  for (const match of text.matchAll(/<\|python_tag\|>([\s\S]*?)(?:<\|eom_id\|>|<\|eot_id\|>|$)/g)) {
    if (isHidden(match.index) || overlaps(match.index, match.index + match[0].length)) continue;
    const calls = callsFromJsonText(match[1]!, known, warnings, 'a <|python_tag|> block', true) ?? pythonStyleCalls(match[1]!);
    if (calls) found.push({ start: match.index, end: match.index + match[0].length, calls });
    else warnings.push(`A <|python_tag|> block held no recognisable call: ${preview(match[1]!)}`);
  }
  for (const match of text.matchAll(/\[TOOL_CALLS\]\s*/g)) {
    if (isHidden(match.index)) continue;
    const start = match.index + match[0].length;
    const extracted = extractJsonValue(text, start);
    if (!extracted) continue;
    const calls = callsFromValue(extracted.value, known);
    if (!calls) continue;
    if (extracted.repair) warnings.push(`The [TOOL_CALLS] JSON was ${extracted.repair}.`);
    found.push({ start: match.index, end: extracted.end, calls });
  }

  // 2. Fenced code blocks, when no tagged call was found.
  if (found.length === 0) {
    for (const match of text.matchAll(/```[\w-]*[^\S\n]*\n?([\s\S]*?)(?:```|$)/g)) {
      if (isHidden(match.index)) continue;
      const calls = callsFromJsonText(match[1]!, known, warnings, 'a fenced block', false);
      if (calls) found.push({ start: match.index, end: match.index + match[0].length, calls });
    }
  }

  // 3. Bare JSON objects or arrays anywhere, when nothing else was found.
  if (found.length === 0) {
    // Repairs of unclosed values are capped: every later opener is nested in the first unclosed one.
    let repairsLeft = 8;
    for (let index = 0; index < text.length; index += 1) {
      const character = text[index];
      if ((character !== '{' && character !== '[') || isHidden(index) || overlaps(index, index + 1)) continue;
      const scanned = scanJson(text, index);
      if (scanned.tooDeep) continue;
      const truncated = scanned.closedAt === undefined;
      if (truncated && repairsLeft <= 0) continue;
      if (truncated) repairsLeft -= 1;
      const extracted = extractJsonValue(text, index);
      if (!extracted) continue;
      const calls = callsFromValue(extracted.value, known);
      if (!calls) continue;
      if (extracted.repair) warnings.push(`Tool-call JSON in the text was ${extracted.repair}.`);
      found.push({ start: index, end: extracted.end, calls });
      index = extracted.end - 1;
    }
  }

  found.sort((left, right) => left.start - right.start);
  const toolCalls: ModelToolCall[] = [];
  let remainingText = '';
  let cursor = 0;
  for (const item of found) {
    remainingText += text.slice(cursor, item.start);
    cursor = item.end;
    for (const call of item.calls) {
      const parsed = parseToolCallArguments(call.arguments, call.name);
      warnings.push(...parsed.warnings);
      if (known && !known.has(call.name)) {
        warnings.push(`Tool ${JSON.stringify(call.name)} is not one of the known tools (${[...known].join(', ') || 'none'}); kept as called.`);
      }
      toolCalls.push({ id: call.id ?? `${idPrefix}${toolCalls.length}`, name: call.name, arguments: parsed.value });
    }
  }
  remainingText += text.slice(cursor);
  return { toolCalls, remainingText: remainingText.replace(/\n{3,}/g, '\n\n').trim(), warnings };
}

/** A call as found, before its arguments are normalised. */
interface CandidateCall {
  readonly id?: string;
  readonly name: string;
  readonly arguments: unknown;
}

const ARGUMENT_KEYS = ['arguments', 'parameters', 'args', 'input'] as const;

function callsFromJsonText(
  body: string,
  known: ReadonlySet<string> | undefined,
  warnings: string[],
  where: string,
  tagged: boolean,
): CandidateCall[] | undefined {
  const trimmed = body.trim();
  if (trimmed === '') return undefined;
  const whole = parseJsonTolerantly(trimmed);
  if (whole) {
    const calls = callsFromValue(whole.value, known, tagged);
    if (calls) {
      if (whole.repair) warnings.push(`The JSON in ${where} was ${whole.repair}.`);
      return calls;
    }
  }
  // Several JSON values in one block (one call per line), or prose around the JSON.
  const calls: CandidateCall[] = [];
  for (let index = 0; index < trimmed.length; index += 1) {
    if (trimmed[index] !== '{' && trimmed[index] !== '[') continue;
    const extracted = extractJsonValue(trimmed, index);
    if (!extracted) continue;
    const found = callsFromValue(extracted.value, known, tagged);
    if (!found) continue;
    if (extracted.repair) warnings.push(`The JSON in ${where} was ${extracted.repair}.`);
    calls.push(...found);
    index = extracted.end - 1;
  }
  return calls.length > 0 ? calls : undefined;
}

/** Reads a value as one or more tool calls, or `undefined` when it is not shaped like any. */
function callsFromValue(value: unknown, known: ReadonlySet<string> | undefined, tagged = false): CandidateCall[] | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    const calls: CandidateCall[] = [];
    for (const item of value) {
      const found = callsFromValue(item, known, tagged);
      if (!found) return undefined;
      calls.push(...found);
    }
    return calls;
  }
  if (!isRecord(value)) return undefined;
  if (Array.isArray(value.tool_calls)) return callsFromValue(value.tool_calls, known, true);
  const id = typeof value.id === 'string' && value.id !== '' ? value.id : undefined;
  if (isRecord(value.function) && typeof value.function.name === 'string') {
    const inner = value.function;
    return [withId({ name: inner.name as string, arguments: firstArguments(inner) }, id)];
  }
  const argumentsValue = firstArguments(value);
  const hasArguments = ARGUMENT_KEYS.some((key) => key in value);
  for (const key of ['name', 'tool', 'tool_name', 'function'] as const) {
    const name = value[key];
    if (typeof name !== 'string' || name === '' || !/^[\w.-]+$/.test(name)) continue;
    // `{"name": "x"}` alone is too common in ordinary JSON answers: accept it only when it is a
    // known tool or the text was explicitly tagged as a call.
    if (!hasArguments && key === 'name' && !tagged && !known?.has(name)) return undefined;
    return [withId({ name, arguments: argumentsValue }, id)];
  }
  return undefined;
}

function withId(call: CandidateCall, id: string | undefined): CandidateCall {
  return id === undefined ? call : { ...call, id };
}

function firstArguments(record: Record<string, unknown>): unknown {
  for (const key of ARGUMENT_KEYS) if (key in record) return record[key];
  return undefined;
}

/** `name(key="value", other=2)` as Llama's built-in tool style writes it (`tool.call(...)` too). */
function pythonStyleCalls(body: string): CandidateCall[] | undefined {
  const match = /^\s*([A-Za-z_][\w]*)(?:\.call)?\(([\s\S]*)\)\s*$/.exec(body);
  if (!match) return undefined;
  const argumentsObject: Record<string, unknown> = {};
  const argumentText = match[2]!.trim();
  if (argumentText !== '') {
    for (const part of argumentText.matchAll(/([A-Za-z_]\w*)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^,]+)/g)) {
      const raw = part[2]!.trim();
      const quoted = /^'(.*)'$/s.exec(raw);
      const parsed = parseJsonTolerantly(quoted ? JSON.stringify(quoted[1]) : raw);
      argumentsObject[part[1]!] = parsed && !parsed.repair ? parsed.value : raw;
    }
  }
  return [{ name: match[1]!, arguments: argumentsObject }];
}

function thinkRanges(text: string): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  for (const match of text.matchAll(thinkBlocks())) ranges.push({ start: match.index, end: match.index + match[0].length });
  return ranges;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 117)}...` : flat);
}
