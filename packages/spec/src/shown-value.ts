// How the checks show an offending value in a message: as JSON where JSON can say it, otherwise as
// JavaScript writes it (NaN, Infinity, 8n, Symbol(s)), never throwing on the way.

/** `value` for an error message: JSON, or `String(value)` for what JSON loses or cannot write. */
export function shownValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
