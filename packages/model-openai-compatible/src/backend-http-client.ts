// JSON over HTTP to one model server: per-attempt timeout, retries with backoff on 408/429/5xx and dropped
// connections (Retry-After honoured), a concurrency cap; other 4xx, timeouts and refused connections are not retried.
// Streamed (server-sent event) responses are retried only until their first event has been delivered.
import { AbortedError, ModelBackendError, type JsonValue } from '@worldloop/spec';
import { subscribeToAbort } from './abort-subscription.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { retryDelayMs } from './retry-delay.js';
import { readServerSentEvents } from './server-sent-events.js';
import type { ServerProfile } from './server-profile.js';

/** Settings of a {@link BackendHttpClient}. */
export interface BackendHttpClientOptions {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8000/v1`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Limit of one attempt, body included. */
  readonly timeoutMs: number;
  /** Retries after the first attempt, for retryable failures. */
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Requests in flight at once. */
  readonly maxConcurrency: number;
  readonly fetch: typeof fetch;
  /** Jitter source. */
  readonly random: () => number;
  /** Waits between retries; must reject when the signal aborts. */
  readonly sleep: (durationMs: number, signal?: AbortSignal) => Promise<void>;
  /** The server as currently known, for error messages. */
  readonly server: () => ServerProfile;
}

/** Receives the `data` of each server-sent event of a streamed response, `[DONE]` excluded. */
export type ServerSentEventHandler = (data: string) => void;

/** A successful response with its parsed JSON body. */
export interface BackendResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: JsonValue;
  /** Attempts made, 1 when the first succeeded. */
  readonly attempts: number;
}

/**
 * The longest delay a Node timer holds (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms.
 * Timeouts and waits are capped at it, so a very large setting means "that long", not "at once".
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

type AttemptOutcome =
  | { readonly ok: true; readonly response: Omit<BackendResponse, 'attempts'> }
  | { readonly ok: false; readonly error: ModelBackendError; readonly retry: boolean; readonly retryAfter?: string | null };

/** Sends JSON requests to one server, within a concurrency limit, retrying what is worth retrying. */
export class BackendHttpClient {
  /** The semaphore bounding requests in flight (exposed for monitoring). */
  readonly limiter: ConcurrencyLimiter;

  constructor(private readonly options: BackendHttpClientOptions) {
    this.limiter = new ConcurrencyLimiter(options.maxConcurrency);
  }

  /**
   * Sends one request. `path` is appended to the base URL unless it is absolute. Throws
   * `ModelBackendError` (details: url, status, serverMessage, attempts) or, when `signal` fires,
   * `AbortedError` at once, whether waiting for a slot, in flight, or between retries.
   */
  async request(method: 'GET' | 'POST', path: string, payload?: unknown, signal?: AbortSignal): Promise<BackendResponse> {
    return this.send(method, path, payload, signal, undefined);
  }

  /**
   * Sends one request whose successful response is a stream of server-sent events, handing each
   * event's data to `onEvent` as it arrives (`body` of the result is null). Failures before the first
   * event are retried like `request`; after it, a failure throws at once (the events are not replayed).
   */
  async requestEvents(method: 'GET' | 'POST', path: string, payload: unknown, onEvent: ServerSentEventHandler, signal?: AbortSignal): Promise<BackendResponse> {
    return this.send(method, path, payload, signal, onEvent);
  }

  private async send(method: 'GET' | 'POST', path: string, payload: unknown, signal: AbortSignal | undefined, onEvent: ServerSentEventHandler | undefined): Promise<BackendResponse> {
    const url = /^https?:\/\//.test(path) ? path : `${this.options.baseUrl}${path}`;
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    for (let attempt = 0; ; attempt += 1) {
      throwIfAborted(signal, url);
      let release: () => void;
      try {
        release = await this.limiter.acquire(signal);
      } catch (error) {
        throw abortedError(url, error);
      }
      let outcome: AttemptOutcome;
      try {
        outcome = await this.attempt(method, url, body, signal, onEvent);
      } finally {
        release();
      }
      if (outcome.ok) return { ...outcome.response, attempts: attempt + 1 };
      if (!outcome.retry || attempt >= this.options.maxRetries) {
        outcome.error.details.attempts = attempt + 1;
        throw outcome.error;
      }
      const delay = retryDelayMs(attempt, {
        baseDelayMs: this.options.retryBaseDelayMs,
        maxDelayMs: this.options.retryMaxDelayMs,
        retryAfter: outcome.retryAfter,
        random: this.options.random,
        now: Date.now(),
      });
      try {
        await this.options.sleep(delay, signal);
      } catch (error) {
        throw abortedError(url, error);
      }
    }
  }

  private async attempt(method: string, url: string, body: string | undefined, signal: AbortSignal | undefined, onEvent: ServerSentEventHandler | undefined): Promise<AttemptOutcome> {
    // One controller for the attempt, fired by the timer or the caller's signal. Not AbortSignal.any():
    // Node 20 keeps a record of every signal it combines on each source and never prunes it, so a caller
    // passing one signal to thousands of requests would grow that record by one entry per attempt.
    const attemptAbort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attemptAbort.abort();
    }, Math.min(this.options.timeoutMs, MAX_TIMER_DELAY_MS));
    const unsubscribe = signal ? subscribeToAbort(signal, () => attemptAbort.abort(signal.reason)) : undefined;
    const headers: Record<string, string> = { accept: onEvent ? 'text/event-stream' : 'application/json', ...this.options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let delivered = 0;
    // What the event handler threw (a server error inside the stream, a caller's bug) propagates as is.
    let handlerError: { readonly error: unknown } | undefined;
    try {
      let response: Response;
      let text: string;
      try {
        response = await this.options.fetch(url, { method, headers, ...(body === undefined ? {} : { body }), signal: attemptAbort.signal });
        if (onEvent && response.ok && response.body && /text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
          const handled =
            <T>(handler: (value: T) => void) =>
            (value: T): void => {
              try {
                handler(value);
              } catch (error) {
                handlerError = { error };
                throw error;
              }
            };
          await readServerSentEvents(
            response.body,
            handled((data: string) => {
              delivered += 1;
              onEvent(data);
            }),
            handled((error: string) => {
              throw this.streamedServerError(url, error, delivered);
            }),
          );
          return { ok: true, response: { status: response.status, headers: response.headers, body: null } };
        }
        text = await response.text();
      } catch (error) {
        if (handlerError) throw handlerError.error;
        if (signal?.aborted) throw abortedError(url, signal.reason);
        if (delivered > 0) {
          const reason = timedOut ? `did not finish within ${this.options.timeoutMs} ms` : `broke off (${errorCode(error) ?? describe(error)})`;
          return {
            ok: false,
            retry: false,
            error: new ModelBackendError(`The streamed response of ${this.options.server().displayName} at ${url} ${reason} after ${delivered} events; not retried, as its output was already delivered.`, {
              cause: error,
              details: { url, events: delivered },
            }),
          };
        }
        if (timedOut) {
          return {
            ok: false,
            retry: false,
            error: new ModelBackendError(
              `${this.options.server().displayName} at ${url} gave no complete response within ${this.options.timeoutMs} ms; it may be overloaded or hung (raise timeoutMs for long generations).`,
              { retryable: true, cause: error, details: { url, timeoutMs: this.options.timeoutMs } },
            ),
          };
        }
        return this.transportFailure(url, error);
      }
      const json = parseJson(text);
      if (response.ok) {
        if (json === undefined) {
          return {
            ok: false,
            retry: false,
            error: new ModelBackendError(`${url} answered ${response.status} with a body that is not JSON: ${preview(text)}. Is baseUrl the OpenAI-compatible root (usually ending in /v1)?`, {
              details: { url, status: response.status, body: text },
            }),
          };
        }
        return { ok: true, response: { status: response.status, headers: response.headers, body: json } };
      }
      const serverMessage = json === undefined ? preview(text) : (serverErrorMessage(json) ?? preview(text));
      const retryable = RETRIED_STATUSES.has(response.status);
      return {
        ok: false,
        retry: retryable,
        retryAfter: response.headers.get('retry-after'),
        error: new ModelBackendError(
          `${this.options.server().displayName} at ${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}: ${serverMessage}`,
          { retryable, details: { url, status: response.status, serverMessage, body: json ?? text } },
        ),
      };
    } finally {
      clearTimeout(timer);
      unsubscribe?.();
    }
  }

  /** The error for llama-server's `error: {"code", "message", "type"}` line in a streamed response (never retried: its status was 200, the failure the request's own). */
  private streamedServerError(url: string, text: string, delivered: number): ModelBackendError {
    const json = parseJson(text);
    const serverMessage = json === undefined ? preview(text) : (serverErrorMessage(json) ?? preview(text));
    return new ModelBackendError(`${this.options.server().displayName} at ${url} reported an error in its streamed response: ${serverMessage}`, {
      details: { url, serverMessage, body: json ?? text, events: delivered },
    });
  }

  private transportFailure(url: string, error: unknown): AttemptOutcome {
    const code = errorCode(error);
    const profile = this.options.server();
    if (code !== undefined && UNREACHABLE_CODES.has(code)) {
      return {
        ok: false,
        retry: false,
        error: new ModelBackendError(
          `Cannot reach ${profile.displayName} at ${url} (${code}). Is it running there? Start it with: ${profile.startHint}`,
          { retryable: true, cause: error, details: { url, code } },
        ),
      };
    }
    if (code !== undefined && FETCH_TIMEOUT_CODES.has(code)) {
      // Node's fetch waits 300 s for a reply's headers (and between body chunks), whatever timeoutMs
      // says. The server may still be generating: a retry would generate it all again.
      return {
        ok: false,
        retry: false,
        error: new ModelBackendError(
          `${profile.displayName} at ${url} sent no reply within the 300 s Node's fetch waits (${code}); the generation may still be running there. Long generations: stream them (stream: true or onTextDelta), or ask for fewer tokens.`,
          { cause: error, details: { url, code } },
        ),
      };
    }
    if (describe((error as { cause?: unknown }).cause) === 'bad port') {
      // fetch refuses ports on the WHATWG "bad ports" list (e.g. 9, 25, 6000) before connecting.
      return {
        ok: false,
        retry: false,
        error: new ModelBackendError(`Cannot connect to ${url}: fetch refuses that port (on the WHATWG bad-ports list). Serve ${profile.displayName} on another port.`, {
          cause: error,
          details: { url },
        }),
      };
    }
    return {
      ok: false,
      retry: true,
      error: new ModelBackendError(`The connection to ${profile.displayName} at ${url} failed (${code ?? describe(error)}).`, {
        retryable: true,
        cause: error,
        details: { url, code },
      }),
    };
  }
}

/** The message a server put in its error body: `{"error": {"message"}}` (vLLM >= 0.9, Ollama, llama.cpp), `{"object": "error", "message"}` (older vLLM, SGLang), `{"error": "..."}`, `{"detail": ...}`. */
export function serverErrorMessage(body: JsonValue): string | undefined {
  if (!isRecord(body)) return typeof body === 'string' ? body : undefined;
  const error = body.error;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  if (typeof error === 'string') return error;
  if (typeof body.message === 'string') return body.message;
  if (body.detail !== undefined) return typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail);
  return undefined;
}

function throwIfAborted(signal: AbortSignal | undefined, url: string): void {
  if (signal?.aborted) throw abortedError(url, signal.reason);
}

function abortedError(url: string, cause: unknown): Error {
  if (cause instanceof AbortedError) return cause;
  return new AbortedError(`The request to ${url} was aborted by its caller.`, { cause });
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Node's own fetch timeouts (undici's 300 s for headers and between body chunks), which timeoutMs cannot lift. */
const FETCH_TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 200 ? `${flat.slice(0, 197)}...` : flat);
}
