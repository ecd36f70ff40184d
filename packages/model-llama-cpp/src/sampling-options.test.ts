// Sampling parameters → node-llama-cpp options: mapping, range checks, warnings.
import { ConfigError } from '@worldloop/spec';
import { describe, expect, it } from 'vitest';
import { toLlamaSamplingOptions } from './sampling-options.js';

const limits = { defaultMaxTokens: 512, availableTokens: 1000 };

describe('toLlamaSamplingOptions', () => {
  it('maps every parameter when sampling', () => {
    expect(toLlamaSamplingOptions({ temperature: 0.7, topP: 0.9, topK: 20, maxTokens: 64, stop: ['\n'], seed: -1 }, limits)).toEqual({
      options: { temperature: 0.7, topP: 0.9, topK: 20, maxTokens: 64, customStopTriggers: ['\n'], seed: 4294967295 },
      warnings: [],
    });
  });

  it('defaults to greedy with the default maxTokens, and warns about settings greedy ignores', () => {
    expect(toLlamaSamplingOptions(undefined, limits)).toEqual({ options: { maxTokens: 512 }, warnings: [] });
    expect(toLlamaSamplingOptions({ topP: 0.5, seed: 3 }, limits)).toEqual({
      options: { maxTokens: 512 },
      warnings: ['topP, seed ignored: decoding is greedy without a temperature above 0'],
    });
  });

  it('lowers maxTokens to the context left, with a warning', () => {
    expect(toLlamaSamplingOptions({ maxTokens: 4000 }, limits)).toEqual({
      options: { maxTokens: 1000 },
      warnings: ['maxTokens lowered from 4000 to 1000: the rest of the context window'],
    });
  });

  it.each([{ temperature: -0.1 }, { topP: 0 }, { topP: 1.5 }, { topK: 2.5 }, { maxTokens: 0 }, { seed: 0.5 }])('refuses %j', (sampling) => {
    expect(() => toLlamaSamplingOptions(sampling, limits)).toThrow(ConfigError);
  });
});
