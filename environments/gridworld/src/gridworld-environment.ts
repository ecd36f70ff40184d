// The gridworld environment: a BabyAI-style grid in typed arrays, stepped without allocating the
// grid, with text commands planned into primitives, an expert, and exact JSON snapshots.
import {
  ConfigError,
  EnvironmentStateError,
  InvalidActionError,
  booleanEnvironmentOption,
  integerEnvironmentOption,
  resetSeed,
  resetStepLimit,
  snapshotData,
  type ActionValidation,
  type EnvSnapshot,
  type Environment,
  type EnvironmentOptions,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '@worldloop/spec';
import { AgentView, viewSize } from './agent-view.js';
import { CommandPlanner } from './command-planner.js';
import { DoorState } from './door-state.js';
import { directionDeltaX, directionDeltaY } from './direction.js';
import { Grid, neverSeen } from './grid.js';
import { GridworldActionSpace } from './gridworld-action-space.js';
import { GridworldObservation } from './gridworld-observation.js';
import type { GridworldTask, GridworldTaskName } from './gridworld-task.js';
import { gridworldTasks } from './gridworld-tasks.js';
import type { GridSituation } from './grid-situation.js';
import type { Mission, MissionKind } from './mission.js';
import { ObservationWorkspace } from './observation-workspace.js';
import { ObjectType } from './object-type.js';
import { parseAction } from './parse-action.js';
import type { PlannedPath } from './path-search.js';
import { planExpert } from './plan-expert.js';
import { PrimitiveAction, primitiveActionCode, primitiveActionNames } from './primitive-action.js';
import { SeededRandom } from './seeded-random.js';

/** Options of a gridworld environment (all optional). */
export interface GridworldEnvironmentOptions extends EnvironmentOptions {
  /** Steps (primitive actions) before truncation; default per task (see each task). */
  readonly maxSteps?: number;
  /**
   * Room size in cells, walls included (7..32 for the one-room tasks, whose nine objects need the
   * room, 5..32 otherwise); default 8 for one-room tasks, 7 otherwise.
   */
  readonly roomSize?: number;
  /**
   * Adds the target features to `Observation.features` (default false): where the mission's target
   * lies from the agent, what is in front and what is carried, in the mission's terms
   * (`targetFeatureNames`). They make a state key that carries from one level to the next (the
   * offline planner uses them); off by default because, next to the pose, they make a key on every
   * feature nearly unique to its level.
   */
  readonly targetFeatures?: boolean;
}

/** Version of the snapshot format `snapshot()` writes. */
const snapshotVersion = 1;

const missionKindCodes: Readonly<Record<MissionKind, number>> = { 'go-to': 0, 'pick-up': 1, open: 2 };

/** The serialised state inside a gridworld snapshot's `data`. */
interface GridworldSnapshotData {
  readonly width: number;
  readonly height: number;
  /** Base64 of the type, colour and state layers. */
  readonly types: string;
  readonly colors: string;
  readonly states: string;
  /** First-seen step per cell, -1 for never. */
  readonly seenAt: number[];
  readonly agentX: number;
  readonly agentY: number;
  readonly agentDirection: number;
  readonly carriedType: number;
  readonly carriedColor: number;
  readonly stepCount: number;
  /** Step at which the episode is truncated. */
  readonly maxSteps: number;
  /** The level's own limit, which the reward is scored against; absent in older snapshots (then `maxSteps`). */
  readonly levelMaxSteps?: number;
  readonly ended: boolean;
  readonly succeeded: boolean;
  readonly mission: Mission;
  readonly seed: number;
  readonly randomState: number;
}


function encodeBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * A BabyAI-style gridworld task (`gridworld/<Task>-v0`). Primitive actions follow MiniGrid;
 * `done` is a no-op that spends a step. Text commands ("go to the red ball") run as several
 * primitive steps inside one `step` call: `info.primitiveSteps` says how many, and the step
 * count, reward and truncation count every one of them. Reward on success is
 * `1 - 0.9 * stepCount / levelMaxSteps` (BabyAI), 0 otherwise, where `levelMaxSteps` is the level's
 * own limit (the `maxSteps` option, else the task's default). A reset's `maxSteps` (the caller's
 * budget) truncates the episode sooner and is the budget the observation text states ("Step 3 of
 * 32"), but leaves the reward as it is.
 */
export class GridworldEnvironment implements Environment<GridworldObservation, string> {
  readonly id: string;
  readonly actionSpace: GridworldActionSpace;
  /** The task this environment generates levels for. */
  readonly task: GridworldTask;
  /** Room size in cells, walls included. */
  readonly roomSize: number;
  private readonly targetFeatures: boolean;
  private readonly configuredMaxSteps: number;
  /** The level's own limit in this episode: the reward is scored against it. */
  private levelMaxSteps: number;
  /** Where this episode is truncated: `levelMaxSteps`, or the reset's `maxSteps` when smaller. */
  private episodeMaxSteps: number;
  private grid: Grid | undefined;
  private agentX = 0;
  private agentY = 0;
  private agentDirection = 0;
  private carriedType: number = ObjectType.empty;
  private carriedColor = 0;
  private stepCount = 0;
  private ended = false;
  private succeeded = false;
  private mission: Mission | undefined;
  private missionKind = 0;
  private targetType = 0;
  private targetColor = 0;
  private seed = 0;
  private random = new SeededRandom(0);
  private readonly view = new AgentView();
  private readonly workspace = new ObservationWorkspace();
  private latestObservation: GridworldObservation | undefined;
  private expertPlan: PlannedPath | undefined;
  private expertGrid: Grid | undefined;
  private expertStart = 0;
  private expertVersions: number[] = [];

  /** Makes an environment for `taskName`; options are checked here (ConfigError when wrong). */
  constructor(taskName: GridworldTaskName, options: GridworldEnvironmentOptions = {}) {
    const task = gridworldTasks[taskName];
    if (task === undefined) throw new ConfigError(`Unknown gridworld task ${JSON.stringify(taskName)}; use one of ${Object.keys(gridworldTasks).join(', ')}.`);
    this.task = task;
    this.id = `gridworld/${task.name}-v0`;
    this.roomSize = integerEnvironmentOption('Gridworld', options, 'roomSize', task.minimumRoomSize, 32) ?? task.defaultRoomSize;
    this.configuredMaxSteps = integerEnvironmentOption('Gridworld', options, 'maxSteps', 1, 1_000_000) ?? task.defaultMaxSteps(this.roomSize);
    this.targetFeatures = booleanEnvironmentOption('Gridworld', options, 'targetFeatures') ?? false;
    this.levelMaxSteps = this.configuredMaxSteps;
    this.episodeMaxSteps = this.configuredMaxSteps;
    this.actionSpace = new GridworldActionSpace({
      validate: (action) => this.validateAction(action),
      validActions: () => this.latestObservation?.validActions ?? [],
    });
  }

  /**
   * Primitive steps after which the episode is truncated: the level's limit, or after a reset with a
   * smaller `maxSteps`, that one.
   */
  get maxSteps(): number {
    return this.episodeMaxSteps;
  }

  /**
   * Generates a level from `options.seed` (or from a random seed, reported in `info.seed`).
   * `info` also carries `task`, `mission` and `maxSteps` (the episode's limit: the level's, or
   * `options.maxSteps` when smaller). `options.task`, when given, must name this environment's own
   * task, and `options.maxSteps` must be a positive integer (ConfigError otherwise, state unchanged).
   */
  async reset(options: ResetOptions = {}): Promise<ResetResult<GridworldObservation>> {
    return this.resetSync(options);
  }

  /** `reset`, done before returning: what the vector environment calls, with no promise per instance. */
  resetSync(options: ResetOptions = {}): ResetResult<GridworldObservation> {
    if (options.task !== undefined && options.task !== this.task.name) {
      throw new ConfigError(`${this.id} has a single task; create gridworld/${options.task}-v0 instead of passing task ${JSON.stringify(options.task)}.`);
    }
    const seed = resetSeed(options);
    const episodeMaxSteps = resetStepLimit(options, this.configuredMaxSteps);
    const random = new SeededRandom(seed);
    const level = this.task.generate(random, this.roomSize);
    this.seed = seed;
    this.random = random;
    this.grid = level.grid;
    this.agentX = level.agentX;
    this.agentY = level.agentY;
    this.agentDirection = level.agentDirection;
    this.carriedType = ObjectType.empty;
    this.carriedColor = 0;
    this.stepCount = 0;
    this.ended = false;
    this.succeeded = false;
    this.levelMaxSteps = this.configuredMaxSteps;
    this.episodeMaxSteps = episodeMaxSteps;
    this.setMission(level.mission);
    this.markSeen();
    const observation = this.observe();
    return { observation, info: { seed, task: this.task.name, mission: level.mission.text, maxSteps: this.episodeMaxSteps } };
  }

  /**
   * Runs a primitive action or a text command. Invalid or infeasible actions reject with
   * `InvalidActionError` and change nothing; stepping before reset or after the end rejects with
   * `EnvironmentStateError`. `info.primitiveSteps` counts the primitives run; at the end
   * `info.success` and `info.stepCount` are set.
   */
  async step(action: string): Promise<StepResult<GridworldObservation>> {
    return this.stepSync(action);
  }

  /**
   * `step`, done before returning: errors are thrown rather than rejected. `GridworldVectorEnvironment`
   * steps its instances through this, with no promise per instance.
   */
  stepSync(action: string): StepResult<GridworldObservation> {
    if (this.grid === undefined) throw new EnvironmentStateError(`step() was called before reset() on ${this.id}; call reset() first.`);
    if (this.ended) {
      throw new EnvironmentStateError(`step() was called after the episode of ${this.id} ended (step ${this.stepCount}); call reset() to start another.`);
    }
    const code = primitiveActionCode(action);
    if (code >= 0) {
      this.applyPrimitive(code);
      return this.result(1);
    }
    return this.stepParsed(action);
  }

  /**
   * The next primitive action of a BFS expert over the true grid, or undefined before reset,
   * after the episode ended, or when the task cannot be completed from here. Plans a stretch of
   * actions and reuses it while the state follows the plan; replans otherwise.
   */
  expertAction(): string | undefined {
    const grid = this.grid;
    if (grid === undefined || this.ended || this.mission === undefined) return undefined;
    const plan = this.expertPlan;
    const index = this.stepCount - this.expertStart;
    if (plan !== undefined && this.expertGrid === grid && index >= 0 && index < plan.actions.length) {
      const pose = (this.agentY * grid.width + this.agentX) * 4 + this.agentDirection;
      const expectedPose = index === 0 ? -1 : plan.poses[index - 1]!;
      if (index === 0 || (expectedPose === pose && this.expertVersions[index - 1] === grid.version)) {
        return primitiveActionNames[plan.actions[index]!];
      }
    }
    const fresh = planExpert(this.situation(), this.mission);
    if (fresh === undefined || fresh.actions.length === 0) {
      this.expertPlan = undefined;
      return undefined;
    }
    this.expertPlan = fresh;
    this.expertGrid = grid;
    this.expertStart = this.stepCount;
    let version = grid.version;
    this.expertVersions = fresh.actions.map((planned) => {
      if (planned === PrimitiveAction.pickup || planned === PrimitiveAction.drop || planned === PrimitiveAction.toggle) version++;
      return version;
    });
    return primitiveActionNames[fresh.actions[0]!];
  }

  /** The exact state (grid layers in base64, seen steps, agent, hands, counters, mission, PRNG), JSON-safe. */
  snapshot(): EnvSnapshot {
    const grid = this.requireGrid('snapshot');
    const data: GridworldSnapshotData = {
      width: grid.width,
      height: grid.height,
      types: encodeBytes(grid.types),
      colors: encodeBytes(grid.colors),
      states: encodeBytes(grid.states),
      seenAt: Array.from(grid.seenAt, (step) => (step === neverSeen ? -1 : step)),
      agentX: this.agentX,
      agentY: this.agentY,
      agentDirection: this.agentDirection,
      carriedType: this.carriedType,
      carriedColor: this.carriedColor,
      stepCount: this.stepCount,
      maxSteps: this.episodeMaxSteps,
      levelMaxSteps: this.levelMaxSteps,
      ended: this.ended,
      succeeded: this.succeeded,
      mission: { kind: this.mission!.kind, target: { ...this.mission!.target }, text: this.mission!.text },
      seed: this.seed,
      randomState: this.random.state,
    };
    return { environmentId: this.id, version: snapshotVersion, data };
  }

  /**
   * Returns to a snapshot of this environment id (EnvironmentStateError for another id, format
   * or malformed data). Observations made before keep showing their own steps.
   */
  restore(snapshot: EnvSnapshot): void {
    const data = snapshotData(snapshot, this.id, snapshotVersion) as GridworldSnapshotData;
    if (typeof data !== 'object' || data === null || !(data.mission?.kind in missionKindCodes)) {
      throw new EnvironmentStateError(`The snapshot of ${this.id} is malformed: it has no valid mission.`);
    }
    const size = data.width * data.height;
    const types = Buffer.from(data.types, 'base64');
    const colors = Buffer.from(data.colors, 'base64');
    const states = Buffer.from(data.states, 'base64');
    if (!(size > 0) || types.length !== size || colors.length !== size || states.length !== size || data.seenAt.length !== size) {
      throw new EnvironmentStateError(`The snapshot of ${this.id} is malformed: its layers do not match a ${data.width}x${data.height} grid.`);
    }
    const grid = new Grid(data.width, data.height);
    grid.types.set(types);
    grid.colors.set(colors);
    grid.states.set(states);
    for (let cell = 0; cell < size; cell++) grid.seenAt[cell] = data.seenAt[cell]! < 0 ? neverSeen : data.seenAt[cell]!;
    this.grid = grid;
    this.agentX = data.agentX;
    this.agentY = data.agentY;
    this.agentDirection = data.agentDirection;
    this.carriedType = data.carriedType;
    this.carriedColor = data.carriedColor;
    this.stepCount = data.stepCount;
    this.episodeMaxSteps = data.maxSteps;
    this.levelMaxSteps = data.levelMaxSteps ?? data.maxSteps;
    this.ended = data.ended;
    this.succeeded = data.succeeded;
    this.seed = data.seed;
    this.random = new SeededRandom(0);
    this.random.state = data.randomState;
    this.setMission({ kind: data.mission.kind, target: { ...data.mission.target }, text: data.mission.text });
    this.expertPlan = undefined;
    this.observe();
  }

  /** Nothing to release; idempotent. */
  async close(): Promise<void> {}

  private setMission(mission: Mission): void {
    this.mission = mission;
    this.missionKind = missionKindCodes[mission.kind];
    this.targetType = mission.target.type;
    this.targetColor = mission.target.color;
  }

  /** Runs one primitive action: MiniGrid semantics, then the mission check and the step limit. */
  private applyPrimitive(code: number): void {
    const grid = this.grid!;
    const width = grid.width;
    const types = grid.types;
    let direction = this.agentDirection;
    let front = (this.agentY + directionDeltaY[direction]!) * width + this.agentX + directionDeltaX[direction]!;
    let viewChanged = false;
    let achieved = false;
    switch (code) {
      case PrimitiveAction.left:
        direction = (direction + 3) & 3;
        this.agentDirection = direction;
        viewChanged = true;
        break;
      case PrimitiveAction.right:
        direction = (direction + 1) & 3;
        this.agentDirection = direction;
        viewChanged = true;
        break;
      case PrimitiveAction.forward: {
        const type = types[front]!;
        if (type === ObjectType.empty || type === ObjectType.goal || (type === ObjectType.door && grid.states[front] === DoorState.open)) {
          this.agentX += directionDeltaX[direction]!;
          this.agentY += directionDeltaY[direction]!;
          viewChanged = true;
        }
        break;
      }
      case PrimitiveAction.pickup: {
        const type = types[front]!;
        if (this.carriedType === ObjectType.empty && (type === ObjectType.key || type === ObjectType.ball || type === ObjectType.box)) {
          this.carriedType = type;
          this.carriedColor = grid.colors[front]!;
          grid.setCell(front, ObjectType.empty, 0, 0);
          achieved = this.missionKind === 1 && type === this.targetType && (this.targetColor < 0 || this.carriedColor === this.targetColor);
        }
        break;
      }
      case PrimitiveAction.drop:
        if (this.carriedType !== ObjectType.empty && types[front] === ObjectType.empty) {
          grid.setCell(front, this.carriedType, this.carriedColor, 0);
          this.carriedType = ObjectType.empty;
          this.carriedColor = 0;
        }
        break;
      case PrimitiveAction.toggle:
        if (types[front] === ObjectType.door) {
          const doorState = grid.states[front]!;
          const color = grid.colors[front]!;
          if (doorState === DoorState.locked) {
            if (this.carriedType === ObjectType.key && this.carriedColor === color) {
              grid.setCell(front, ObjectType.door, color, DoorState.open);
              viewChanged = true;
            }
          } else {
            grid.setCell(front, ObjectType.door, color, doorState === DoorState.open ? DoorState.closed : DoorState.open);
            viewChanged = true;
          }
          achieved =
            this.missionKind === 2 && grid.states[front] === DoorState.open && (this.targetColor < 0 || color === this.targetColor);
        }
        break;
      default:
        break;
    }
    this.stepCount++;
    if (viewChanged) this.markSeen();
    if (this.missionKind === 0) {
      front = (this.agentY + directionDeltaY[direction]!) * width + this.agentX + directionDeltaX[direction]!;
      achieved = types[front] === this.targetType && (this.targetColor < 0 || grid.colors[front] === this.targetColor);
    }
    if (achieved) {
      this.succeeded = true;
      this.ended = true;
    } else if (this.stepCount >= this.episodeMaxSteps) {
      this.ended = true;
    }
  }

  /** Records every cell visible from the current pose as seen at the current step. */
  private markSeen(): void {
    const grid = this.grid!;
    const view = this.view;
    view.compute(grid, this.agentX, this.agentY, this.agentDirection);
    const cells = view.cells;
    const visible = view.visible;
    const seenAt = grid.seenAt;
    const step = this.stepCount;
    for (let index = 0; index < viewSize * viewSize; index++) {
      const cell = cells[index]!;
      if (visible[index] === 1 && cell >= 0 && seenAt[cell] === neverSeen) seenAt[cell] = step;
    }
  }

  private observe(): GridworldObservation {
    const grid = this.grid!;
    const observation = new GridworldObservation(
      grid,
      grid.version,
      this.agentX,
      this.agentY,
      this.agentDirection,
      this.carriedType,
      this.carriedColor,
      this.stepCount,
      this.episodeMaxSteps,
      this.mission!,
      this.targetFeatures,
      this.workspace,
    );
    this.latestObservation = observation;
    return observation;
  }

  private result(primitiveSteps: number): StepResult<GridworldObservation> {
    const observation = this.observe();
    if (!this.ended) return { observation, reward: 0, terminated: false, truncated: false, info: { primitiveSteps } };
    const succeeded = this.succeeded;
    const reward = succeeded ? 1 - 0.9 * (this.stepCount / this.levelMaxSteps) : 0;
    const info: Info = { primitiveSteps, success: succeeded, stepCount: this.stepCount };
    return { observation, reward, terminated: succeeded, truncated: !succeeded, info };
  }

  /** Aliases and text commands: parse, plan against the current state, then run the plan. */
  private stepParsed(action: string): StepResult<GridworldObservation> {
    const parsed = parseAction(action);
    if (parsed.kind === 'invalid') throw new InvalidActionError(action, parsed.reason);
    if (parsed.kind === 'primitive') {
      this.applyPrimitive(parsed.code);
      return this.result(1);
    }
    const plan = new CommandPlanner(this.situation()).plan(parsed.verb, parsed.target);
    if (!plan.ok) throw new InvalidActionError(action, plan.reason, { details: { command: parsed.canonical } });
    let primitiveSteps = 0;
    for (const planned of plan.actions) {
      this.applyPrimitive(planned);
      primitiveSteps++;
      if (this.ended) break;
    }
    return this.result(primitiveSteps);
  }

  private validateAction(action: unknown): ActionValidation<string> {
    const parsed = parseAction(action);
    if (parsed.kind === 'invalid') return { ok: false, reason: parsed.reason };
    if (parsed.kind === 'primitive') return { ok: true, action: parsed.canonical };
    if (this.grid === undefined) return { ok: false, reason: `text commands need a state; call reset() on ${this.id} first` };
    const plan = new CommandPlanner(this.situation()).plan(parsed.verb, parsed.target);
    return plan.ok ? { ok: true, action: parsed.canonical } : { ok: false, reason: plan.reason };
  }

  private situation(): GridSituation {
    const grid = this.grid!;
    return {
      layers: grid,
      seenAt: grid.seenAt,
      stepCount: this.stepCount,
      agentX: this.agentX,
      agentY: this.agentY,
      agentDirection: this.agentDirection,
      carriedType: this.carriedType,
      carriedColor: this.carriedColor,
    };
  }

  private requireGrid(operation: string): Grid {
    if (this.grid === undefined) throw new EnvironmentStateError(`${operation}() was called before reset() on ${this.id}; call reset() first.`);
    return this.grid;
  }
}
