// Presents each instance of a VectorEnvironment as an ordinary Environment, so the agent loop runs
// unchanged, and coalesces the steps its slots request into `stepMany` calls, like request batching
// in a model server. Caveat: a slot whose episode the agent stops early (its own step limit) still
// counts as stepping until its next reset, so batches wait for the next event-loop turn meanwhile.
import {
  EnvironmentStateError,
  InvalidActionError,
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

/** A step a slot asked for, waiting for its batch. */
interface PendingStep<Obs, Act> extends VectorStepRequest<Act> {
  readonly resolve: (result: StepResult<Obs>) => void;
  readonly reject: (error: unknown) => void;
}

/** What a slot asks of its pool; the pool's own methods stay private. */
interface SlotHost<Obs extends Observation, Act> {
  /** Queues the slot's step for the next batch. */
  request(index: number, action: Act): Promise<StepResult<Obs>>;
  /** The slot entered (true) or left (false) an episode. */
  setActive(slot: PooledEnvironment<Obs, Act>, active: boolean): void;
  /** The slot was closed; the last one closes the vector environment. */
  slotClosed(): Promise<void>;
}

/**
 * One `Environment` per instance of `vector` (`environments[i]` is instance `i`). Steps requested
 * by the slots are sent together in one `stepMany` call: at once when every slot in an episode has
 * asked (a synchronous or batching policy), otherwise on the next turn of the event loop, so a
 * slot whose policy is still thinking never holds the others back for longer than a turn. Each
 * slot's results are those of its instance alone, whatever it was batched with. Closing every slot
 * (or the pool) closes the vector environment.
 */
export class VectorEnvironmentPool<Obs extends Observation = Observation, Act = string> {
  /** The slots, one per instance, each an ordinary `Environment`; use each from one episode at a time. */
  readonly environments: readonly Environment<Obs, Act>[];
  private readonly slots: PooledEnvironment<Obs, Act>[];
  private pending: PendingStep<Obs, Act>[] = [];
  /** Steps of slots already in `pending`, sent in a later batch so each instance steps once per call. */
  private deferred: PendingStep<Obs, Act>[] = [];
  private readonly inBatch: Uint8Array;
  private activeSlots = 0;
  private openSlots: number;
  private scheduled: NodeJS.Immediate | undefined;
  private batches = 0;
  private batchedSteps = 0;

  constructor(readonly vector: VectorEnvironment<Obs, Act>) {
    const host: SlotHost<Obs, Act> = {
      request: (index, action) => this.request(index, action),
      setActive: (slot, active) => this.setActive(slot, active),
      slotClosed: () => this.slotClosed(),
    };
    this.slots = Array.from({ length: vector.size }, (_, index) => new PooledEnvironment(host, vector, index));
    this.environments = this.slots;
    this.inBatch = new Uint8Array(vector.size);
    this.openSlots = vector.size;
  }

  /** `stepMany` calls made so far, and the steps they carried (their ratio is the mean batch size). */
  get statistics(): { readonly stepManyCalls: number; readonly steps: number } {
    return { stepManyCalls: this.batches, steps: this.batchedSteps };
  }

  /** Closes every slot, hence the vector environment. Idempotent. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.close()));
  }

  private request(index: number, action: Act): Promise<StepResult<Obs>> {
    return new Promise<StepResult<Obs>>((resolve, reject) => {
      const step: PendingStep<Obs, Act> = { index, action, resolve, reject };
      if (this.inBatch[index] === 1) {
        this.deferred.push(step);
      } else {
        this.inBatch[index] = 1;
        this.pending.push(step);
      }
      this.flushWhenReady();
    });
  }

  private setActive(slot: PooledEnvironment<Obs, Act>, active: boolean): void {
    if (slot.active === active) return;
    slot.active = active;
    this.activeSlots += active ? 1 : -1;
    if (!active) this.flushWhenReady();
  }

  private slotClosed(): Promise<void> {
    this.openSlots--;
    return this.openSlots === 0 ? this.vector.close() : Promise.resolve();
  }

  /** Sends the batch now if every slot in an episode has asked, else on the next event-loop turn. */
  private flushWhenReady(): void {
    if (this.pending.length === 0) return;
    if (this.pending.length >= this.activeSlots) {
      this.flush();
    } else if (this.scheduled === undefined) {
      this.scheduled = setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.inBatch.fill(0);
    this.batches++;
    this.batchedSteps += batch.length;
    let answered: Promise<readonly VectorStepOutcome<Obs>[]>;
    try {
      answered = this.vector.stepMany(batch);
    } catch (error) {
      answered = Promise.reject(error);
    }
    answered.then(
      (outcomes) => this.settle(batch, outcomes),
      (error: unknown) => {
        for (const step of batch) step.reject(error);
      },
    );
    if (this.deferred.length > 0) {
      const deferred = this.deferred;
      this.deferred = [];
      for (const step of deferred) {
        if (this.inBatch[step.index] === 1) this.deferred.push(step);
        else {
          this.inBatch[step.index] = 1;
          this.pending.push(step);
        }
      }
      if (this.scheduled === undefined) this.scheduled = setImmediate(this.flush);
    }
  };

  private settle(batch: readonly PendingStep<Obs, Act>[], outcomes: readonly VectorStepOutcome<Obs>[]): void {
    if (outcomes.length !== batch.length) {
      const error = new EnvironmentStateError(`stepMany of ${this.vector.id} answered ${outcomes.length} outcomes to ${batch.length} requests; it must answer each request, in order.`);
      for (const step of batch) step.reject(error);
      return;
    }
    for (let position = 0; position < batch.length; position++) {
      const step = batch[position]!;
      const outcome = outcomes[position]!;
      if (outcome.ok) {
        if (outcome.result.terminated || outcome.result.truncated) this.setActive(this.slots[step.index]!, false);
        step.resolve(outcome.result);
      } else {
        if (!(outcome.error instanceof InvalidActionError)) this.setActive(this.slots[step.index]!, false);
        step.reject(outcome.error);
      }
    }
  }
}

/** Instance `index` of a pool's vector environment, as an `Environment`. */
class PooledEnvironment<Obs extends Observation, Act> implements Environment<Obs, Act> {
  readonly id: string;
  declare readonly snapshot?: () => EnvSnapshot;
  declare readonly restore?: (snapshot: EnvSnapshot) => void;
  declare readonly expertAction?: () => Act | undefined;
  /** In an episode: reset, and not yet ended as far as the pool has seen. */
  active = false;
  private closed = false;

  constructor(
    private readonly pool: SlotHost<Obs, Act>,
    private readonly vector: VectorEnvironment<Obs, Act>,
    private readonly index: number,
  ) {
    this.id = vector.id;
    const self = this as { -readonly [Key in 'snapshot' | 'restore' | 'expertAction']?: PooledEnvironment<Obs, Act>[Key] };
    if (typeof vector.snapshot === 'function') self.snapshot = () => vector.snapshot!(index);
    if (typeof vector.restore === 'function') self.restore = (snapshot) => vector.restore!(index, snapshot);
    if (typeof vector.expertAction === 'function') self.expertAction = () => vector.expertAction!(index);
  }

  get actionSpace(): ActionSpace<Act> {
    return this.vector.actionSpace(this.index);
  }

  get maxSteps(): number | undefined {
    return this.vector.maxSteps?.(this.index);
  }

  async reset(options?: ResetOptions): Promise<ResetResult<Obs>> {
    this.refuseWhenClosed('reset');
    this.pool.setActive(this, false);
    const result = await this.vector.reset(this.index, options);
    if (!this.closed) this.pool.setActive(this, true);
    return result;
  }

  step(action: Act): Promise<StepResult<Obs>> {
    if (this.closed) return Promise.reject(this.closedError('step'));
    return this.pool.request(this.index, action);
  }

  /** Closes this slot; the last slot closed closes the vector environment. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pool.setActive(this, false);
    await this.pool.slotClosed();
  }

  private refuseWhenClosed(operation: string): void {
    if (this.closed) throw this.closedError(operation);
  }

  private closedError(operation: string): EnvironmentStateError {
    return new EnvironmentStateError(`${operation}() was called on slot ${this.index} of a pool over ${this.id} after close(); use an open slot or a new pool.`);
  }
}
