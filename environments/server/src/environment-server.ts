// Serves one worldloop EnvironmentSpec over the AgentGym HTTP protocol with node:http: create,
// reset (data_idx = seed), step, observation, available_actions, close, health. See README.md for
// the wire format; errors are HTTP 200 `{"error"}` where AgentGym's Python clients expect that.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigError,
  InvalidActionError,
  WorldloopError,
  type EnvironmentOptions,
  type EnvironmentSpec,
  type Observation,
} from '@worldloop/spec';
import { EnvironmentInstances, type EnvironmentInstance, type FirstInstanceId } from './environment-instances.js';
import { readJsonBody } from './read-json-body.js';
import { RequestError } from './request-error.js';

/** Options of an `EnvironmentServer`. */
export interface EnvironmentServerOptions {
  /** The environment every instance is made from. */
  readonly spec: EnvironmentSpec<Observation, any>;
  /** Passed to `spec.create` for each instance. */
  readonly environmentOptions?: EnvironmentOptions;
  /** Most instances alive at once (default 1,024); `/create` answers 503 beyond it. */
  readonly maxInstances?: number;
  /** Instances unused this long are closed and forgotten (default 600,000 ms = 10 minutes). */
  readonly idleTimeoutMs?: number;
  /** Largest request body accepted (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Clock in ms for idle reclaim (default `performance.now`); tests pass their own. */
  readonly now?: () => number;
  /** On `close`, how long requests already running may take to finish before their connections are dropped (default 10,000 ms). */
  readonly shutdownGraceMs?: number;
  /**
   * Id of the first instance; later ones count up from it. Default `'random'`: a random id from 1
   * to 2^30 - 1, so that after a restart a client still holding an id of the previous run is refused
   * (`unknown-instance`, which worldloop's client answers by making a new instance) rather than
   * driving another client's instance that happens to have the same number. A number (0 as
   * AgentGym's own servers count) fixes it, for tests. A `ConfigError` for anything but a
   * non-negative safe integer or `'random'`.
   */
  readonly firstInstanceId?: FirstInstanceId;
}

/** Where a listening server is. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, the base URL clients use. */
  readonly url: string;
}

/** Time spent serving steps since the server started (or since `resetTimings`). */
export interface ServerStepTimings {
  /** `/step` requests answered with a step result. */
  readonly steps: number;
  /** Total time inside the `/step` handler, from the request's arrival to the response written (ms). */
  readonly handlerMs: number;
  /**
   * Total time inside the environment: `environment.step` plus reading the observation fields the
   * response carries (text, valid actions), which lazy observations compute on first read (ms).
   */
  readonly environmentMs: number;
}

const DEFAULT_MAX_INSTANCES = 1024;
const DEFAULT_IDLE_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_BODY_BYTES = 1 << 20;
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

type Handler = (request: IncomingMessage, query: string) => Promise<unknown>;

/**
 * An HTTP server for one environment spec, speaking the AgentGym protocol so AgentGym's Python
 * clients and worldloop's `AgentGymEnvironment` drive it unchanged. Many instances run at once;
 * requests to one instance run one at a time, in arrival order.
 */
export class EnvironmentServer {
  readonly spec: EnvironmentSpec<Observation, any>;
  private readonly instances: EnvironmentInstances;
  private readonly maxInstances: number;
  private readonly idleTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly shutdownGraceMs: number;
  /** Requests being answered by the listening server; `close` lets them finish. */
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;
  private readonly routes: ReadonlyMap<string, Handler>;
  private server: Server | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private stepCount = 0;
  private handlerMs = 0;
  private environmentMs = 0;

  constructor(options: EnvironmentServerOptions) {
    this.spec = options.spec;
    this.maxInstances = positiveInteger('maxInstances', options.maxInstances ?? DEFAULT_MAX_INSTANCES);
    this.idleTimeoutMs = positiveInteger('idleTimeoutMs', options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.shutdownGraceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    const environmentOptions = options.environmentOptions;
    this.instances = new EnvironmentInstances({
      create: () => options.spec.create(environmentOptions),
      maxInstances: this.maxInstances,
      idleTimeoutMs: this.idleTimeoutMs,
      ...(options.now ? { now: options.now } : {}),
      ...(options.firstInstanceId !== undefined ? { firstInstanceId: options.firstInstanceId } : {}),
    });
    this.routes = new Map<string, Handler>([
      ['GET /', async () => `This is environment ${this.spec.id}, served by worldloop over the AgentGym protocol.`],
      ['GET /health', async () => this.health()],
      ['POST /create', (request) => this.create(request)],
      ['POST /reset', (request) => this.reset(request)],
      ['POST /step', (request) => this.step(request)],
      ['POST /close', (request) => this.closeInstance(request)],
      ['GET /observation', (_request, query) => this.observation(query)],
      ['GET /available_actions', (_request, query) => this.availableActions(query)],
      ['GET /detail', (_request, query) => this.detail(query)],
    ]);
  }

  /** Starts listening (port 0 picks a free port); rejects with `ConfigError` when the port is taken. */
  async listen(options: { port?: number; host?: string } = {}): Promise<ServerAddress> {
    if (this.server) throw new ConfigError(`The server for ${this.spec.id} is already listening.`);
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 36001;
    const server = createServer((request, response) => {
      // `handle` answers every error itself; should writing the answer fail, drop the connection
      // rather than leave a rejection no one handles (which would end the process).
      const answered = this.handle(request, response).catch(() => void response.destroy());
      this.inFlight.add(answered);
      void answered.finally(() => this.inFlight.delete(answered));
    });
    // Keep idle connections open longer than clients keep them pooled, so a client rarely reuses
    // a socket the server is closing.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new ConfigError(`Port ${port} on ${host} is already in use; pick another --port.`, { cause: error })
            : error,
        );
      });
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const sweepEveryMs = Math.max(10, Math.min(this.idleTimeoutMs / 2, 30_000));
    this.sweepTimer = setInterval(() => void this.instances.reclaimIdle(), sweepEveryMs);
    this.sweepTimer.unref();
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` };
  }

  /**
   * Stops listening, lets requests already running finish (up to `shutdownGraceMs`) so a step the
   * environment took is answered, drops the connections and closes every instance. Idempotent.
   */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    const server = this.server;
    this.server = undefined;
    if (server) {
      this.closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (this.inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.shutdownGraceMs)));
        await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
      this.closing = false;
    }
    await this.instances.closeAll();
  }

  /** Closes instances idle past the idle timeout now (the server also does it on a timer); returns their ids. */
  reclaimIdle(): Promise<number[]> {
    return this.instances.reclaimIdle();
  }

  /** Step timings since start or the last `resetTimings`, for benchmarks and monitoring. */
  timings(): ServerStepTimings {
    return { steps: this.stepCount, handlerMs: this.handlerMs, environmentMs: this.environmentMs };
  }

  /** Sets the step timings back to zero. */
  resetTimings(): void {
    this.stepCount = 0;
    this.handlerMs = 0;
    this.environmentMs = 0;
  }

  /** Answers one HTTP request; exposed so the server can be mounted in another node:http server. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const url = request.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const query = mark < 0 ? '' : url.slice(mark + 1);
    const handler = this.routes.get(`${request.method} ${path}`);
    let status = 200;
    let payload: unknown;
    if (handler === undefined) {
      const known = [...this.routes.keys()].some((route) => route.endsWith(` ${path}`));
      status = known ? 405 : 404;
      payload = { detail: known ? 'Method Not Allowed' : 'Not Found' };
      request.resume();
    } else {
      try {
        payload = await handler(request, query);
      } catch (error) {
        ({ status, payload } = errorResponse(error));
      }
    }
    let text: string;
    try {
      text = JSON.stringify(payload);
    } catch (error) {
      // The environment returned what JSON cannot carry (a BigInt, a cycle in `info`).
      status = 200;
      text = JSON.stringify({ error: `The answer could not be encoded as JSON: ${(error as Error).message}`, code: 'environment-failed' });
    }
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      // While shutting down, tell the client not to send more on this connection.
      ...(this.closing ? { connection: 'close' } : {}),
    });
    response.end(text);
    if (path === '/step' && status === 200 && (payload as { code?: unknown }).code === undefined) {
      this.stepCount++;
      this.handlerMs += performance.now() - startedAt;
    }
  }

  private health(): Record<string, unknown> {
    return {
      status: 'ok',
      environment: this.spec.id,
      instances: this.instances.size,
      max_instances: this.maxInstances,
      idle_timeout_s: this.idleTimeoutMs / 1000,
    };
  }

  private async body(request: IncomingMessage): Promise<Record<string, unknown>> {
    const body = await readJsonBody(request, this.maxBodyBytes);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw RequestError.invalidField({ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object', input: body });
    }
    return body as Record<string, unknown>;
  }

  /** `POST /create`: a new instance, reset once so the answer carries a first observation (as TextCraft's does). */
  private async create(request: IncomingMessage): Promise<Record<string, unknown>> {
    const body = await this.body(request);
    const dataIndex = optionalIndex(body);
    const expert = body['expert'] === true;
    const instance = await this.instances.create();
    try {
      const reset = await this.instances.run(instance, () => this.resetInstance(instance, dataIndex ?? 0, undefined, expert));
      const space = instance.environment.actionSpace;
      return {
        id: instance.id,
        ...reset,
        environment: this.spec.id,
        action_space: space.describe(),
        ...(space.primitiveActions ? { primitive_actions: space.primitiveActions() } : {}),
      };
    } catch (error) {
      await this.instances.close(instance.id).catch(() => undefined);
      throw error;
    }
  }

  /** `POST /reset {"id", "data_idx"}`: a new episode seeded with `data_idx` (or `game`, `seed`; default 0). */
  private async reset(request: IncomingMessage): Promise<Record<string, unknown>> {
    const body = await this.body(request);
    const id = integerField(body, 'id', 'body');
    const dataIndex = optionalIndex(body) ?? 0;
    const task = body['task'];
    if (task !== undefined && task !== null && typeof task !== 'string') {
      throw RequestError.invalidField({ type: 'string_type', loc: ['body', 'task'], msg: 'Input should be a valid string', input: task });
    }
    const instance = this.instances.get(id);
    const expert = body['expert'] === undefined ? instance.expert : body['expert'] === true;
    return { id, ...(await this.instances.run(instance, () => this.resetInstance(instance, dataIndex, task ?? undefined, expert))) };
  }

  private async resetInstance(instance: EnvironmentInstance, seed: number, task: string | undefined, expert: boolean): Promise<Record<string, unknown>> {
    const { observation, info } = await instance.environment.reset({ seed, ...(task !== undefined ? { task } : {}) });
    instance.observation = observation;
    instance.score = 0;
    instance.reward = 0;
    instance.done = false;
    instance.expert = expert;
    const maxSteps = instance.environment.maxSteps;
    return {
      observation: observation.text,
      reward: 0,
      score: 0,
      done: false,
      ...this.actionFields(instance),
      ...(observation.mission !== undefined ? { mission: observation.mission } : {}),
      ...(maxSteps !== undefined ? { max_steps: maxSteps } : {}),
      info,
    };
  }

  /** `POST /step {"id", "action"}`: one step; an invalid action answers a no-op step with `"code": "invalid-action"`. */
  private async step(request: IncomingMessage): Promise<Record<string, unknown>> {
    const body = await this.body(request);
    const id = integerField(body, 'id', 'body');
    const action = body['action'];
    if (typeof action !== 'string') {
      throw RequestError.invalidField(
        action === undefined
          ? { type: 'missing', loc: ['body', 'action'], msg: 'Field required', input: body }
          : { type: 'string_type', loc: ['body', 'action'], msg: 'Input should be a valid string', input: action },
      );
    }
    const instance = this.instances.get(id);
    return this.instances.run(instance, async () => {
      const startedAt = performance.now();
      let result;
      try {
        result = await instance.environment.step(action);
      } catch (error) {
        if (!(error instanceof InvalidActionError)) throw error;
        // AgentGym servers answer an invalid action with an observation saying so and no state
        // change. No `error` key: LMRL-Gym's clients end the episode on one. Worldloop clients
        // read `code` and raise InvalidActionError.
        return {
          code: error.code,
          invalid_action: error.message,
          observation: error.message,
          reward: 0,
          score: instance.score,
          done: false,
          ...this.actionFields(instance),
        };
      }
      const { observation } = result;
      const text = observation.text;
      const actions = this.actionFields(instance, observation);
      this.environmentMs += performance.now() - startedAt;
      instance.observation = observation;
      instance.reward = result.reward;
      instance.score += result.reward;
      instance.done = result.terminated || result.truncated;
      return {
        observation: text,
        reward: result.reward,
        score: instance.score,
        done: instance.done,
        truncated: result.truncated,
        ...actions,
        info: result.info,
      };
    });
  }

  /** `available_actions` (and `expert_action` when asked for) of the instance's current state. */
  private actionFields(instance: EnvironmentInstance, observation = instance.observation): Record<string, unknown> {
    const actions = observation?.validActions ?? instance.environment.actionSpace.validActions?.();
    const fields: Record<string, unknown> = actions ? { available_actions: actions } : {};
    if (instance.expert && instance.environment.expertAction) {
      const expertAction = instance.environment.expertAction();
      if (expertAction !== undefined) fields['expert_action'] = expertAction;
    }
    return fields;
  }

  /** `POST /close {"id"}`: `true` when the instance was closed, `false` when it did not exist. */
  private async closeInstance(request: IncomingMessage): Promise<boolean> {
    const body = await this.body(request);
    return this.instances.close(integerField(body, 'id', 'body'));
  }

  /** `GET /observation?id=`: the latest observation text as a bare JSON string (as TextCraft, ALFWorld, SciWorld). */
  private async observation(query: string): Promise<string> {
    const instance = this.instanceFromQuery(query);
    if (instance.observation === undefined) throw new RequestError(200, 'environment-state', `Instance ${instance.id} has no observation yet; POST /reset first.`);
    return instance.observation.text;
  }

  /** `GET /available_actions?id=`: the actions valid now as a JSON array (as ALFWorld). */
  private async availableActions(query: string): Promise<readonly unknown[]> {
    const instance = this.instanceFromQuery(query);
    const actions = instance.observation?.validActions ?? instance.environment.actionSpace.validActions?.();
    return actions ?? [];
  }

  /** `GET /detail?id=`: what the server knows of an instance (as AgentGym servers' `/detail`). */
  private async detail(query: string): Promise<Record<string, unknown>> {
    const instance = this.instanceFromQuery(query);
    return {
      id: instance.id,
      environment: this.spec.id,
      observation: instance.observation?.text ?? null,
      reward: instance.reward,
      score: instance.score,
      done: instance.done,
      deleted: false,
      ...this.actionFields(instance),
    };
  }

  private instanceFromQuery(query: string): EnvironmentInstance {
    const raw = new URLSearchParams(query).get('id');
    if (raw === null) throw RequestError.invalidField({ type: 'missing', loc: ['query', 'id'], msg: 'Field required', input: null });
    if (!/^\d+$/.test(raw)) {
      throw RequestError.invalidField({ type: 'int_parsing', loc: ['query', 'id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw });
    }
    return this.instances.get(Number(raw));
  }
}

function errorResponse(error: unknown): { status: number; payload: Record<string, unknown> } {
  if (error instanceof RequestError) return { status: error.status, payload: error.body() };
  // Environment errors come back as AgentGym servers report them: HTTP 200 with `error`.
  if (error instanceof WorldloopError) return { status: 200, payload: { error: error.message, code: error.code } };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 200, payload: { error: message, code: 'environment-failed' } };
}

function integerField(body: Record<string, unknown>, name: string, where: 'body'): number {
  const value = body[name];
  if (value === undefined) throw RequestError.invalidField({ type: 'missing', loc: [where, name], msg: 'Field required', input: body });
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw RequestError.invalidField({ type: 'int_type', loc: [where, name], msg: 'Input should be a valid integer', input: value });
  }
  return value;
}

/** Fields that carry the task index, in the order read: AgentGym's usual one, ALFWorld's and LMRL-Gym maze's, LMRL-Gym wordle's. */
const INDEX_FIELDS = ['data_idx', 'game', 'seed'] as const;

/** The task index when present (`data_idx`, or `game` / `seed` as some clients name it): a non-negative integer used as the reset seed. */
function optionalIndex(body: Record<string, unknown>): number | undefined {
  for (const field of INDEX_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw RequestError.invalidField({ type: 'int_type', loc: ['body', field], msg: 'Input should be a valid non-negative integer', input: value });
    }
    return value;
  }
  return undefined;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`EnvironmentServer option ${name} must be a positive integer; got ${value}.`);
  return value;
}
