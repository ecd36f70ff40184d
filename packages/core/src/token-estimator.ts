// Token counting for context budgeting. The default is the usual characters / 4 heuristic: it needs
// no tokenizer, errs high on code-like text (maps, JSON) and low on some non-Latin scripts.

/** Counts (or estimates) the tokens of a text; plug in a backend's tokenizer where one exists. */
export type TokenEstimator = (text: string) => number;

/** Estimates tokens as `ceil(characters / 4)`, the common rule of thumb for English and code. */
export const estimateTokensByCharacters: TokenEstimator = (text) => Math.ceil(text.length / 4);
