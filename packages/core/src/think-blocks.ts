// `<think>…</think>` blocks: the reasoning a model writes before it answers (an unclosed block runs
// to the end of the text). Parsers of replies read the answer outside them.

/** A new global pattern of think blocks (group 1: the reasoning inside), for `replace` and `matchAll`. */
export function thinkBlocks(): RegExp {
  return /<think>([\s\S]*?)(?:<\/think>|$)/g;
}

/** `text` with each think block replaced by a space: what the model answered. */
export function withoutThinkBlocks(text: string): string {
  return text.replace(thinkBlocks(), ' ');
}
