// Tests of the WAL switch's retry with a scripted connection and a fake clock: no real waiting.
import { describe, expect, it } from 'vitest';
import { maxWalRetryPauseMs, switchToWal } from './switch-to-wal.js';

/** A connection whose `journal_mode = WAL` fails with the given codes, in order, then answers `wal`. */
function scriptedConnection(failures: readonly string[]) {
  const remaining = [...failures];
  const calls: string[] = [];
  return {
    calls,
    pragma(source: string): unknown {
      calls.push(source);
      const code = remaining.shift();
      if (code === undefined) return 'wal';
      throw Object.assign(new Error(code === 'SQLITE_BUSY' ? 'database is locked' : 'disk I/O error'), { code });
    },
  };
}

/** A clock that only moves when slept on, recording each pause. */
function fakeTime() {
  let nowMs = 1_000;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => nowMs,
    sleep: (durationMs: number) => {
      pauses.push(durationMs);
      nowMs += durationMs;
    },
  };
}

describe('switchToWal', () => {
  it('answers the mode at once when nothing is in the way', () => {
    const connection = scriptedConnection([]);
    const time = fakeTime();
    expect(switchToWal(connection, { timeoutMs: 5000, ...time })).toBe('wal');
    expect(connection.calls).toEqual(['journal_mode = WAL']);
    expect(time.pauses).toEqual([]);
  });

  it('retries SQLITE_BUSY with growing pauses, capped, until the switch goes through', () => {
    const connection = scriptedConnection(Array.from({ length: 12 }, (_, index) => (index % 2 === 0 ? 'SQLITE_BUSY' : 'SQLITE_BUSY_RECOVERY')));
    const time = fakeTime();
    expect(switchToWal(connection, { timeoutMs: 5000, ...time })).toBe('wal');
    expect(connection.calls).toHaveLength(13);
    expect(time.pauses).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 50, 50]);
    expect(Math.max(...time.pauses)).toBe(maxWalRetryPauseMs);
  });

  it('gives up at the deadline and throws the last SQLITE_BUSY as it came', () => {
    const connection = scriptedConnection(Array.from({ length: 1000 }, () => 'SQLITE_BUSY'));
    const time = fakeTime();
    expect(() => switchToWal(connection, { timeoutMs: 200, ...time })).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY', message: 'database is locked' }));
    expect(time.pauses.reduce((sum, pause) => sum + pause, 0)).toBe(200);
    expect(time.pauses.at(-1)).toBe(200 - (5 + 10 + 15 + 20 + 25 + 30 + 35 + 40));
  });

  it('does not retry any other error', () => {
    const connection = scriptedConnection(['SQLITE_IOERR']);
    const time = fakeTime();
    expect(() => switchToWal(connection, { timeoutMs: 5000, ...time })).toThrow('disk I/O error');
    expect(connection.calls).toHaveLength(1);
    expect(time.pauses).toEqual([]);
  });
});
