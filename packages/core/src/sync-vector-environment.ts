// A VectorEnvironment over N ordinary environments, so every environment can be run vectorised.
// In process ("sync" as in Gymnasium's SyncVectorEnv): `stepMany` starts each requested step in
// request order and awaits them together, so remote environments overlap; it saves no work itself.
import {
  ConfigError,
  checkVectorIndex,
  checkVectorStepRequests,
  type ActionSpace,
  type EnvSnapshot,
  type Environment,
  type Observation,
  type ResetOptions,
  type ResetResult,
  type StepResult,
  type VectorEnvironment,
  type VectorStepOutcome,
  type VectorStepRequest,
} from '@worldloop/spec';

/**
 * Presents `environments` (all of one id, each used by this vector only) as the instances of a
 * `VectorEnvironment`. Snapshot, restore and the expert are offered when the first environment
 * offers them; `close` closes every environment once.
 */
export class SyncVectorEnvironment<Obs extends Observation = Observation, Act = string> implements VectorEnvironment<Obs, Act> {
  readonly id: string;
  readonly size: number;
  declare readonly snapshot?: (index: number) => EnvSnapshot;
  declare readonly restore?: (index: number, snapshot: EnvSnapshot) => void;
  declare readonly expertAction?: (index: number) => Act | undefined;
  private closing: Promise<void> | undefined;

  /** ConfigError when `environments` is empty or mixes ids. */
  constructor(private readonly environments: readonly Environment<Obs, Act>[]) {
    const first = environments[0];
    if (first === undefined) throw new ConfigError('SyncVectorEnvironment needs at least one environment; got none.');
    const stranger = environments.find((environment) => environment.id !== first.id);
    if (stranger !== undefined) throw new ConfigError(`SyncVectorEnvironment needs environments of one id; got ${first.id} and ${stranger.id}.`);
    this.id = first.id;
    this.size = environments.length;
    const self = this as { -readonly [Key in 'snapshot' | 'restore' | 'expertAction']?: SyncVectorEnvironment<Obs, Act>[Key] };
    if (typeof first.snapshot === 'function') self.snapshot = (index) => this.at(index, 'snapshot').snapshot!();
    if (typeof first.restore === 'function') self.restore = (index, snapshot) => this.at(index, 'restore').restore!(snapshot);
    if (typeof first.expertAction === 'function') self.expertAction = (index) => this.at(index, 'expertAction').expertAction!();
  }

  /** Makes `size` environments with `create` and presents them as one vector. */
  static of<Obs extends Observation, Act>(size: number, create: () => Environment<Obs, Act>): SyncVectorEnvironment<Obs, Act> {
    if (!Number.isInteger(size) || size < 1) throw new ConfigError(`A vector environment needs a positive integer size; got ${size}.`);
    return new SyncVectorEnvironment(Array.from({ length: size }, create));
  }

  actionSpace(index: number): ActionSpace<Act> {
    return this.at(index, 'actionSpace').actionSpace;
  }

  maxSteps(index: number): number | undefined {
    return this.at(index, 'maxSteps').maxSteps;
  }

  async reset(index: number, options?: ResetOptions): Promise<ResetResult<Obs>> {
    return this.at(index, 'reset').reset(options);
  }

  async stepMany(requests: readonly VectorStepRequest<Act>[]): Promise<readonly VectorStepOutcome<Obs>[]> {
    checkVectorStepRequests(this.id, this.size, requests);
    return Promise.all(requests.map(({ index, action }) => stepOutcome(this.environments[index]!, action)));
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(this.environments.map((environment) => environment.close())).then(() => undefined);
    return this.closing;
  }

  private at(index: number, operation: string): Environment<Obs, Act> {
    checkVectorIndex(this.id, this.size, index, operation);
    return this.environments[index]!;
  }
}

/** One environment's step as an outcome: a rejection or a synchronous throw becomes `{ ok: false }`. */
function stepOutcome<Obs extends Observation, Act>(environment: Environment<Obs, Act>, action: Act): Promise<VectorStepOutcome<Obs>> {
  let pending: Promise<StepResult<Obs>>;
  try {
    pending = environment.step(action);
  } catch (error) {
    return Promise.resolve({ ok: false, error });
  }
  return pending.then(
    (result) => ({ ok: true, result }),
    (error: unknown) => ({ ok: false, error }),
  );
}
