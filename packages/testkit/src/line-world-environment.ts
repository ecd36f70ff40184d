// A deliberately tiny reference environment (walk along a line to the goal) for testing loops,
// runners and stores without a real world. It implements the whole contract, snapshot included.
import {
  EnvironmentStateError,
  InvalidActionError,
  integerEnvironmentOption,
  resetSeed,
  resetStepLimit,
  snapshotData,
  type ActionSpace,
  type ActionValidation,
  type EnvSnapshot,
  type Environment,
  type EnvironmentOptions,
  type EnvironmentSpec,
  type Observation,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '@worldloop/spec';

/** Options of `LineWorldEnvironment`. */
export interface LineWorldOptions {
  /** Cells on the line (default 5); the goal is the last one. */
  readonly length?: number;
  /** Steps before truncation (default 20); a reset's smaller `maxSteps` truncates sooner. */
  readonly maxSteps?: number;
}

const ACTIONS = ['left', 'right', 'wait'] as const;

/**
 * The agent starts at a seeded position on a line and must reach the right end. Actions:
 * `left`, `right`, `wait`. Reward 1 on reaching the goal; `info.success` set at the end. A reset's
 * `maxSteps` (the caller's budget) truncates the episode sooner when smaller, and is reported as
 * `maxSteps` until the next reset.
 */
export class LineWorldEnvironment implements Environment<Observation, string> {
  readonly id = 'testkit/LineWorld-v0';
  private readonly length: number;
  private readonly ownMaxSteps: number;
  private episodeMaxSteps: number;
  private position = -1;
  private stepCount = 0;
  private ended = false;

  readonly actionSpace: ActionSpace<string> = {
    describe: () => 'One of: left, right, wait.',
    validate: (action: unknown): ActionValidation<string> => {
      const text = typeof action === 'string' ? action.trim().toLowerCase() : '';
      return (ACTIONS as readonly string[]).includes(text) ? { ok: true, action: text } : { ok: false, reason: 'expected one of left, right, wait' };
    },
    validActions: () => ACTIONS,
  };

  /** Throws `ConfigError` for a `length` below 2 (no start before the goal) or a `maxSteps` below 1. */
  constructor(options: LineWorldOptions = {}) {
    const given: EnvironmentOptions = { ...options };
    this.length = integerEnvironmentOption('LineWorld', given, 'length', 2, 1_000_000) ?? 5;
    this.ownMaxSteps = integerEnvironmentOption('LineWorld', given, 'maxSteps', 1, 1_000_000) ?? 20;
    this.episodeMaxSteps = this.ownMaxSteps;
  }

  /** Steps before truncation: the `maxSteps` option, or after a reset with a smaller `maxSteps`, that one. */
  get maxSteps(): number {
    return this.episodeMaxSteps;
  }

  /** A `seed` or `maxSteps` the contract refuses is a `ConfigError`, state unchanged. */
  async reset(options: ResetOptions = {}): Promise<ResetResult> {
    const seed = resetSeed(options);
    const maxSteps = resetStepLimit(options, this.ownMaxSteps);
    const starts = this.length - 1;
    this.position = ((seed % starts) + starts) % starts;
    this.stepCount = 0;
    this.ended = false;
    this.episodeMaxSteps = maxSteps;
    return { observation: this.observe(), info: { seed } };
  }

  async step(action: string): Promise<StepResult> {
    if (this.position < 0) throw new EnvironmentStateError('LineWorld: call reset() before step().');
    if (this.ended) throw new EnvironmentStateError('LineWorld: the episode has ended; call reset().');
    const validation = this.actionSpace.validate(action);
    if (!validation.ok) throw new InvalidActionError(action, validation.reason);
    if (validation.action === 'left') this.position = Math.max(0, this.position - 1);
    if (validation.action === 'right') this.position += 1;
    this.stepCount++;
    const terminated = this.position === this.length - 1;
    const truncated = !terminated && this.stepCount >= this.episodeMaxSteps;
    this.ended = terminated || truncated;
    return {
      observation: this.observe(),
      reward: terminated ? 1 : 0,
      terminated,
      truncated,
      info: this.ended ? { success: terminated } : {},
    };
  }

  snapshot(): EnvSnapshot {
    return { environmentId: this.id, version: 1, data: { position: this.position, stepCount: this.stepCount, ended: this.ended, maxSteps: this.episodeMaxSteps } };
  }

  /** Restores a snapshot of this environment; one without the episode's `maxSteps` (older) keeps the own limit. */
  restore(snapshot: EnvSnapshot): void {
    const data = snapshotData(snapshot, this.id, 1) as { position: number; stepCount: number; ended: boolean; maxSteps?: number };
    this.position = data.position;
    this.stepCount = data.stepCount;
    this.ended = data.ended;
    this.episodeMaxSteps = data.maxSteps ?? this.ownMaxSteps;
  }

  expertAction(): string | undefined {
    return this.ended ? undefined : 'right';
  }

  async close(): Promise<void> {}

  private observe(): Observation {
    const cells = Array.from({ length: this.length }, (_, index) => (index === this.position ? 'A' : index === this.length - 1 ? 'G' : '.')).join('');
    return {
      text: `You are at cell ${this.position} of ${this.length}; the goal is at cell ${this.length - 1}.`,
      mission: 'reach the goal',
      validActions: ACTIONS,
      parts: [{ type: 'text', label: 'map', text: cells }],
      features: { position: this.position },
    };
  }
}

/** The registry entry of `LineWorldEnvironment`. */
export const lineWorldEnvironment: EnvironmentSpec = {
  id: 'testkit/LineWorld-v0',
  description: 'Walk right along a line to the goal. A reference environment for tests.',
  hasExpert: true,
  create: (options = {}) => new LineWorldEnvironment(options as LineWorldOptions),
};
