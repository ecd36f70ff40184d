// Finds the list of available actions some AgentGym servers append to the observation text
// (BabyAI: `\nAvailable actions: ["turn left", "move forward"]`); Python-repr lists work too.

const HEADER = /available actions\s*:\s*\[/gi;
const QUOTED = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g;

/**
 * The actions of the last bracketed `Available actions: [...]` list in `text`, or undefined when
 * the text has none. Items are JSON strings (`"a"`) or Python-repr strings (`'a'`).
 */
export function availableActionsFromText(text: string): string[] | undefined {
  let start = -1;
  for (const match of text.matchAll(HEADER)) start = match.index + match[0].length - 1;
  if (start < 0) return undefined;
  const end = closingBracket(text, start);
  if (end < 0) return undefined;
  const list = text.slice(start, end + 1);
  try {
    const parsed: unknown = JSON.parse(list);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed as string[];
  } catch {
    // Not JSON: read the quoted items one by one below.
  }
  const actions: string[] = [];
  for (const match of list.matchAll(QUOTED)) {
    const raw = match[1] ?? match[2] ?? '';
    actions.push(raw.replace(/\\(.)/g, '$1'));
  }
  return actions.length > 0 || /^\[\s*\]$/.test(list) ? actions : undefined;
}

/** Index of the `]` closing the list opened at `start`, skipping brackets inside quoted items (`"click[buy]"`); -1 when none. */
function closingBracket(text: string, start: number): number {
  let quote: string | undefined;
  for (let index = start + 1; index < text.length; index++) {
    const char = text[index];
    if (quote !== undefined) {
      if (char === '\\') index++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === ']') return index;
  }
  return -1;
}
