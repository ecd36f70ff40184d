// A lazy observation: it records only the grid's journal version and the agent's few numbers at
// the step, and computes text, valid actions, map and features on first access (then caches them).
import type { Observation, TextPart } from '@worldloop/spec';
import { describeSituation } from './describe-situation.js';
import { feasibleCommands } from './feasible-commands.js';
import type { Grid } from './grid.js';
import type { GridLayers } from './grid-layers.js';
import type { GridSituation } from './grid-situation.js';
import type { Mission } from './mission.js';
import type { ObservationWorkspace } from './observation-workspace.js';
import { primitiveActionNames } from './primitive-action.js';
import { drawAgent } from './render-map.js';
import { situationFeatures } from './situation-features.js';
import { targetFeatures } from './target-features.js';

/**
 * What the agent perceives after a reset or step. Creating one costs a small object and no
 * grid copy, so raw stepping stays fast; the fields are getters. It still shows the state of its
 * own step when read later: the grid journals every change, so a later read rebuilds the grid as
 * it was (copying it then, once), and "seen" cells are those first seen by this step.
 * `JSON.stringify` goes through `toJSON`, which evaluates every field.
 */
export class GridworldObservation implements Observation {
  /** The mission in words. */
  readonly mission: string;
  /** Steps taken in the episode when this observation was made. */
  readonly stepCount: number;
  private readonly grid: Grid;
  private readonly gridVersion: number;
  private readonly agentX: number;
  private readonly agentY: number;
  private readonly agentDirection: number;
  private readonly carriedType: number;
  private readonly carriedColor: number;
  private readonly maxSteps: number;
  /** The mission as data (its kind and target) when the target features are asked for. */
  private readonly instruction: Mission | undefined;
  private readonly workspace: ObservationWorkspace;
  private cachedText: string | undefined;
  private cachedValidActions: readonly string[] | undefined;
  private cachedParts: readonly TextPart[] | undefined;
  private cachedFeatures: Readonly<Record<string, string | number | boolean>> | undefined;

  /**
   * Records the state of one step: the episode's grid with its journal version at the step, the
   * agent's pose and hands (`ObjectType` / `Color` codes), the step count, the episode's mission
   * and whether to add the target features. `workspace` is the environment's scratch space for
   * computing the fields.
   */
  constructor(
    grid: Grid,
    gridVersion: number,
    agentX: number,
    agentY: number,
    agentDirection: number,
    carriedType: number,
    carriedColor: number,
    stepCount: number,
    maxSteps: number,
    mission: Mission,
    withTargetFeatures: boolean,
    workspace: ObservationWorkspace,
  ) {
    this.grid = grid;
    this.gridVersion = gridVersion;
    this.agentX = agentX;
    this.agentY = agentY;
    this.agentDirection = agentDirection;
    this.carriedType = carriedType;
    this.carriedColor = carriedColor;
    this.stepCount = stepCount;
    this.maxSteps = maxSteps;
    this.mission = mission.text;
    this.instruction = withTargetFeatures ? mission : undefined;
    this.workspace = workspace;
  }

  /** Mission, heading, hands, what is ahead, visible objects with offsets, remembered objects. */
  get text(): string {
    if (this.cachedText === undefined) {
      const objects = this.workspace.gridCache.objects(this.grid, this.gridVersion);
      this.cachedText = describeSituation(this.situation(), this.mission, this.maxSteps, this.workspace.view, objects);
    }
    return this.cachedText;
  }

  /**
   * The seven primitives, then the text commands that were feasible at this step: exactly those
   * the action space's `validate` accepted then (see `feasibleCommands`). Computed once per
   * observation; the action space's `validActions()` returns this same array for the current one.
   */
  get validActions(): readonly string[] {
    if (this.cachedValidActions === undefined) {
      const situation = this.situation();
      this.workspace.reach.compute(situation);
      const objects = this.workspace.gridCache.objects(this.grid, this.gridVersion);
      const commands = feasibleCommands(situation, this.workspace.reach, objects);
      const actions: string[] = primitiveActionNames.slice();
      for (let index = 0; index < commands.length; index++) actions.push(commands[index]!);
      this.cachedValidActions = actions;
    }
    return this.cachedValidActions;
  }

  /** One part: the full grid as an ASCII map (`label: 'map'`); its legend is in the action space's `describe()`. */
  get parts(): readonly TextPart[] {
    if (this.cachedParts === undefined) {
      const gridMap = this.workspace.gridCache.map(this.grid, this.gridVersion);
      this.cachedParts = [{ type: 'text', label: 'map', text: drawAgent(gridMap, this.grid.width, this.agentX, this.agentY, this.agentDirection) }];
    }
    return this.cachedParts;
  }

  /**
   * Pose, hands, front cell and door states (see `situationFeatures`); with the environment's
   * `targetFeatures` option, also where the mission's target is from the agent, what is in front and
   * what is carried in the mission's terms (see `targetFeatures`).
   */
  get features(): Readonly<Record<string, string | number | boolean>> {
    if (this.cachedFeatures === undefined) {
      const situation = this.situation();
      const gridCache = this.workspace.gridCache;
      const features = situationFeatures(situation, gridCache.doors(this.grid, this.gridVersion));
      this.cachedFeatures = this.instruction === undefined ? features : { ...features, ...targetFeatures(situation, this.instruction, gridCache.objects(this.grid, this.gridVersion)) };
    }
    return this.cachedFeatures;
  }

  /** The plain fields, so recorders that serialise observations get the computed values. */
  toJSON(): Observation {
    return { text: this.text, mission: this.mission, validActions: this.validActions, parts: this.parts, features: this.features };
  }

  private layers(): GridLayers {
    return this.grid.atVersion(this.gridVersion);
  }

  private situation(): GridSituation {
    return {
      layers: this.layers(),
      seenAt: this.grid.seenAt,
      stepCount: this.stepCount,
      agentX: this.agentX,
      agentY: this.agentY,
      agentDirection: this.agentDirection,
      carriedType: this.carriedType,
      carriedColor: this.carriedColor,
    };
  }
}
