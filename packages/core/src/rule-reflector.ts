// A reflector that needs no model: lessons read off the steps by fixed rules (refused actions, the
// action sequence of a success, how a failure ended). Deterministic and cheap; it knows nothing of
// why an action worked, only that it did.
import type { MemoryRecord, NewMemory, ReflectionInput, ReflectionResult, Reflector, StepRecord } from '@worldloop/spec';
import { formatAction } from './format-action.js';
import { guardRewrites } from './guard-rewrites.js';

/** Options of a `RuleReflector`. */
export interface RuleReflectorOptions {
  /** Importance of a lesson from a failed episode (default 0.9). */
  readonly failureImportance?: number;
  /** Importance of a lesson from a refused action (default 0.8). */
  readonly refusalImportance?: number;
  /** Importance of the summary of a successful episode (default 0.7). */
  readonly successImportance?: number;
  /** Most actions spelled out in a summary (default 40); the rest are counted. */
  readonly maxActionsListed?: number;
}

/**
 * Lessons by rule: one per distinct refused action (`In <mission>, <action> was refused:
 * <feedback>`, where the action is a guard's replacement when that is what was refused), and at
 * episode end a summary (`Succeeded in N steps by: ...`, or `Failed: ran out of steps after N
 * steps ...`). Failures score highest, so the next attempt recalls them first.
 * Each lesson links to the memories written at the steps it was read from.
 */
export class RuleReflector implements Reflector {
  readonly name = 'rule';
  private readonly failureImportance: number;
  private readonly refusalImportance: number;
  private readonly successImportance: number;
  private readonly maxActionsListed: number;

  constructor(options: RuleReflectorOptions = {}) {
    this.failureImportance = options.failureImportance ?? 0.9;
    this.refusalImportance = options.refusalImportance ?? 0.8;
    this.successImportance = options.successImportance ?? 0.7;
    this.maxActionsListed = options.maxActionsListed ?? 40;
  }

  async reflect(input: ReflectionInput): Promise<ReflectionResult> {
    const known = new Set(input.memories.map((record: MemoryRecord) => record.id));
    const linksOf = (steps: readonly StepRecord[]): string[] => [...new Set(steps.flatMap((step) => step.memoryWrites.map((write) => write.id)).filter((id) => known.has(id)))];
    const where = input.mission ? `In ${input.mission}` : 'In this task';
    const lesson = (text: string, importance: number, steps: readonly StepRecord[]): NewMemory => {
      const links = linksOf(steps);
      return {
        kind: 'reflection',
        text,
        importance,
        namespace: input.namespace,
        ...(input.provenance !== undefined ? { provenance: input.provenance } : {}),
        ...(links.length > 0 ? { links } : {}),
        payload: { reflector: this.name, ...(input.mission !== undefined ? { mission: input.mission } : {}) },
      };
    };

    const memories: NewMemory[] = [];
    const refusals = new Map<string, StepRecord[]>();
    for (const step of input.steps) {
      if (step.accepted) continue;
      const text = `${where}, ${refusedAction(step)} was refused: ${step.feedback ?? 'no reason given'}`;
      refusals.set(text, [...(refusals.get(text) ?? []), step]);
    }
    for (const [text, steps] of refusals) memories.push(lesson(text, this.refusalImportance, steps));

    const outcome = input.outcome;
    if (outcome !== undefined && outcome.status !== 'aborted') {
      const actions = input.steps.filter((step) => step.accepted).map((step) => step.executedAction ?? step.action);
      if (outcome.success) {
        memories.push(lesson(`${where}: succeeded in ${outcome.stepCount} steps by: ${this.listActions(actions)}`, this.successImportance, input.steps));
      } else {
        const how = outcome.status === 'failed'
          ? `the episode failed (${outcome.error ?? 'unknown error'}) after ${outcome.stepCount} steps`
          : outcome.terminated
            ? `the episode ended without success after ${outcome.stepCount} steps`
            : `ran out of steps after ${outcome.stepCount} steps`;
        const tried = actions.length > 0 ? `; actions taken: ${this.listActions(actions)}. Try a different approach` : '';
        memories.push(lesson(`${where}: failed: ${how}${tried}.`, this.failureImportance, input.steps));
      }
    }
    return { memories, warnings: [] };
  }

  /** `a, b, c`, runs of one action collapsed (`right ×3`), cut at `maxActionsListed`. */
  private listActions(actions: readonly string[]): string {
    const runs: { action: string; count: number }[] = [];
    for (const action of actions.slice(0, this.maxActionsListed)) {
      const last = runs.at(-1);
      if (last?.action === action) last.count++;
      else runs.push({ action, count: 1 });
    }
    const listed = runs.map((run) => (run.count > 1 ? `${run.action} ×${run.count}` : run.action)).join(', ');
    const rest = actions.length - this.maxActionsListed;
    return rest > 0 ? `${listed} (and ${rest} more)` : listed || 'no actions';
  }
}

/**
 * The action a refused step's refusal was about: a guard's replacement when guards replaced the
 * proposed action (the one sent, `executedAction`, when the environment refused it; the last
 * replacement when a later guard denied it), else the proposed action.
 */
function refusedAction(step: StepRecord): string {
  if (step.executedAction !== undefined) return step.executedAction;
  const replacement = guardRewrites(step.action, step.guardVerdicts).at(-1);
  return replacement !== undefined ? formatAction(replacement.to) : step.action;
}
