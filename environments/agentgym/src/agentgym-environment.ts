// An Environment whose world lives in an AgentGym-style HTTP server (AgentGym's agentenv-* servers
// or `worldloop serve`). Handles the protocol's variants; see README.md for which server does what.
import {
  ConfigError,
  EnvironmentStateError,
  InvalidActionError,
  resetStepLimit,
  type Environment,
  type Info,
  type Observation,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '@worldloop/spec';
import type http from 'node:http';
import { AgentGymActionSpace } from './agentgym-action-space.js';
import { AgentGymHttpTransport, type TransportResponse } from './agentgym-http-transport.js';
import { availableActionsFromText } from './available-actions-text.js';
import { EnvironmentServerError } from './environment-server-error.js';

/** Options of an `AgentGymEnvironment`. Only `url` is required; the rest adapt to a server's dialect. */
export interface AgentGymEnvironmentOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:36001`. */
  readonly url: string;
  /** The environment's name on that server (`textcraft`), for the id and messages. */
  readonly name?: string;
  /** Id this environment reports (default `agentgym:<url>#<name>`). */
  readonly id?: string;
  /** Deadline of one request in ms (default 60,000). */
  readonly timeoutMs?: number;
  /** Retries after connection errors that prove a request was not handled (default 3). */
  readonly retries?: number;
  /** Wait before the first retry, doubled for each next one (default 200 ms). */
  readonly retryDelayMs?: number;
  /** Connection pool (default: a shared keep-alive agent). */
  readonly agent?: http.Agent;
  /** Field naming the instance in request bodies and queries (default `id`; WebShop uses `env_idx`). */
  readonly idField?: string;
  /** Field carrying the task index on `/reset` (default `data_idx`; ALFWorld uses `game`, WebShop `session_id`). */
  readonly resetIndexField?: string;
  /** Extra fields sent with every `/reset` (ALFWorld: `{ world_type: 'Text' }`). */
  readonly resetBody?: Readonly<Record<string, unknown>>;
  /** Body of `/create` (default `{}`; TextCraft accepts `commands` and `goal`). */
  readonly createBody?: Readonly<Record<string, unknown>>;
  /** Number of tasks the server holds: `data_idx` is the seed modulo this (default: the seed itself). */
  readonly taskCount?: number;
  /**
   * Steps after which the client truncates an episode (default: the server's `max_steps`, when it
   * sends one). A reset's smaller `maxSteps` truncates that episode sooner.
   */
  readonly maxSteps?: number;
  /** Accept actions the server did not list (default false: listed actions only, when it lists any). */
  readonly acceptUnlistedActions?: boolean;
  /** Ask a worldloop server for its expert's action with every answer, and offer `expertAction()`. */
  readonly expert?: boolean;
}

type Phase = 'idle' | 'running' | 'ended';
/** Whether an optional endpoint exists on the server: not yet known, present, or answered 404. */
type Endpoint = 'unknown' | 'present' | 'missing';

interface ServerAnswer {
  readonly [key: string]: unknown;
}

/** An observation from a remote server: its text, and the actions it listed when it listed any. */
export interface AgentGymObservation extends Observation {
  /** Sum of rewards so far as the server reports it (`score`), when it does. */
  readonly score?: number;
}

/**
 * A remote environment spoken to over the AgentGym protocol. `reset({ seed })` sends the seed as
 * `data_idx` (modulo `taskCount`); a numeric `task` is sent as `data_idx` instead, any other
 * `task` as `task`. The instance is created on the first reset and recreated when the server has
 * reclaimed it. Errors: `{"error"}` answers and HTTP errors become `EnvironmentServerError`, except
 * worldloop servers' `invalid-action` (→ `InvalidActionError`, state unchanged) and
 * `environment-state` (→ `EnvironmentStateError`); a server that is down or dies is an
 * `EnvironmentServerError` naming the URL. `close` never throws: a server that is gone has
 * nothing left to release. A reset's `maxSteps` (the caller's budget) is honoured on the client's
 * side, never sent (the protocol has no such field): the episode is truncated at the smaller of it
 * and the client's own limit, and ends there as it would at the server's end (the server's episode
 * is left to the next reset). Caveat: a server that lists `primitive_actions` (a worldloop gridworld)
 * runs a text command as several of its counted steps in one `/step`, which the client cannot stop
 * at the budget; there the budget is ignored (allowed for a remote environment) and `maxSteps` stays
 * the client's own limit.
 */
export class AgentGymEnvironment implements Environment<AgentGymObservation, string> {
  readonly id: string;
  readonly actionSpace: AgentGymActionSpace;
  /** An action of the server's expert (present when the `expert` option is set). */
  readonly expertAction?: () => string | undefined;
  private readonly transport: AgentGymHttpTransport;
  private readonly options: AgentGymEnvironmentOptions;
  private readonly idField: string;
  private readonly resetIndexField: string;
  private instanceId: unknown;
  private firstObservation: ServerAnswer | undefined;
  private phase: Phase = 'idle';
  private stepCount = 0;
  private serverMaxSteps: number | undefined;
  /** The reset's `maxSteps` (the caller's budget) for this episode, when it gave one. */
  private episodeBudget: number | undefined;
  private actions: readonly string[] | undefined;
  private primitives: readonly string[] | undefined;
  private description: string | undefined;
  private expert: string | undefined;
  private observationEndpoint: Endpoint = 'unknown';
  private availableActionsEndpoint: Endpoint = 'unknown';
  private closeEndpoint: Endpoint = 'unknown';

  constructor(options: AgentGymEnvironmentOptions) {
    this.options = options;
    this.transport = new AgentGymHttpTransport({
      url: options.url,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
      ...(options.agent !== undefined ? { agent: options.agent } : {}),
    });
    this.id = options.id ?? `agentgym:${this.transport.url}#${options.name ?? 'environment'}`;
    this.idField = options.idField ?? 'id';
    this.resetIndexField = options.resetIndexField ?? 'data_idx';
    if (options.taskCount !== undefined && (!Number.isSafeInteger(options.taskCount) || options.taskCount < 1)) {
      throw new ConfigError(`taskCount must be a positive integer; got ${options.taskCount}.`);
    }
    this.actionSpace = new AgentGymActionSpace(
      {
        description: () => this.description,
        listedActions: () => this.actions,
        primitiveActions: () => this.primitives,
      },
      options.acceptUnlistedActions ?? false,
    );
    if (options.expert) this.expertAction = () => (this.phase === 'running' ? this.expert : undefined);
  }

  /**
   * The step limit: the `maxSteps` option, else what the server announced on reset; after a reset
   * with a `maxSteps`, the smaller of that and this one (that one alone when there is none).
   */
  get maxSteps(): number | undefined {
    const own = this.options.maxSteps ?? this.serverMaxSteps;
    if (this.episodeBudget === undefined) return own;
    return own === undefined ? this.episodeBudget : Math.min(own, this.episodeBudget);
  }

  /** A `seed` or `maxSteps` the contract refuses is a `ConfigError` before any request, state unchanged. */
  async reset(options: ResetOptions = {}): Promise<ResetResult<AgentGymObservation>> {
    const dataIndex = this.dataIndex(options);
    // Checked here, as the server's own limit is known only from its answer.
    const budget = options.maxSteps === undefined ? undefined : resetStepLimit(options, Number.POSITIVE_INFINITY);
    if (this.instanceId === undefined) await this.create();
    let answer: ServerAnswer;
    if (options.seed === undefined && options.task === undefined && this.firstObservation !== undefined) {
      answer = this.firstObservation; // created with a first observation and nothing asks for another
    } else {
      const body = {
        ...this.options.resetBody,
        [this.resetIndexField]: dataIndex,
        ...(options.task !== undefined && !/^\d+$/.test(options.task) ? { task: options.task } : {}),
        ...(this.options.expert ? { expert: true } : {}),
      };
      this.firstObservation = undefined; // stale once a /reset is sent, even one that fails
      try {
        answer = await this.call('/reset', body);
      } catch (error) {
        if (!(error instanceof EnvironmentStateError && error.details['reclaimed'] === true)) throw error;
        await this.create(); // the server forgot the instance (idle timeout, restart): make another
        answer = await this.call('/reset', body);
      }
    }
    this.firstObservation = undefined;
    this.phase = 'running';
    this.stepCount = 0;
    // Where one /step may run several counted steps, the budget could not be kept exactly: ignored.
    this.episodeBudget = this.primitives === undefined ? budget : undefined;
    const maxSteps = answer['max_steps'];
    this.serverMaxSteps = typeof maxSteps === 'number' && Number.isSafeInteger(maxSteps) && maxSteps > 0 ? maxSteps : undefined;
    const observation = await this.observationOf(answer, '/reset');
    const info: Info = { ...objectField(answer, 'info'), dataIndex, instanceId: this.instanceId };
    return { observation, info };
  }

  async step(action: string): Promise<StepResult<AgentGymObservation>> {
    if (this.phase === 'idle') throw new EnvironmentStateError(`step() was called before reset() on ${this.id}; call reset() first.`);
    if (this.phase === 'ended') throw new EnvironmentStateError(`step() was called after the episode of ${this.id} ended; call reset() to start another.`);
    if (typeof action !== 'string' || action.trim() === '') throw new InvalidActionError(action, 'actions are non-empty strings');
    const validation = this.actionSpace.validate(action);
    const sent = validation.ok ? validation.action : action;
    let answer: ServerAnswer;
    try {
      answer = await this.call('/step', { action: sent });
    } catch (error) {
      if (error instanceof EnvironmentStateError) this.phase = 'idle'; // the server ended or forgot the episode
      throw error;
    }
    this.stepCount++;
    const observation = await this.observationOf(answer, '/step');
    const reward = finiteNumber(answer['reward']) ?? 0;
    const done = answer['done'] === true;
    const serverTruncated = answer['truncated'] === true;
    const limit = this.maxSteps;
    const cut = !done && limit !== undefined && this.stepCount >= limit;
    const terminated = done && !serverTruncated;
    const truncated = (done && serverTruncated) || cut;
    const info: Info = { ...objectField(answer, 'info') };
    const score = finiteNumber(answer['score']);
    if (score !== undefined) info['score'] = score;
    if (terminated || truncated) {
      this.phase = 'ended';
      // Servers without `info.success` (AgentGym's) signal success by a positive score or reward.
      if (typeof info['success'] !== 'boolean') info['success'] = terminated && (score ?? reward) > 0;
    }
    return { observation, reward, terminated, truncated, info };
  }

  async close(): Promise<void> {
    const id = this.instanceId;
    this.instanceId = undefined;
    this.firstObservation = undefined;
    this.phase = 'idle';
    if (id === undefined || this.closeEndpoint === 'missing') return;
    try {
      const response = await this.transport.request('POST', '/close', { [this.idField]: id }, { retries: 0, timeoutMs: Math.min(this.options.timeoutMs ?? 5000, 5000) });
      if (response.status === 404) this.closeEndpoint = 'missing'; // TextCraft, BabyAI, ALFWorld have no /close
      else if (response.status === 200) this.closeEndpoint = 'present';
    } catch {
      // The server is gone or slow; it reclaims (or has lost) the instance by itself.
    }
  }

  /** The `data_idx` a reset sends: a numeric task, else the seed (modulo `taskCount`), else 0. */
  private dataIndex(options: ResetOptions): number {
    if (options.task !== undefined && /^\d+$/.test(options.task)) return Number(options.task);
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`${this.id} takes seeds that are non-negative integers (sent as data_idx); got ${seed}.`);
    return this.options.taskCount !== undefined ? seed % this.options.taskCount : seed;
  }

  /** `POST /create`: the instance id, from `{"id": n, ...}` or a bare id (WebShop), and any first observation. */
  private async create(): Promise<void> {
    const response = await this.transport.request('POST', '/create', { ...this.options.createBody, ...(this.options.expert ? { expert: true } : {}) });
    const answer = response.body;
    if (response.status === 200 && response.json && (typeof answer === 'number' || typeof answer === 'string')) {
      this.instanceId = answer;
      this.firstObservation = undefined;
      return;
    }
    const object = this.check(response, '/create');
    const id = object[this.idField] ?? object['id'];
    if (id === undefined || id === null) {
      throw new EnvironmentServerError(this.transport.url, `The environment server at ${this.transport.url} answered POST /create without an instance id (${excerpt(answer)}); set idField if it names the id otherwise.`);
    }
    this.instanceId = id;
    this.firstObservation = typeof object['observation'] === 'string' || typeof object['state'] === 'string' ? object : undefined;
    if (typeof object['action_space'] === 'string') this.description = object['action_space'];
    if (isStringArray(object['primitive_actions'])) this.primitives = object['primitive_actions'];
  }

  /** POSTs `body` with the instance id and returns the answer, or throws what its error means. */
  private async call(path: string, body: Record<string, unknown>): Promise<ServerAnswer> {
    const response = await this.transport.request('POST', path, { [this.idField]: this.instanceId, ...body });
    return this.check(response, path, typeof body['action'] === 'string' ? body['action'] : undefined);
  }

  /** The answer as an object, or the error it carries: HTTP status, `{"error"}`, or an unexpected shape. */
  private check(response: TransportResponse, path: string, action?: string): ServerAnswer {
    const url = this.transport.url;
    const answer = response.body;
    const where = `POST ${path}${this.instanceId !== undefined ? ` (instance ${JSON.stringify(this.instanceId)})` : ''}`;
    if (response.status === 422) {
      throw new EnvironmentServerError(
        url,
        `The environment server at ${url} refused ${where} as invalid (422): ${validationDetail(answer)}. ` +
          `Check the protocol options (idField ${JSON.stringify(this.idField)}, resetIndexField ${JSON.stringify(this.resetIndexField)}) against the server.`,
        { details: { status: 422, body: answer } },
      );
    }
    if (response.status === 404) {
      throw new EnvironmentServerError(url, `The server at ${url} has no ${where.split(' (')[0]} (404 ${excerpt(answer)}); is ${url} the base URL of an AgentGym environment server?`, {
        details: { status: 404 },
      });
    }
    if (response.status !== 200) {
      throw new EnvironmentServerError(url, `The environment server at ${url} answered ${where} with HTTP ${response.status}: ${excerpt(answer)}.`, {
        retryable: response.status >= 500,
        details: { status: response.status, body: answer },
      });
    }
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      throw new EnvironmentServerError(url, `The environment server at ${url} answered ${where} with ${excerpt(answer)}, not a JSON object.`);
    }
    const object = answer as ServerAnswer;
    const code = object['code'];
    if (code === 'invalid-action' && action !== undefined) {
      // A worldloop server's no-op step for a refused action (no `error` key, for Python clients' sake).
      if (isStringArray(object['available_actions'])) this.actions = object['available_actions'];
      const message = String(object['invalid_action'] ?? object['error'] ?? object['observation'] ?? 'refused by the server');
      const prefix = `Invalid action ${JSON.stringify(action)}: `;
      throw new InvalidActionError(action, message.startsWith(prefix) ? message.slice(prefix.length) : message);
    }
    const error = object['error'];
    if (error === undefined || error === null) return object;
    const message = typeof error === 'string' ? error : JSON.stringify(error);
    if (code === 'unknown-instance' || /^The id .* is not valid/.test(message)) {
      this.instanceId = undefined;
      throw new EnvironmentStateError(`The environment server at ${url} no longer knows ${where.replace('POST ', 'the instance of ')}: ${message} Call reset() to start a new episode.`, {
        details: { reclaimed: true },
      });
    }
    if (code === 'environment-state') throw new EnvironmentStateError(`${url}: ${message}`);
    if (code === 'config') throw new ConfigError(`${url}: ${message}`);
    throw new EnvironmentServerError(url, `The environment server at ${url} answered ${where} with an error: ${message}`, { details: { body: object } });
  }

  /** The observation in an answer (fetching `/observation` when it has none) and its listed actions. */
  private async observationOf(answer: ServerAnswer, path: string): Promise<AgentGymObservation> {
    let text = textOf(answer);
    if (text === undefined) text = await this.fetchObservation(path);
    this.expert = typeof answer['expert_action'] === 'string' ? answer['expert_action'] : undefined;
    let actions: readonly string[] | undefined;
    if (isStringArray(answer['available_actions'])) actions = answer['available_actions'];
    else actions = availableActionsFromText(text) ?? (await this.fetchAvailableActions());
    this.actions = actions;
    const score = finiteNumber(answer['score']);
    const mission = typeof answer['mission'] === 'string' ? answer['mission'] : undefined;
    return {
      text,
      ...(actions !== undefined ? { validActions: actions } : {}),
      ...(mission !== undefined ? { mission } : {}),
      ...(score !== undefined ? { score } : {}),
    };
  }

  /** `GET /observation?id=`: a bare JSON string on most servers, an object on others. */
  private async fetchObservation(path: string): Promise<string> {
    const url = this.transport.url;
    if (this.observationEndpoint !== 'missing') {
      const response = await this.transport.request('GET', `/observation?${this.idField}=${encodeURIComponent(String(this.instanceId))}`);
      if (response.status === 404) this.observationEndpoint = 'missing';
      else if (response.status === 200) {
        this.observationEndpoint = 'present';
        if (response.json && typeof response.body === 'string') return response.body;
        const text = typeof response.body === 'object' && response.body !== null ? textOf(response.body as ServerAnswer) : undefined;
        if (text !== undefined) return text;
      }
    }
    throw new EnvironmentServerError(url, `The environment server at ${url} answered POST ${path} without an observation, and GET /observation gave none either.`);
  }

  /** `GET /available_actions?id=` where the server has it (ALFWorld); undefined elsewhere. */
  private async fetchAvailableActions(): Promise<readonly string[] | undefined> {
    if (this.availableActionsEndpoint === 'missing') return undefined;
    const response = await this.transport.request('GET', `/available_actions?${this.idField}=${encodeURIComponent(String(this.instanceId))}`);
    if (response.status === 404) {
      this.availableActionsEndpoint = 'missing';
      return undefined;
    }
    if (response.status !== 200) return undefined;
    this.availableActionsEndpoint = 'present';
    const body = response.body;
    if (isStringArray(body)) return body;
    if (typeof body === 'object' && body !== null && isStringArray((body as ServerAnswer)['available_actions'])) return (body as ServerAnswer)['available_actions'] as string[];
    return undefined;
  }
}

function textOf(answer: ServerAnswer): string | undefined {
  const value = answer['observation'] ?? answer['state'];
  return typeof value === 'string' ? value : undefined;
}

function objectField(answer: ServerAnswer, name: string): Record<string, unknown> {
  const value = answer[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function excerpt(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** FastAPI's `{"detail": [{"loc": [...], "msg": ...}]}` as `body.id: Field required; ...`. */
function validationDetail(body: unknown): string {
  const detail = typeof body === 'object' && body !== null ? (body as ServerAnswer)['detail'] : undefined;
  if (!Array.isArray(detail)) return excerpt(body);
  return detail
    .map((issue: { loc?: unknown[]; msg?: unknown }) => `${Array.isArray(issue.loc) ? issue.loc.join('.') : '?'}: ${String(issue.msg ?? '')}`)
    .join('; ');
}
