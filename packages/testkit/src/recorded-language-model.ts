// Replays recorded model answers: scripted GenerateResults, or the model calls of a recorded run
// (StepRecord.modelCalls). With `match: 'exact'` or `'lookup'` each request's messages must equal
// the recorded ones, so a replay that drifts from the recording fails at once with the first
// difference; `lookup` also serves concurrent episodes, whose calls interleave in any order.
import { ConfigError, ModelBackendError, type ChatMessage, type GenerateResult, type ModelCallRecord, type StepRecord } from '@worldloop/spec';
import { ScriptedLanguageModel, type TestLanguageModelOptions } from './scripted-language-model.js';

/**
 * How requests are matched to recordings. `none`: answers in order, whatever is asked. `exact`: in
 * order, and each request's messages must equal the recording's. `lookup`: the answer is the first
 * unused recording whose messages equal the request's, in any order.
 */
export type ReplayMatch = 'none' | 'exact' | 'lookup';

/** Options of a {@link RecordedLanguageModel}. */
export interface RecordedLanguageModelOptions extends TestLanguageModelOptions {
  /** Default `none`; `exact` and `lookup` need recordings with messages (`ModelCallRecord`s). */
  readonly match?: ReplayMatch;
  /** When the recordings run out: throw a `ModelBackendError` (default) or repeat the last one (`none` and `exact` only). */
  readonly whenExhausted?: 'throw' | 'repeat-last';
}

/** A recorded answer: the result alone, or the whole recorded call (messages sent and result). */
export type Recording = GenerateResult | ModelCallRecord;

/**
 * A `LanguageModel` that replays recordings, for deterministic tests and exact replays of runs.
 * Every request is kept in `calls`. A request the recordings cannot answer (none left, or messages
 * that differ in a matching mode) rejects with a `ModelBackendError` that names the call, the first
 * differing message and character, and both texts there.
 *
 * @example
 * const model = RecordedLanguageModel.fromSteps(steps, { match: 'exact' });
 */
export class RecordedLanguageModel extends ScriptedLanguageModel {
  private readonly replay: Replay;

  constructor(recordings: readonly Recording[], options: RecordedLanguageModelOptions = {}) {
    const replay = new Replay(recordings, options);
    super((request, callIndex) => replay.answer(request.messages, callIndex), { modelId: 'recorded', ...options });
    this.replay = replay;
  }

  /** A model replaying the model calls of recorded steps, in step order. */
  static fromSteps(steps: Iterable<StepRecord>, options: RecordedLanguageModelOptions = {}): RecordedLanguageModel {
    const recordings: ModelCallRecord[] = [];
    for (const step of steps) recordings.push(...step.modelCalls);
    return new RecordedLanguageModel(recordings, options);
  }

  /** Recordings not used yet. */
  get remaining(): number {
    return this.replay.remaining;
  }
}

/** The replay state, outside the class so the responder can be handed to `super`. */
class Replay {
  private readonly results: readonly GenerateResult[];
  private readonly keys: readonly (string | undefined)[];
  private readonly used: boolean[];
  private next = 0;
  private readonly match: ReplayMatch;
  private readonly whenExhausted: 'throw' | 'repeat-last';

  constructor(recordings: readonly Recording[], options: RecordedLanguageModelOptions) {
    this.match = options.match ?? 'none';
    this.whenExhausted = options.whenExhausted ?? 'throw';
    this.results = recordings.map((recording) => (isCallRecord(recording) ? recording.result : recording));
    this.keys = recordings.map((recording) => (isCallRecord(recording) ? canonicalJson(recording.messages) : undefined));
    this.used = recordings.map(() => false);
    if (this.match !== 'none') {
      const missing = this.keys.findIndex((key) => key === undefined);
      if (missing >= 0) throw new ConfigError(`RecordedLanguageModel: match "${this.match}" needs the messages of every recording, but recording ${missing} is a bare GenerateResult. Pass ModelCallRecords (StepRecord.modelCalls) or use match "none".`);
    }
    if (this.match === 'lookup' && this.whenExhausted === 'repeat-last') throw new ConfigError('RecordedLanguageModel: whenExhausted "repeat-last" cannot be combined with match "lookup".');
  }

  get remaining(): number {
    return this.used.filter((used) => !used).length;
  }

  answer(messages: readonly ChatMessage[], callIndex: number): GenerateResult {
    if (this.match === 'lookup') return this.lookup(messages, callIndex);
    if (this.next >= this.results.length) {
      if (this.whenExhausted === 'repeat-last' && this.results.length > 0) return this.results.at(-1)!;
      throw new ModelBackendError(`RecordedLanguageModel has no recording left for model call #${callIndex} (it holds ${this.results.length}).`, { details: { callIndex } });
    }
    const index = this.next;
    if (this.match === 'exact') {
      // A request that diverges gets no answer, so it uses up no recording.
      const expected = this.keys[index]!;
      if (canonicalJson(messages) !== expected) throw divergence(callIndex, messages, JSON.parse(expected) as ChatMessage[], `recording ${index}`);
    }
    this.next++;
    this.used[index] = true;
    return this.results[index]!;
  }

  private lookup(messages: readonly ChatMessage[], callIndex: number): GenerateResult {
    const key = canonicalJson(messages);
    for (let index = 0; index < this.results.length; index++) {
      if (!this.used[index] && this.keys[index] === key) {
        this.used[index] = true;
        return this.results[index]!;
      }
    }
    // No match: report the difference from the unused recording that agrees longest.
    let best = -1;
    let bestLength = -1;
    for (let index = 0; index < this.results.length; index++) {
      if (this.used[index]) continue;
      const length = commonPrefixLength(this.keys[index]!, key);
      if (length > bestLength) {
        best = index;
        bestLength = length;
      }
    }
    if (best < 0) throw new ModelBackendError(`RecordedLanguageModel has no recording left for model call #${callIndex} (all ${this.results.length} are used).`, { details: { callIndex } });
    throw divergence(callIndex, messages, JSON.parse(this.keys[best]!) as ChatMessage[], `the closest unused recording (${best})`);
  }
}

function isCallRecord(recording: Recording): recording is ModelCallRecord {
  return 'result' in recording && 'messages' in recording;
}

/** The error for a request whose messages differ from the recording's: where, and both texts there. */
function divergence(callIndex: number, actual: readonly ChatMessage[], expected: readonly ChatMessage[], source: string): ModelBackendError {
  const count = Math.min(actual.length, expected.length);
  let messageIndex = 0;
  while (messageIndex < count && canonicalJson(actual[messageIndex]) === canonicalJson(expected[messageIndex])) messageIndex++;
  let where: string;
  if (messageIndex === count) {
    where = `the request has ${actual.length} messages, ${source} has ${expected.length}`;
  } else {
    const got = canonicalJson(actual[messageIndex]);
    const want = canonicalJson(expected[messageIndex]);
    const at = commonPrefixLength(got, want);
    const excerpt = (text: string): string => JSON.stringify(text.slice(Math.max(0, at - 40), at + 60));
    where = `message ${messageIndex} (${expected[messageIndex]!.role}) differs from ${source} at character ${at} of its JSON: expected ${excerpt(want)}, got ${excerpt(got)}`;
  }
  return new ModelBackendError(
    `Replay diverged at model call #${callIndex}: ${where}. The run no longer reproduces the recording: check the seed, the environment's version and the policy's options.`,
    { details: { callIndex, messageIndex } },
  );
}

function commonPrefixLength(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  let index = 0;
  while (index < length && left.charCodeAt(index) === right.charCodeAt(index)) index++;
  return index;
}

/** JSON with object keys sorted and undefined members dropped, so equal data compare equal after a round trip. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}
