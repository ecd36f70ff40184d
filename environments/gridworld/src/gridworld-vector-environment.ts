// Many gridworld instances stepped in one synchronous loop per `stepMany` call: one promise per
// batch instead of one per instance, and no observation work until an observation is read (they
// are lazy). Each instance is a GridworldEnvironment, so results equal the plain environment's.
import {
  ConfigError,
  checkVectorIndex,
  checkVectorStepRequests,
  type EnvSnapshot,
  type ResetOptions,
  type ResetResult,
  type VectorEnvironment,
  type VectorStepOutcome,
  type VectorStepRequest,
} from '@worldloop/spec';
import { GridworldEnvironment, type GridworldEnvironmentOptions } from './gridworld-environment.js';
import type { GridworldActionSpace } from './gridworld-action-space.js';
import type { GridworldObservation } from './gridworld-observation.js';
import type { GridworldTaskName } from './gridworld-task.js';

/**
 * `size` instances of one gridworld task (`gridworld/<Task>-v0`) as a `VectorEnvironment`.
 * `stepMany` runs every requested step before it returns (the promise it returns is already
 * settled); an instance's `InvalidActionError` or `EnvironmentStateError` is its outcome and the
 * other instances still step. Options are those of `GridworldEnvironment` (ConfigError when wrong).
 */
export class GridworldVectorEnvironment implements VectorEnvironment<GridworldObservation, string> {
  readonly id: string;
  readonly size: number;
  private readonly instances: readonly GridworldEnvironment[];

  constructor(taskName: GridworldTaskName, size: number, options: GridworldEnvironmentOptions = {}) {
    if (!Number.isInteger(size) || size < 1) throw new ConfigError(`A gridworld vector environment needs a positive integer size; got ${JSON.stringify(size)}.`);
    this.instances = Array.from({ length: size }, () => new GridworldEnvironment(taskName, options));
    this.id = this.instances[0]!.id;
    this.size = size;
  }

  actionSpace(index: number): GridworldActionSpace {
    return this.at(index, 'actionSpace').actionSpace;
  }

  maxSteps(index: number): number {
    return this.at(index, 'maxSteps').maxSteps;
  }

  async reset(index: number, options?: ResetOptions): Promise<ResetResult<GridworldObservation>> {
    return this.at(index, 'reset').resetSync(options);
  }

  stepMany(requests: readonly VectorStepRequest<string>[]): Promise<readonly VectorStepOutcome<GridworldObservation>[]> {
    try {
      return Promise.resolve(this.stepManySync(requests));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `stepMany` for callers that loop synchronously: the outcomes, or a thrown ConfigError for bad indices. */
  stepManySync(requests: readonly VectorStepRequest<string>[]): VectorStepOutcome<GridworldObservation>[] {
    checkVectorStepRequests(this.id, this.size, requests);
    const instances = this.instances;
    const outcomes = new Array<VectorStepOutcome<GridworldObservation>>(requests.length);
    for (let position = 0; position < requests.length; position++) {
      const request = requests[position]!;
      try {
        outcomes[position] = { ok: true, result: instances[request.index]!.stepSync(request.action) };
      } catch (error) {
        outcomes[position] = { ok: false, error };
      }
    }
    return outcomes;
  }

  snapshot(index: number): EnvSnapshot {
    return this.at(index, 'snapshot').snapshot();
  }

  restore(index: number, snapshot: EnvSnapshot): void {
    this.at(index, 'restore').restore(snapshot);
  }

  expertAction(index: number): string | undefined {
    return this.at(index, 'expertAction').expertAction();
  }

  /** Nothing to release; idempotent. */
  async close(): Promise<void> {}

  private at(index: number, operation: string): GridworldEnvironment {
    checkVectorIndex(this.id, this.size, index, operation);
    return this.instances[index]!;
  }
}
