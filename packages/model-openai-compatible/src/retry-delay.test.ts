// Retry delays: Retry-After in seconds and as an HTTP date, exponential backoff with jitter, the cap.
import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs, retryDelayMs } from './retry-delay.js';

const now = Date.parse('2025-01-01T00:00:00Z');
const base = { baseDelayMs: 500, maxDelayMs: 30_000, now };

describe('retryDelayMs', () => {
  it('honours Retry-After seconds and HTTP dates, capped at maxDelayMs', () => {
    expect(retryDelayMs(0, { ...base, retryAfter: '3', random: () => 0 })).toBe(3000);
    expect(retryDelayMs(0, { ...base, retryAfter: 'Wed, 01 Jan 2025 00:00:05 GMT', random: () => 0 })).toBe(5000);
    expect(retryDelayMs(0, { ...base, retryAfter: '120', random: () => 0 })).toBe(30_000);
  });

  it('backs off exponentially with jitter in [0.5, 1) of the step when no usable Retry-After is given', () => {
    expect([0, 1, 2, 3].map((attempt) => retryDelayMs(attempt, { ...base, random: () => 0 }))).toEqual([250, 500, 1000, 2000]);
    expect(retryDelayMs(2, { ...base, retryAfter: 'soon', random: () => 0.999 })).toBe(1999);
    expect(retryDelayMs(20, { ...base, random: () => 0 })).toBe(15_000);
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds and dates, clamps past dates to 0, ignores garbage', () => {
    expect(parseRetryAfterMs('0', now)).toBe(0);
    expect(parseRetryAfterMs('1.5', now)).toBe(1500);
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('', now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs('later', now)).toBeUndefined();
  });
});
