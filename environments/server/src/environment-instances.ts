// The live environment instances of a server: integer ids counting up from a first id (0 as
// AgentGym servers number them, or a random one so a restarted server does not reissue the ids of
// its previous run), a bound on how many exist, idle ones reclaimed, one request at a time each.
import { randomInt } from 'node:crypto';
import { ConfigError, type Environment, type Observation } from '@worldloop/spec';
import { RequestError } from './request-error.js';

/** One environment instance and what the protocol reports about it. */
export interface EnvironmentInstance {
  readonly id: number;
  readonly environment: Environment<Observation, any>;
  /** The latest observation (after create, reset or a step). */
  observation: Observation | undefined;
  /** Sum of the episode's rewards, sent as `score`. */
  score: number;
  reward: number;
  done: boolean;
  /** Whether responses carry `expert_action` (asked for with `"expert": true`). */
  expert: boolean;
  /** Clock reading (ms) of the last request; idle reclaim compares it with the idle timeout. */
  lastUsedAt: number;
  /** Requests queued or running on this instance. */
  pending: number;
  /** Settles when the last queued request has finished. */
  tail: Promise<unknown>;
}

/** Options of `EnvironmentInstances`. */
export interface EnvironmentInstancesOptions {
  /** Makes a fresh environment for a new instance. */
  readonly create: () => Environment<Observation, any>;
  /** Most instances alive at once. */
  readonly maxInstances: number;
  /** An instance unused this long (ms) may be reclaimed. */
  readonly idleTimeoutMs: number;
  /** Clock in ms (default `performance.now`); tests pass their own. */
  readonly now?: () => number;
  /** Id of the first instance, later ones counting up from it (default `'random'`); see `EnvironmentServerOptions.firstInstanceId`. */
  readonly firstInstanceId?: FirstInstanceId;
}

/**
 * Where a server's instance ids start: a non-negative safe integer, or `'random'` for a random one
 * from 1 to 2^30 - 1 (drawn from `node:crypto`), so the ids of two server starts are unlikely to
 * overlap, an id issued by a server started at 0 never matches, and ids stay below 2^31 for the
 * first 2^30 instances (clients that keep ids in 32-bit integers read them).
 */
export type FirstInstanceId = number | 'random';

/** Largest random first id, exclusive. */
const RANDOM_FIRST_ID_LIMIT = 2 ** 30;

/** The first id `firstInstanceId` stands for; a `ConfigError` for anything but a non-negative safe integer or `'random'`. */
function resolveFirstInstanceId(firstInstanceId: FirstInstanceId | undefined): number {
  if (firstInstanceId === undefined || firstInstanceId === 'random') return randomInt(1, RANDOM_FIRST_ID_LIMIT);
  if (typeof firstInstanceId !== 'number' || !Number.isSafeInteger(firstInstanceId) || firstInstanceId < 0) {
    throw new ConfigError(`EnvironmentServer option firstInstanceId must be a non-negative integer or 'random'; got ${JSON.stringify(firstInstanceId) ?? String(firstInstanceId)}.`);
  }
  return firstInstanceId;
}

const noop = (): void => undefined;

/**
 * The instance table. `create` refuses past `maxInstances` (503) after reclaiming idle instances;
 * `get` refuses unknown or reclaimed ids with AgentGym's wording (status 200, `{"error"}`), saying
 * whether this server never issued the id or closed it.
 */
export class EnvironmentInstances {
  /** Id of the first instance this table issues (or will). */
  readonly firstId: number;
  private readonly byId = new Map<number, EnvironmentInstance>();
  private nextId: number;
  private readonly now: () => number;

  constructor(private readonly options: EnvironmentInstancesOptions) {
    this.now = options.now ?? (() => performance.now());
    this.firstId = resolveFirstInstanceId(options.firstInstanceId);
    this.nextId = this.firstId;
  }

  /** Instances alive now. */
  get size(): number {
    return this.byId.size;
  }

  /** A new instance with the next id. */
  async create(): Promise<EnvironmentInstance> {
    if (this.byId.size >= this.options.maxInstances) await this.reclaimIdle();
    if (this.byId.size >= this.options.maxInstances) {
      throw new RequestError(
        503,
        'too-many-instances',
        `All ${this.options.maxInstances} environment instances are in use; close finished ones (POST /close {"id"}) or restart the server with a higher --max-instances.`,
      );
    }
    const environment = this.options.create();
    const instance: EnvironmentInstance = {
      id: this.nextId++,
      environment,
      observation: undefined,
      score: 0,
      reward: 0,
      done: false,
      expert: false,
      lastUsedAt: this.now(),
      pending: 0,
      tail: Promise.resolve(),
    };
    this.byId.set(instance.id, instance);
    return instance;
  }

  /** The instance with `id`, marked used, or a `RequestError` (status 200, as AgentGym servers answer). */
  get(id: number): EnvironmentInstance {
    const instance = this.byId.get(id);
    if (instance === undefined) {
      const reason = id >= this.firstId && id < this.nextId
        ? `instance ${id} was closed or reclaimed after being idle`
        : 'this server never issued it (a restarted server does not know the ids of its previous run)';
      throw new RequestError(200, 'unknown-instance', `The id ${id} is not valid: ${reason}. POST /create makes a new one.`);
    }
    instance.lastUsedAt = this.now();
    return instance;
  }

  /** Runs `work` on `instance` after the requests already queued on it, marking it used. */
  run<T>(instance: EnvironmentInstance, work: () => Promise<T> | T): Promise<T> {
    instance.pending++;
    instance.lastUsedAt = this.now();
    const finish = (): void => {
      instance.pending--;
      instance.lastUsedAt = this.now();
    };
    let result: Promise<T>;
    if (instance.pending === 1) {
      // Nothing queued: start now, without a turn of the microtask queue.
      try {
        result = Promise.resolve(work());
      } catch (error) {
        result = Promise.reject(error);
      }
    } else {
      result = instance.tail.then(work, work);
    }
    instance.tail = result.then(finish, finish);
    return result;
  }

  /** Closes and forgets `id`; false when no such instance exists. */
  async close(id: number): Promise<boolean> {
    const instance = this.byId.get(id);
    if (instance === undefined) return false;
    this.byId.delete(id);
    await instance.tail.then(noop, noop);
    await instance.environment.close();
    return true;
  }

  /** Closes instances idle for at least the idle timeout; returns their ids. */
  async reclaimIdle(): Promise<number[]> {
    const limit = this.now() - this.options.idleTimeoutMs;
    const idle = [...this.byId.values()].filter((instance) => instance.pending === 0 && instance.lastUsedAt <= limit);
    for (const instance of idle) this.byId.delete(instance.id);
    await Promise.all(idle.map((instance) => instance.environment.close().catch(noop)));
    return idle.map((instance) => instance.id);
  }

  /** Closes every instance. */
  async closeAll(): Promise<void> {
    const all = [...this.byId.values()];
    this.byId.clear();
    await Promise.all(all.map((instance) => instance.tail.then(noop, noop).then(() => instance.environment.close()).catch(noop)));
  }
}
