// The household environment: ALFWorld's TextWorld surface (observations, admissible commands,
// "Nothing happens.") over seeded levels, with an expert and exact JSON snapshots.
import { SeededRandom, deriveSeed } from '@worldloop/core';
import {
  ConfigError,
  EnvironmentStateError,
  InvalidActionError,
  integerEnvironmentOption,
  resetSeed,
  resetStepLimit,
  snapshotData,
  type EnvSnapshot,
  type Environment,
  type EnvironmentOptions,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '@worldloop/spec';
import { generateHouseholdLevel } from './generate-household-level.js';
import { HouseholdActionSpace } from './household-action-space.js';
import { formatHouseholdCommand } from './household-command.js';
import type { HouseholdObservation } from './household-observation.js';
import type { HouseholdState } from './household-state.js';
import { householdTaskFamilies, type HouseholdTaskFamily, type HouseholdTaskName } from './household-task-families.js';
import { HouseholdWorld } from './household-world.js';
import { parseHouseholdCommand } from './parse-household-command.js';
import { planHouseholdExpert } from './plan-household-expert.js';

/** Options of a household environment (all optional). */
export interface HouseholdEnvironmentOptions extends EnvironmentOptions {
  /** Steps (commands, admissible or not) before truncation; default 50, as in ALFWorld evaluations. */
  readonly maxSteps?: number;
}

/** Steps before truncation when `maxSteps` is not given. */
export const defaultHouseholdMaxSteps = 50;

/** Version of the snapshot format `snapshot()` writes. */
const snapshotVersion = 1;

/** The serialised state inside a household snapshot's `data`. */
interface HouseholdSnapshotData {
  readonly seed: number;
  readonly stepCount: number;
  readonly maxSteps: number;
  readonly ended: boolean;
  readonly succeeded: boolean;
  readonly state: HouseholdState;
}

function copyState(state: HouseholdState): HouseholdState {
  return JSON.parse(JSON.stringify(state)) as HouseholdState;
}

/**
 * An ALFWorld-style task family (`household/<Family>-v0`). Each reset draws a room from the
 * seed; each step runs one text command. Malformed commands reject with `InvalidActionError`
 * and change nothing; well-formed commands that cannot be done now answer "Nothing happens."
 * and spend a step (as in ALFWorld; `info.admissible` is false). Reward 1 and `terminated` when
 * the goal holds after a step, `truncated` at `maxSteps` (or at a reset's smaller `maxSteps`, the
 * caller's budget); `info.success` at the end.
 */
export class HouseholdEnvironment implements Environment<HouseholdObservation, string> {
  readonly id: string;
  readonly actionSpace: HouseholdActionSpace;
  /** The task family this environment draws levels for. */
  readonly family: HouseholdTaskFamily;
  private readonly configuredMaxSteps: number;
  private episodeMaxSteps: number;
  private world: HouseholdWorld | undefined;
  private seed = 0;
  private stepCount = 0;
  private ended = false;
  private succeeded = false;
  private latestValidActions: readonly string[] | undefined;

  /** Makes an environment for `taskName`; options are checked here (ConfigError when wrong). */
  constructor(taskName: HouseholdTaskName, options: HouseholdEnvironmentOptions = {}) {
    const family = householdTaskFamilies[taskName];
    if (family === undefined) {
      throw new ConfigError(`Unknown household task ${JSON.stringify(taskName)}; use one of ${Object.keys(householdTaskFamilies).join(', ')}.`);
    }
    this.family = family;
    this.id = `household/${family.name}-v0`;
    const maxSteps = integerEnvironmentOption('Household', options, 'maxSteps', 1, 1_000_000) ?? defaultHouseholdMaxSteps;
    this.configuredMaxSteps = maxSteps;
    this.episodeMaxSteps = maxSteps;
    this.actionSpace = new HouseholdActionSpace({ validActions: () => this.currentValidActions() });
  }

  /** Steps after which the episode is truncated: the option's, or after a reset with a smaller `maxSteps`, that one. */
  get maxSteps(): number {
    return this.episodeMaxSteps;
  }

  /**
   * Draws a level from `options.seed` (or from a random seed, reported in `info.seed`). `info`
   * also carries `task`, `taskType` (ALFWorld's family name), `scene`, `mission` and `maxSteps` (the
   * episode's limit: the environment's, or `options.maxSteps` when smaller). `options.task`, when
   * given, must name this family (or its ALFWorld name), and `options.maxSteps` must be a positive
   * integer; ConfigError otherwise.
   */
  async reset(options: ResetOptions = {}): Promise<ResetResult<HouseholdObservation>> {
    const family = this.family;
    if (options.task !== undefined && options.task !== family.name && options.task !== family.alfworldType) {
      throw new ConfigError(`${this.id} has a single task family; create household/${options.task}-v0 instead of passing task ${JSON.stringify(options.task)}.`);
    }
    const seed = resetSeed(options);
    const maxSteps = resetStepLimit(options, this.configuredMaxSteps);
    // Each family draws from its own stream, so one seed does not give every family the same room.
    const familyIndex = Object.keys(householdTaskFamilies).indexOf(family.name);
    const state = generateHouseholdLevel(family, new SeededRandom(deriveSeed(seed, familyIndex)));
    this.world = new HouseholdWorld(state);
    this.seed = seed;
    this.stepCount = 0;
    this.ended = false;
    this.succeeded = false;
    this.episodeMaxSteps = maxSteps;
    const observation = this.observe(this.world.introduction());
    const info: Info = { seed, task: family.name, taskType: family.alfworldType, scene: state.scene, mission: state.mission, maxSteps: this.episodeMaxSteps };
    return { observation, info };
  }

  /**
   * Runs one command. `info.admissible` says whether it did something (false: "Nothing
   * happens."); `info.action` is its canonical form; at the end `info.success` and
   * `info.stepCount` are set. Rejects with `InvalidActionError` for malformed text and with
   * `EnvironmentStateError` before reset or after the episode ended.
   */
  async step(action: string): Promise<StepResult<HouseholdObservation>> {
    const world = this.world;
    if (world === undefined) throw new EnvironmentStateError(`step() was called before reset() on ${this.id}; call reset() first.`);
    if (this.ended) {
      throw new EnvironmentStateError(`step() was called after the episode of ${this.id} ended (step ${this.stepCount}); call reset() to start another.`);
    }
    const parsed = parseHouseholdCommand(action);
    if (!parsed.ok) throw new InvalidActionError(action, parsed.reason);
    const outcome = world.apply(parsed.command);
    this.stepCount++;
    this.succeeded = outcome.admissible && world.goalSatisfied();
    this.ended = this.succeeded || this.stepCount >= this.episodeMaxSteps;
    const observation = this.observe(outcome.feedback);
    const info: Info = { admissible: outcome.admissible, action: formatHouseholdCommand(parsed.command) };
    if (!this.ended) return { observation, reward: 0, terminated: false, truncated: false, info };
    info.success = this.succeeded;
    info.stepCount = this.stepCount;
    return { observation, reward: this.succeeded ? 1 : 0, terminated: this.succeeded, truncated: !this.succeeded, info };
  }

  /**
   * The next command of an expert that knows where every object is (like ALFWorld's handcoded
   * expert), from whatever state the episode is in; undefined before reset and after the end.
   */
  expertAction(): string | undefined {
    if (this.world === undefined || this.ended) return undefined;
    return planHouseholdExpert(this.world);
  }

  /** The exact state (room, objects and their states, agent, hands, goal, counters), JSON-safe. */
  snapshot(): EnvSnapshot {
    const world = this.world;
    if (world === undefined) throw new EnvironmentStateError(`snapshot() was called before reset() on ${this.id}; call reset() first.`);
    const data: HouseholdSnapshotData = {
      seed: this.seed,
      stepCount: this.stepCount,
      maxSteps: this.episodeMaxSteps,
      ended: this.ended,
      succeeded: this.succeeded,
      state: copyState(world.state),
    };
    return { environmentId: this.id, version: snapshotVersion, data };
  }

  /** Returns to a snapshot of this environment id (EnvironmentStateError for another id, format or malformed data). */
  restore(snapshot: EnvSnapshot): void {
    const data = snapshotData(snapshot, this.id, snapshotVersion) as HouseholdSnapshotData | null;
    const state = data?.state;
    if (
      typeof data !== 'object' ||
      data === null ||
      !Array.isArray(state?.receptacles) ||
      !Array.isArray(state.objects) ||
      state.goal?.task !== this.family.name ||
      !Number.isInteger(data.stepCount) ||
      !Number.isInteger(data.maxSteps)
    ) {
      throw new EnvironmentStateError(`The snapshot of ${this.id} is malformed: it needs receptacles, objects, a ${this.family.name} goal and step counters.`);
    }
    this.world = new HouseholdWorld(copyState(state));
    this.seed = data.seed;
    this.stepCount = data.stepCount;
    this.episodeMaxSteps = data.maxSteps;
    this.ended = data.ended;
    this.succeeded = data.succeeded;
    this.latestValidActions = undefined;
  }

  /** Nothing to release; idempotent. */
  async close(): Promise<void> {}

  private observe(text: string): HouseholdObservation {
    const world = this.world!;
    const validActions = world.admissibleCommands();
    this.latestValidActions = validActions;
    return { text, mission: world.state.mission, validActions, features: world.features() };
  }

  private currentValidActions(): readonly string[] {
    if (this.world === undefined) return [];
    this.latestValidActions ??= this.world.admissibleCommands();
    return this.latestValidActions;
  }
}
