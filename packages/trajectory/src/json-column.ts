// JSON text columns: values go in with JSON.stringify and come out with JSON.parse. Caveat: JSON
// has no undefined, Date, Map, BigInt or NaN; such values change or are refused (see toJsonColumn).

/**
 * Serialises `value` for a JSON column. Throws an Error naming `what` when the value cannot be
 * written (BigInt, cycles) or is not a JSON value at all (undefined, a function). Object fields
 * holding undefined are dropped, Dates become ISO strings, NaN and Infinity become null.
 */
export function toJsonColumn(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new Error(
      `${what} is not JSON-serialisable (${error instanceof Error ? error.message : String(error)}); record only plain JSON data, without BigInt values or cycles`,
      { cause: error },
    );
  }
  if (text === undefined) throw new Error(`${what} is ${typeof value}, not a JSON value`);
  return text;
}

/** Parses a JSON column written by `toJsonColumn`. */
export function fromJsonColumn<T>(text: string): T {
  return JSON.parse(text) as T;
}
