// Folds the chunks of a streamed chat completion (`chat.completion.chunk` events) back into the body a
// non-streamed request would have returned, so one mapping reads both. Choice 0 only (worldloop asks for n = 1).
import { ModelBackendError, type JsonValue } from '@worldloop/spec';
import { serverErrorMessage } from './backend-http-client.js';

/** A tool call as its deltas accumulate: `arguments` arrive in pieces (vLLM, llama.cpp) or whole (Ollama). */
interface ToolCallInProgress {
  id?: string;
  type?: string;
  name?: string;
  arguments: string;
}

/**
 * Accumulates one streamed completion. `add` takes each event's data in order; it throws
 * `ModelBackendError` for an error event (servers report failures after the 200 this way) and for
 * data that is not JSON. `completion()` returns the equivalent non-streamed body: content, reasoning,
 * tool calls (by `index`), logprobs, finish reason, `usage` (sent last when `stream_options.include_usage`)
 * and llama.cpp's `timings`.
 */
export class ChatCompletionStream {
  /** Milliseconds from `startedAt` to the first generated content, reasoning or tool-call delta. */
  firstTokenMs: number | undefined;
  private readonly header: Record<string, JsonValue> = {};
  private content = '';
  private reasoning = '';
  private readonly toolCalls = new Map<number, ToolCallInProgress>();
  private readonly logprobs: JsonValue[] = [];
  private finishReason: JsonValue = null;
  private usage: JsonValue | undefined;
  private timings: JsonValue | undefined;
  private sawChoice = false;

  /**
   * @param startedAt `performance.now()` when the request started, for `firstTokenMs`.
   * @param onTextDelta Receives each piece of content as it arrives (not reasoning, not tool calls).
   */
  constructor(
    private readonly startedAt: number,
    private readonly onTextDelta?: (text: string) => void,
  ) {}

  /** Takes the data of one event. */
  add(data: string): void {
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      throw new ModelBackendError(`A streamed chat completion event is not JSON: ${JSON.stringify(data.slice(0, 200))}.`, { details: { data } });
    }
    if (!isRecord(chunk)) throw new ModelBackendError(`A streamed chat completion event is not an object: ${data.slice(0, 200)}.`, { details: { data } });
    if (chunk.error !== undefined || chunk.object === 'error') {
      const message = serverErrorMessage(chunk) ?? data.slice(0, 200);
      throw new ModelBackendError(`The server reported an error in the middle of a streamed completion: ${message}`, { details: { serverMessage: message, body: chunk } });
    }
    for (const key of ['id', 'created', 'model', 'system_fingerprint'] as const) {
      if (this.header[key] === undefined && chunk[key] !== undefined && chunk[key] !== null) this.header[key] = chunk[key];
    }
    if (isRecord(chunk.usage)) this.usage = chunk.usage;
    if (isRecord(chunk.timings)) this.timings = chunk.timings;
    const choice = Array.isArray(chunk.choices) ? chunk.choices.find((candidate) => isRecord(candidate) && (candidate.index ?? 0) === 0) : undefined;
    if (!isRecord(choice)) return;
    this.sawChoice = true;
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) this.finishReason = choice.finish_reason;
    if (isRecord(choice.logprobs) && Array.isArray(choice.logprobs.content)) this.logprobs.push(...choice.logprobs.content);
    const delta = choice.delta;
    if (!isRecord(delta)) return;
    if (typeof delta.content === 'string' && delta.content !== '') {
      this.markFirstToken();
      this.content += delta.content;
      this.onTextDelta?.(delta.content);
    }
    const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : typeof delta.reasoning === 'string' ? delta.reasoning : '';
    if (reasoning !== '') {
      this.markFirstToken();
      this.reasoning += reasoning;
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const [position, wire] of delta.tool_calls.entries()) {
        if (!isRecord(wire)) continue;
        this.markFirstToken();
        const index = typeof wire.index === 'number' ? wire.index : position;
        const call = this.toolCalls.get(index) ?? { arguments: '' };
        if (typeof wire.id === 'string' && wire.id !== '') call.id = wire.id;
        if (typeof wire.type === 'string') call.type = wire.type;
        const fn = isRecord(wire.function) ? wire.function : undefined;
        if (typeof fn?.name === 'string' && fn.name !== '') call.name = fn.name;
        if (typeof fn?.arguments === 'string') call.arguments += fn.arguments;
        else if (fn?.arguments !== undefined && fn.arguments !== null) call.arguments += JSON.stringify(fn.arguments);
        this.toolCalls.set(index, call);
      }
    }
  }

  /** The body a non-streamed request would have returned (no `choices` when no chunk carried one). */
  completion(): JsonValue {
    const toolCalls = [...this.toolCalls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]) => ({ ...(call.id ? { id: call.id } : {}), type: call.type ?? 'function', function: { name: call.name ?? '', arguments: call.arguments } }));
    const message: Record<string, JsonValue> = {
      role: 'assistant',
      content: this.content === '' && toolCalls.length > 0 ? null : this.content,
      ...(this.reasoning !== '' ? { reasoning_content: this.reasoning } : {}),
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    };
    return {
      ...this.header,
      object: 'chat.completion',
      choices: !this.sawChoice ? [] : [{ index: 0, message, logprobs: this.logprobs.length > 0 ? { content: this.logprobs } : null, finish_reason: this.finishReason }],
      ...(this.usage !== undefined ? { usage: this.usage } : {}),
      ...(this.timings !== undefined ? { timings: this.timings } : {}),
    };
  }

  private markFirstToken(): void {
    this.firstTokenMs ??= Math.round(performance.now() - this.startedAt);
  }
}

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
