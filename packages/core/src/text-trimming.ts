// Trimming runs of characters off the ends of model text in linear time. A `[...]+$` regex
// backtracks over every run of such characters that does not reach the end: quadratic on long runs.

/** `text` without the trailing characters `strip` accepts. */
export function trimEndOf(text: string, strip: (character: string) => boolean): string {
  let end = text.length;
  while (end > 0 && strip(text[end - 1]!)) end -= 1;
  return text.slice(0, end);
}

/** `text` without the characters `strip` accepts at either end. */
export function trimBothEndsOf(text: string, strip: (character: string) => boolean): string {
  let start = 0;
  while (start < text.length && strip(text[start]!)) start += 1;
  return trimEndOf(text.slice(start), strip);
}
