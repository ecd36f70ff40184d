// Formats a rate for people: whole numbers from 10 up, two decimals below (an LLM agent on a
// CPU may take 0.25 steps/s, which rounding would show as 0).

/** `1234`, `12`, `0.25`. */
export function formatRate(perSecond: number): string {
  return perSecond >= 10 ? String(Math.round(perSecond)) : perSecond.toFixed(2);
}
