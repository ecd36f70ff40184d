// Parses and checks flag values, failing with ConfigError messages that name the flag and the value.
import { ConfigError } from '@worldloop/spec';

/** An integer flag value within bounds; `fallback` when the flag is absent. */
export function integerOption(name: string, value: string | undefined, fallback: number, bounds: { min?: number; max?: number } = {}): number {
  if (value === undefined) return fallback;
  const min = bounds.min ?? Number.MIN_SAFE_INTEGER;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    const range = bounds.max !== undefined ? `between ${min} and ${max}` : `at least ${min}`;
    throw new ConfigError(`--${name} must be an integer ${range}, got ${JSON.stringify(value)}.`);
  }
  return Number(value);
}

/** A finite number flag within bounds; undefined when the flag is absent. */
export function numberOption(name: string, value: string | undefined, bounds: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < bounds.min || number > bounds.max) {
    throw new ConfigError(`--${name} must be a number between ${bounds.min} and ${bounds.max}, got ${JSON.stringify(value)}.`);
  }
  return number;
}

/** A flag value that must be one of `choices`. */
export function choiceOption<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

/** A flag that must be present. */
export function requiredOption(name: string, value: string | undefined, hint: string): string {
  if (value === undefined || value.trim() === '') throw new ConfigError(`--${name} is required. ${hint}`);
  return value;
}
