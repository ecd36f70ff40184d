// The batching server simulation on fake timers: one request takes its forward steps times stepMs,
// a full batch takes the same, requests beyond the batch limit wait, aborts leave the batch.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, ConfigError, type GenerateRequest } from '@worldloop/spec';
import { BatchingModelLatency } from './batching-model-latency.js';
import { generateResult } from './generate-result.js';

const request: GenerateRequest = { messages: [] };
const result = (completionTokens: number) => generateResult({ text: 'x', usage: { promptTokens: 10, completionTokens } });

/** Starts `count` waits and records when each resolves (fake milliseconds since the start). */
function start(latency: BatchingModelLatency, count: number, completionTokens: number, signal?: AbortSignal): { times: number[]; all: Promise<unknown> } {
  const begin = Date.now();
  const times: number[] = [];
  const all = Promise.allSettled(Array.from({ length: count }, (_, index) => latency.wait(request, result(completionTokens), signal).then(() => (times[index] = Date.now() - begin))));
  return { times, all };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('BatchingModelLatency', () => {
  it('serves one request in (1 + completion tokens) forward steps', async () => {
    const latency = new BatchingModelLatency({ stepMs: 10 });
    const { times, all } = start(latency, 1, 4);
    await vi.advanceTimersByTimeAsync(49);
    expect(times).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await all;
    expect(times).toEqual([50]);
    expect(latency.statistics).toEqual({ forwardSteps: 5, requests: 1, tokens: 5, meanBatchSize: 1, peakBatchSize: 1 });
  });

  it('serves up to maxBatchSize requests in the time of one; the rest wait their turn', async () => {
    const latency = new BatchingModelLatency({ stepMs: 10, maxBatchSize: 64 });
    const { times, all } = start(latency, 65, 4);
    await vi.advanceTimersByTimeAsync(100);
    await all;
    expect(times.slice(0, 64).every((time) => time === 50)).toBe(true);
    expect(times[64]).toBe(100);
    expect(latency.statistics).toMatchObject({ forwardSteps: 10, requests: 65, tokens: 325, peakBatchSize: 64 });
    expect(latency.statistics.meanBatchSize).toBeCloseTo(325 / 10);
  });

  it('lets a request that arrives mid-batch join at the next step', async () => {
    const latency = new BatchingModelLatency({ stepMs: 10, forwardSteps: () => 3 });
    const first = start(latency, 1, 0);
    await vi.advanceTimersByTimeAsync(15);
    const second = start(latency, 1, 0);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all([first.all, second.all]);
    expect(first.times).toEqual([30]);
    expect(second.times).toEqual([25]); // arrived at 15, served at the steps ending at 20, 30 and 40
    expect(latency.statistics.forwardSteps).toBe(4);
  });

  it('drops aborted requests from the batch', async () => {
    const latency = new BatchingModelLatency({ stepMs: 10 });
    const controller = new AbortController();
    const waiting = latency.wait(request, result(9), controller.signal);
    await vi.advanceTimersByTimeAsync(20);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    await vi.advanceTimersByTimeAsync(200);
    expect(latency.statistics).toMatchObject({ requests: 0, forwardSteps: 2 });
    await expect(latency.wait(request, result(1), controller.signal)).rejects.toBeInstanceOf(AbortedError);
  });

  it('refuses a forward-step count that is not a finite number instead of waiting forever', async () => {
    for (const steps of [Number.NaN, Infinity]) {
      const latency = new BatchingModelLatency({ stepMs: 10, forwardSteps: () => steps });
      await expect(latency.wait(request, result(1))).rejects.toBeInstanceOf(ConfigError);
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it('refuses nonsense settings', () => {
    expect(() => new BatchingModelLatency({ stepMs: 0 })).toThrow(ConfigError);
    expect(() => new BatchingModelLatency({ stepMs: 1, maxBatchSize: 0 })).toThrow(ConfigError);
  });
});
