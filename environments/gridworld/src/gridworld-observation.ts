// A lazy observation: it records only the grid's journal version and the agent's few numbers at
// the step, and computes text, valid actions, map and features on first access (then caches them).
import type { Observation, TextPart } from '@worldloop/spec';
import { AgentView } from './agent-view.js';
import { CommandPlanner } from './command-planner.js';
import { describeSituation } from './describe-situation.js';
import type { Grid } from './grid.js';
import type { GridLayers } from './grid-layers.js';
import type { GridSituation } from './grid-situation.js';
import { primitiveActionNames } from './primitive-action.js';
import { renderMap } from './render-map.js';
import { situationFeatures } from './situation-features.js';

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
  private cachedText: string | undefined;
  private cachedValidActions: readonly string[] | undefined;
  private cachedParts: readonly TextPart[] | undefined;
  private cachedFeatures: Readonly<Record<string, string | number | boolean>> | undefined;

  /**
   * Records the state of one step: the episode's grid with its journal version at the step, the
   * agent's pose and hands (`ObjectType` / `Color` codes), and the step count.
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
    mission: string,
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
    this.mission = mission;
  }

  /** Mission, heading, hands, what is ahead, visible objects with offsets, remembered objects. */
  get text(): string {
    this.cachedText ??= describeSituation(this.situation(), this.mission, this.maxSteps, new AgentView());
    return this.cachedText;
  }

  /** The seven primitives, then the text commands that were feasible at this step. */
  get validActions(): readonly string[] {
    this.cachedValidActions ??= [...primitiveActionNames, ...new CommandPlanner(this.situation()).feasibleCommands()];
    return this.cachedValidActions;
  }

  /** One part: the full grid as an ASCII map (`label: 'map'`). */
  get parts(): readonly TextPart[] {
    if (this.cachedParts === undefined) {
      this.cachedParts = [{ type: 'text', label: 'map', text: renderMap(this.layers(), this.agentX, this.agentY, this.agentDirection) }];
    }
    return this.cachedParts;
  }

  /** Pose, hands, front cell and door states (see `situationFeatures`). */
  get features(): Readonly<Record<string, string | number | boolean>> {
    this.cachedFeatures ??= situationFeatures(this.situation());
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
