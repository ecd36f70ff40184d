// How a client of one OpenAI-compatible server connects (URL, key, timeouts, retries, concurrency), checked,
// and the BackendHttpClient built from them. Shared by every client of this package that speaks HTTP.
import { ConfigError } from '@worldloop/spec';
import { subscribeToAbort } from './abort-subscription.js';
import { BackendHttpClient, MAX_TIMER_DELAY_MS } from './backend-http-client.js';
import type { ServerProfile } from './server-profile.js';

/** Connection settings every HTTP client of this package accepts. Only `baseUrl` is required. */
export interface BackendConnectionOptions {
  /** The OpenAI-compatible root, e.g. `http://127.0.0.1:8000/v1` (vLLM), `:8080/v1` (llama-server), `:11434/v1` (Ollama), `:1234/v1` (LM Studio). */
  readonly baseUrl: string;
  /** Sent as a bearer token (vLLM `--api-key`, llama-server `--api-key`). */
  readonly apiKey?: string;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Limit of one HTTP attempt in milliseconds, body included (at most 2^31 - 1, about 24.8 days; more counts as that). Node's fetch itself waits at most 300 s for a reply's headers: a non-streamed generation longer than that fails, unretried, whatever this says; stream long ones. */
  readonly timeoutMs?: number;
  /** Retries of 429, 408, 5xx and dropped connections (never of other 4xx). */
  readonly maxRetries?: number;
  /** First backoff delay before jitter, doubled per retry. */
  readonly retryBaseDelayMs?: number;
  /** Longest wait between retries, Retry-After included (at most 2^31 - 1 ms with the default sleep). */
  readonly retryMaxDelayMs?: number;
  /** Requests in flight at once from this instance; the rest queue. */
  readonly maxConcurrency?: number;
  /** The fetch to use (default: global fetch). */
  readonly fetch?: typeof fetch;
  /** Jitter source for backoff (default Math.random). */
  readonly random?: () => number;
  /** Waits between retries (default: a timer); must reject when the signal aborts. For tests and custom schedulers. */
  readonly sleep?: (durationMs: number, signal?: AbortSignal) => Promise<void>;
}

/** Defaults a client applies where its options leave a setting out. */
export interface BackendConnectionDefaults {
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly maxConcurrency: number;
}

/**
 * The HTTP client for `options`, after checking them: `baseUrl` must be an http(s) URL (a trailing
 * slash is dropped), numbers must be finite and in range, `maxConcurrency` whole. Throws ConfigError
 * naming `owner` (the class whose options these are), the option and its value.
 */
export function createBackendHttpClient(
  owner: string,
  options: BackendConnectionOptions,
  defaults: BackendConnectionDefaults,
  server: () => ServerProfile,
): BackendHttpClient {
  const baseUrl = checkedBaseUrl(options.baseUrl);
  for (const [name, value, minimum] of [
    ['timeoutMs', options.timeoutMs, 1],
    ['maxRetries', options.maxRetries, 0],
    ['retryBaseDelayMs', options.retryBaseDelayMs, 0],
    ['retryMaxDelayMs', options.retryMaxDelayMs, 0],
    ['maxConcurrency', options.maxConcurrency, 1],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < minimum)) {
      throw new ConfigError(`${owner} option ${name} must be a number >= ${minimum}, got ${JSON.stringify(value)}.`, { details: { option: name, value } });
    }
  }
  if (options.maxConcurrency !== undefined && !Number.isInteger(options.maxConcurrency)) {
    throw new ConfigError(`${owner} option maxConcurrency must be a whole number, got ${options.maxConcurrency}.`, { details: { option: 'maxConcurrency', value: options.maxConcurrency } });
  }
  const fetchFunction = options.fetch ?? globalThis.fetch;
  return new BackendHttpClient({
    baseUrl,
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.headers !== undefined ? { headers: options.headers } : {}),
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    maxRetries: options.maxRetries ?? defaults.maxRetries,
    retryBaseDelayMs: options.retryBaseDelayMs ?? defaults.retryBaseDelayMs,
    retryMaxDelayMs: options.retryMaxDelayMs ?? defaults.retryMaxDelayMs,
    maxConcurrency: options.maxConcurrency ?? defaults.maxConcurrency,
    fetch: (input, init) => fetchFunction(input, init),
    random: options.random ?? Math.random,
    sleep: options.sleep ?? abortableSleep,
    server,
  });
}

/** `value` without trailing slashes; ConfigError unless it is an http or https URL. */
export function checkedBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`baseUrl ${JSON.stringify(value)} is not a URL; expected e.g. http://127.0.0.1:8000/v1.`, { details: { baseUrl: value } });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`baseUrl ${JSON.stringify(value)} must be http or https.`, { details: { baseUrl: value } });
  }
  return value.replace(/\/+$/, '');
}

/** Waits `durationMs` (at most {@link MAX_TIMER_DELAY_MS}); rejects with the signal's reason as soon as it aborts. */
function abortableSleep(durationMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      unsubscribe?.();
      resolve();
    }, Math.min(durationMs, MAX_TIMER_DELAY_MS));
    const unsubscribe = signal
      ? subscribeToAbort(signal, () => {
          clearTimeout(timer);
          reject(signal.reason);
        })
      : undefined;
  });
}
