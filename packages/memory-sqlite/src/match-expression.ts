// Builds FTS5 MATCH expressions from free text: its words, each quoted, joined with OR. User text
// never reaches FTS5's query syntax, so quotes, NEAR, AND/OR/NOT, *, -, ^, parentheses and column filters are plain words or dropped.

/**
 * Words as SQLite's unicode61 tokenizer splits them: letters, digits and private-use characters,
 * with the combining marks among them (the tokenizer keeps a mark in its token, and with
 * `remove_diacritics 2` drops it there; splitting on it would search for other tokens).
 */
const wordPattern = /\p{M}*[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{Co}\p{M}]*/gu;

/** Most distinct words taken from one text; longer texts keep their first ones. */
export const matchExpressionWordLimit = 32;

/**
 * The distinct words of `text`, lower-cased, in order of first appearance, at most
 * `matchExpressionWordLimit`. Everything that is not a letter, digit or mark separates words.
 * Each word is taken as written (NFC), the way the stored text was indexed, so a memory's own
 * text always matches it; when its compatibility form (NFKC: `Ａｐｐｌｅ`, `ﬁne`, `x²`) differs,
 * that form's words follow it, so the plain spelling is found too.
 */
export function matchWords(text: string): string[] {
  const words = new Set<string>();
  for (const match of text.normalize('NFC').toLowerCase().matchAll(wordPattern)) {
    for (const word of [match[0], ...[...match[0].normalize('NFKC').toLowerCase().matchAll(wordPattern)].map((folded) => folded[0])]) {
      words.add(word);
      if (words.size === matchExpressionWordLimit) return [...words];
    }
  }
  return [...words];
}

/**
 * The FTS5 MATCH expression for `text` (or for words from `matchWords`): `"red" OR "key" OR
 * "near"`. Every word is a quoted string, so FTS5 reads none of it as an operator (`NEAR`, `NOT`,
 * `OR`), a prefix (`*`), a column filter (`text:`) or a group. `undefined` when there is no word
 * (`"*** -- ()"`): skip the lexical search then, rather than send FTS5 an empty or invalid query.
 */
export function matchExpression(text: string | readonly string[]): string | undefined {
  const words = typeof text === 'string' ? matchWords(text) : text;
  if (words.length === 0) return undefined;
  // Words hold no double quote (the pattern excludes it), so quoting needs no escaping.
  return words.map((word) => `"${word}"`).join(' OR ');
}
