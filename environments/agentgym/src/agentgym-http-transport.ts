// JSON over HTTP to one environment server with node:http: pooled keep-alive connections, a
// deadline per request, and retries with backoff only where the request cannot have been handled.
import http from 'node:http';
import https from 'node:https';
import { ConfigError } from '@worldloop/spec';
import { EnvironmentServerError } from './environment-server-error.js';

/** Options of an `AgentGymHttpTransport`. */
export interface AgentGymHttpTransportOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:36001`. */
  readonly url: string;
  /** Deadline of one request, in ms (default 60,000; AgentGym's own clients wait 300 s). */
  readonly timeoutMs?: number;
  /** Retries after a connection error that proves the request was not handled (default 3). */
  readonly retries?: number;
  /** Wait before the first retry, doubled for each next one (default 200 ms). */
  readonly retryDelayMs?: number;
  /** Connection pool; a shared keep-alive agent when absent. */
  readonly agent?: http.Agent;
}

/** An HTTP answer: its status and its body, parsed as JSON when it is JSON, else the raw text. */
export interface TransportResponse {
  readonly status: number;
  readonly body: unknown;
  /** Whether `body` was parsed from JSON (false: the raw text of an HTML page, a plain-text error). */
  readonly json: boolean;
}

/** Per-call overrides. */
export interface TransportRequestOptions {
  readonly timeoutMs?: number;
  readonly retries?: number;
}

const sharedHttpAgent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });
const sharedHttpsAgent = new https.Agent({ keepAlive: true, scheduling: 'lifo' });

/** Errors that mean the server never saw the request: safe to retry even for `/step`. */
const REFUSED = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Errors that, on a pooled socket, mean the server had closed it before the request went out. */
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * Sends JSON requests to one server. Transport failures reject with `EnvironmentServerError`
 * (naming the URL and what to start when nothing answers); HTTP answers of any status resolve,
 * and their meaning is the caller's to judge. A timeout is not retried: the server may have
 * acted on the request.
 */
export class AgentGymHttpTransport {
  /** Base URL without a trailing slash. */
  readonly url: string;
  private readonly module: typeof http | typeof https;
  private readonly hostname: string;
  private readonly port: number;
  private readonly basePath: string;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;

  constructor(options: AgentGymHttpTransportOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch (error) {
      throw new ConfigError(`${JSON.stringify(options.url)} is not a URL; give the server's base URL, e.g. http://127.0.0.1:36001.`, { cause: error });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ConfigError(`Environment servers are reached over http or https, not ${parsed.protocol} (${options.url}).`);
    }
    const secure = parsed.protocol === 'https:';
    this.module = secure ? https : http;
    this.hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = parsed.port === '' ? (secure ? 443 : 80) : Number(parsed.port);
    this.basePath = parsed.pathname.replace(/\/+$/, '');
    this.url = `${parsed.protocol}//${parsed.host}${this.basePath}`;
    this.agent = options.agent ?? (secure ? sharedHttpsAgent : sharedHttpAgent);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 200;
  }

  /** Sends `body` (JSON) with `method` to `path` (`/step`, `/observation?id=3`) and returns the answer. */
  async request(method: 'GET' | 'POST', path: string, body?: unknown, options: TransportRequestOptions = {}): Promise<TransportResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const retries = options.retries ?? this.retries;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(method, path, payload, timeoutMs);
      } catch (error) {
        const failure = error as NodeJS.ErrnoException & { reusedSocket?: boolean };
        const safe = REFUSED.has(failure.code ?? '') || (failure.reusedSocket === true && STALE_SOCKET.has(failure.code ?? ''));
        if (safe && attempt < retries) {
          await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 2 ** attempt));
          continue;
        }
        throw this.describe(failure, method, path, attempt + 1, timeoutMs);
      }
    }
  }

  private send(method: string, path: string, payload: string | undefined, timeoutMs: number): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      // Once an answer has begun to arrive the server has handled the request, so a connection
      // lost after that is never the stale pooled socket that makes a retry safe.
      let answered = false;
      const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      const request = this.module.request(
        { hostname: this.hostname, port: this.port, path: this.basePath + path, method, headers, agent: this.agent },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('end', () => {
            clearTimeout(timer);
            if (!response.complete) return fail(Object.assign(new Error('the connection closed before the whole answer arrived'), { code: 'ECONNRESET' }));
            const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            let json = true;
            try {
              parsed = text === '' ? null : JSON.parse(text);
            } catch {
              // Not JSON (a proxy's error page, a plain-text 500): the caller sees the text.
              json = false;
            }
            resolve({ status: response.statusCode ?? 0, body: parsed, json });
          });
        },
      );
      function fail(error: Error): void {
        clearTimeout(timer);
        reject(Object.assign(error, { reusedSocket: request.reusedSocket && !answered }));
      }
      const timer = setTimeout(() => request.destroy(new RequestTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
      request.on('error', fail);
      request.end(payload);
    });
  }

  private describe(error: NodeJS.ErrnoException, method: string, path: string, attempts: number, timeoutMs: number): EnvironmentServerError {
    const what = `${method} ${path.replace(/\?.*$/, '')}`;
    const code = error.code ?? error.name;
    if (REFUSED.has(code) || code === 'ENOTFOUND') {
      return new EnvironmentServerError(
        this.url,
        `No environment server answers at ${this.url} (${code} on ${what}, ${attempts} attempt${attempts === 1 ? '' : 's'}). ` +
          `Start one first: \`worldloop serve --env <environment id> --port ${this.port}\` for a worldloop environment, ` +
          `or the AgentGym server of the environment (e.g. \`textcraft --host ${this.hostname} --port ${this.port}\` from agentenv-textcraft).`,
        { cause: error, retryable: true, details: { errorCode: code } },
      );
    }
    if (error instanceof RequestTimeoutError) {
      return new EnvironmentServerError(
        this.url,
        `The environment server at ${this.url} did not answer ${what} within ${timeoutMs} ms. It may be overloaded or stuck; raise the timeout (timeoutMs) if its steps are slow.`,
        { cause: error, retryable: true, details: { errorCode: code, timeoutMs } },
      );
    }
    return new EnvironmentServerError(
      this.url,
      `The connection to the environment server at ${this.url} failed during ${what} (${code}: ${error.message}). ` +
        `The server may have stopped or crashed; check it is running, then reset the environment.`,
      { cause: error, retryable: false, details: { errorCode: code } },
    );
  }
}
