// Finds JSON values inside a model's free text (prose, fences, several values in a row) with a
// balanced scan that knows strings and escapes. Nesting is capped at 64 levels, so scans are linear.
import { trimEndOf } from './text-trimming.js';

/**
 * Deepest nesting of objects and arrays read as JSON. Deeper values are not JSON to these scanners:
 * the code that walks, records or sends a parsed value (JSON.stringify included) recurses and would
 * overflow the stack, and a scan stops there, so a reply of nested brackets costs linear time.
 */
export const MAX_JSON_NESTING = 64;

/** A JSON value found in a text, with where it lies. */
export interface JsonValueInText {
  readonly value: unknown;
  /** Index of the value's opening `{` or `[`. */
  readonly start: number;
  /** Index just past the value's closing bracket (the text's length for a repaired truncated value). */
  readonly end: number;
  /** What was repaired, phrased to follow "was" (`repaired (trailing commas removed)`); absent when nothing was. */
  readonly repair?: string;
}

/**
 * The whole JSON objects and arrays in `text`, in order of appearance, without repairing truncated
 * ones (only trailing commas are forgiven, and say so in `repair`). A value that parses is yielded and
 * the scan goes on after it, so values nested in it are not yielded apart; a bracketed span that does
 * not parse (`{like this}` in prose) is skipped one character at a time, so JSON inside it is still
 * found; a value nested deeper than {@link MAX_JSON_NESTING} is skipped whole. Lazy: a caller that takes the first value of the shape it wants scans no further. Never throws.
 *
 * @example
 * const first = [...findJsonValues('Sure {really}: {"a": 1} and [2]')].map((found) => found.value);
 * // [{ a: 1 }, [2]]
 */
export function* findJsonValues(text: string): Generator<JsonValueInText, void, undefined> {
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character !== '{' && character !== '[') continue;
    const scanned = scanJson(text, index);
    if (scanned.tooDeep) {
      // Skipped whole (its inner levels are not values of their own): up to its closing bracket.
      index = (scanJson(text, index, Number.POSITIVE_INFINITY).closedAt ?? text.length) - 1;
      continue;
    }
    if (scanned.closedAt === undefined) continue; // unclosed: truncated
    const parsed = parseJsonTolerantly(text.slice(index, scanned.closedAt));
    if (!parsed) continue;
    yield { value: parsed.value, start: index, end: scanned.closedAt, ...(parsed.repair ? { repair: parsed.repair } : {}) };
    index = scanned.closedAt - 1;
  }
}

/**
 * The JSON value opening at `start` (a `{` or `[`): balanced, or truncated at the end of the text and
 * repaired (see {@link parseJsonTolerantly}). `undefined` when it does not parse or nests too deeply.
 */
export function extractJsonValue(text: string, start: number): JsonValueInText | undefined {
  const state = scanJson(text, start);
  if (state.tooDeep) return undefined;
  if (state.closedAt !== undefined) {
    const parsed = parseJsonTolerantly(text.slice(start, state.closedAt));
    return parsed ? { value: parsed.value, start, end: state.closedAt, ...(parsed.repair ? { repair: parsed.repair } : {}) } : undefined;
  }
  const parsed = repairTruncated(text.slice(start));
  return parsed ? { value: parsed.value, start, end: text.length, ...(parsed.repair ? { repair: parsed.repair } : {}) } : undefined;
}

/** A value parsed by {@link parseJsonTolerantly}. */
export interface TolerantJson {
  readonly value: unknown;
  /** What was repaired, phrased to follow "was" (`truncated; closed with "}}"`), or undefined. */
  readonly repair?: string;
}

/**
 * Parses JSON, repairing a truncated tail (unclosed strings, objects, arrays) and trailing commas.
 * `undefined` when it cannot, or when the value nests deeper than {@link MAX_JSON_NESTING}.
 */
export function parseJsonTolerantly(text: string): TolerantJson | undefined {
  if (scanJson(text).tooDeep) return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    // fall through to repair
  }
  const noTrailingCommas = text.replace(/,(\s*[}\]])/g, '$1');
  if (noTrailingCommas !== text) {
    try {
      return { value: JSON.parse(noTrailingCommas), repair: 'repaired (trailing commas removed)' };
    } catch {
      // fall through
    }
  }
  return repairTruncated(noTrailingCommas);
}

/** Closes what a truncated JSON text left open, cutting back an incomplete last member if needed. */
function repairTruncated(text: string): TolerantJson | undefined {
  const trimmed = text.trimEnd();
  if (!/^[[{]/.test(trimmed)) return undefined;
  let prefix = trimmed;
  for (let attempt = 0; attempt < 24 && prefix.length > 0; attempt += 1) {
    const state = scanJson(prefix);
    if (state.tooDeep) return undefined;
    if (state.closedAt !== undefined) return undefined; // balanced but invalid: not a truncation
    let candidate = trimEndOf(prefix + (state.inString ? '"' : ''), (character) => character === ',' || /\s/.test(character));
    if (/:\s*$/.test(candidate)) candidate += ' null';
    const closers = [...state.stack].reverse().join('');
    try {
      const value = JSON.parse(candidate + closers);
      return { value, repair: `truncated; repaired by closing with ${JSON.stringify((state.inString ? '"' : '') + closers)}` };
    } catch {
      const cut = state.lastMemberBoundary;
      if (cut === undefined || cut >= prefix.length) return undefined;
      prefix = prefix.slice(0, cut);
    }
  }
  return undefined;
}

/** Where a scan of JSON text from an opening bracket stopped, and what was still open there. */
export interface JsonScanState {
  /** Closers still owed, innermost last. */
  readonly stack: string[];
  readonly inString: boolean;
  /** Index just past the value when it closed (or met a mismatched closer) before the end of the text. */
  readonly closedAt?: number;
  /** Where to cut an incomplete last member: at the last `,`, or just past the last `{` or `[` (outside strings). */
  readonly lastMemberBoundary?: number;
  /** The value nests deeper than {@link MAX_JSON_NESTING}; the scan stopped there. */
  readonly tooDeep?: boolean;
}

/**
 * Scans the value opening at `start` up to its closing bracket, the end of the text, or the nesting
 * cap (`maxNesting`, default {@link MAX_JSON_NESTING}), whichever comes first; strings and escapes
 * are honoured. Parses nothing.
 */
export function scanJson(text: string, start = 0, maxNesting = MAX_JSON_NESTING): JsonScanState {
  const stack: string[] = [];
  let inString = false;
  let escaped = false;
  let lastMemberBoundary: number | undefined;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (escaped) escaped = false;
      else if (character === '\\') escaped = true;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') inString = true;
    else if (character === ',') lastMemberBoundary = index;
    else if (character === '{' || character === '[') {
      stack.push(character === '{' ? '}' : ']');
      if (stack.length > maxNesting) return { stack, inString, tooDeep: true };
      lastMemberBoundary = index + 1;
    } else if (character === '}' || character === ']') {
      if (stack.pop() !== character) return { stack, inString, closedAt: index + 1 };
      if (stack.length === 0) return { stack, inString, closedAt: index + 1 };
    }
  }
  return { stack, inString, lastMemberBoundary };
}
