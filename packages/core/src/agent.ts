// The agent loop: perceive → plan → act → remember, one episode at a time, every stage observable
// through typed events. Model-side mistakes (invalid actions, guard denials, bad tool calls) go
// back to the policy as feedback and the episode goes on; a guard's rewrite is told to the policy
// too (`Percept.rewriteNote`), so it never believes it did what it proposed. Policy and environment
// failures end the episode as `failed` (recorded, reported as an `error` event); store failures propagate,
// because a run that cannot record must stop. An attached world model predicts each action's
// outcome before it is sent; the comparison is recorded with the step, and large surprises are
// announced (`world-model-surprise`) and remembered.
import {
  ConfigError,
  InvalidActionError,
  StoreError,
  type Decision,
  type Environment,
  type EpisodeContext,
  type EpisodeEnding,
  type EpisodeOutcome,
  type EpisodePolicy,
  type Guard,
  type GuardRecord,
  type HistoryEntry,
  type Info,
  type MemoryHit,
  type MemoryKind,
  type MemoryReference,
  type MemoryStore,
  type NewMemory,
  type Observation,
  type Percept,
  type Policy,
  type Prediction,
  type PredictionComparison,
  type Skill,
  type StepRecord,
  type ToolBox,
  type ToolCall,
  type ToolCallRecord,
  type TrajectoryStore,
  type WorldModel,
} from '@worldloop/spec';
import { AgentEventBus } from './agent-event-bus.js';
import { formatAction } from './format-action.js';
import { describeGuardRewrites, guardRewrites } from './guard-rewrites.js';
import { observationRecord } from './observation-record.js';
import { comparePrediction } from './prediction-comparison.js';
import { recallSkills, type RecallSkillsOptions } from './skill-library.js';
import type { ToolAccess, ToolRegistry } from './tool-registry.js';

/** How an agent remembers: where, under which namespace, and what each step becomes. */
export interface AgentMemoryOptions {
  readonly store: MemoryStore;
  /** Namespace memories are written to and recalled from (default `agent:<policy name>`). */
  readonly namespace?: string;
  /** How many memories the perceive stage recalls (default 5). */
  readonly recallLimit?: number;
  /** Turns a finished step into memories to write (default: one `action-outcome` memory). */
  readonly toMemories?: (step: StepRecord, episode: EpisodeContext) => NewMemory[];
  /**
   * Recall skills (`skill` memories, as a `SkillLibrary` writes them) by similarity to the mission
   * (the environment id when there is none), once at the start of each episode, and hand them to
   * the policy in every percept's `skills` (listed in each step's `memoryReads`). Namespaces default
   * to the agent's own, the limit to 3. Absent (default): no skills are recalled, and skill memories
   * may come up among the other memories; present, they are kept out of `memories`.
   */
  readonly skills?: RecallSkillsOptions;
}

/** A world model attached to an agent: it predicts every action's outcome before the action is sent. */
export interface AgentWorldModelOptions<Act = string> {
  /** The model; its `stateOf` (when it has one) gets the observation and the environment. */
  readonly model: WorldModel<any, Act>;
  /** Surprise (`confidence × error`, 0..1) from which `world-model-surprise` is emitted (default 0.5). */
  readonly surpriseThreshold?: number;
  /** Feed each real transition to `model.update` (default true; models without `update` do not learn). */
  readonly learn?: boolean;
  /**
   * On a surprise, write a `reflection` memory "I expected X after A; Y happened" (default true;
   * needs `memory`).
   */
  readonly rememberSurprises?: boolean;
}

/** Options of an `Agent`. */
export interface AgentOptions<Obs extends Observation = Observation, Act = string> {
  readonly policy: Policy<Obs, Act>;
  /** Tools the policy may call while planning. */
  readonly tools?: ToolRegistry;
  /** Which of the registry's tools this agent may use. */
  readonly toolAccess?: ToolAccess;
  /** Checks applied, in order, to every proposed action. */
  readonly guards?: readonly Guard<Act>[];
  readonly memory?: AgentMemoryOptions;
  /** Where runs, episodes and steps are recorded; nothing is recorded when absent. */
  readonly store?: TrajectoryStore;
  /** The event bus; a new one when absent. */
  readonly events?: AgentEventBus;
  /**
   * Step limit of an episode; defaults to the environment's `maxSteps`, else 1,000. It is passed to
   * the environment's reset (`ResetOptions.maxSteps`), and an environment with a smaller limit of its
   * own keeps that one: the episode's limit is the smaller of the two.
   */
  readonly maxSteps?: number;
  /** A world model whose predictions are checked against every step (see `AgentWorldModelOptions`). */
  readonly worldModel?: AgentWorldModelOptions<Act>;
}

/** Options of one episode. */
export interface EpisodeOptions {
  readonly seed: number;
  readonly episodeIndex?: number;
  /** The recorded run this episode belongs to (needed to record it). */
  readonly runId?: number;
  readonly task?: string;
  readonly signal?: AbortSignal;
  /** Step limit of this episode, instead of the agent's (`AgentOptions.maxSteps`), with the same meaning. */
  readonly maxSteps?: number;
}

/** What `runEpisode` returns. */
export interface EpisodeResult {
  /** Id of the recorded episode, when a store is attached and a run id was given. */
  readonly episodeId?: number;
  readonly episodeIndex: number;
  readonly seed: number;
  readonly outcome: EpisodeOutcome;
}

const DEFAULT_MAX_STEPS = 1000;
const DEFAULT_SURPRISE_THRESHOLD = 0.5;
const YIELD_EVERY_STEPS = 64;

/** Refuses a step limit that is not a positive integer: 0 would still take a step (the check follows each step), and NaN would never stop. */
function checkMaxSteps(maxSteps: number): void {
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new ConfigError(`maxSteps must be a positive integer, got ${maxSteps}.`);
}

/** Milliseconds rounded to the microsecond: finer digits are timer noise, and cost bytes per step. */
function toMicroseconds(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}

/** Resolves on the next turn of the event loop (after pending I/O and signals). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Runs episodes of an environment with a policy, tools, guards, memory and a recorder. */
export class Agent<Obs extends Observation = Observation, Act = string> {
  /** Events of every episode this agent runs. */
  readonly events: AgentEventBus;
  readonly policy: Policy<Obs, Act>;
  readonly store?: TrajectoryStore;

  constructor(private readonly options: AgentOptions<Obs, Act>) {
    this.events = options.events ?? new AgentEventBus();
    this.policy = options.policy;
    this.store = options.store;
  }

  /** Runs one episode to its end (terminated, truncated, step limit, abort or failure). */
  async runEpisode(environment: Environment<Obs, Act>, options: EpisodeOptions): Promise<EpisodeResult> {
    const signal = options.signal ?? new AbortController().signal;
    const episodeIndex = options.episodeIndex ?? 0;
    // The caller's limit goes to the environment, which truncates at the smaller of it and its own
    // limit and tells the agent that one; the loop below ends the episode there too.
    const callerMaxSteps = options.maxSteps ?? this.options.maxSteps;
    checkMaxSteps(callerMaxSteps ?? environment.maxSteps ?? DEFAULT_MAX_STEPS);
    const store = options.runId !== undefined ? this.store : undefined;

    let first: Obs | undefined;
    let resetError: Error | undefined;
    try {
      first = (await environment.reset({
        seed: options.seed,
        ...(options.task ? { task: options.task } : {}),
        ...(callerMaxSteps !== undefined ? { maxSteps: callerMaxSteps } : {}),
      })).observation;
    } catch (error) {
      resetError = error instanceof Error ? error : new Error(String(error));
    }
    // Read after the reset: it is the episode's limit then, and a remote environment learns its own on reset.
    const environmentMaxSteps = environment.maxSteps;
    const maxSteps = Math.min(callerMaxSteps ?? environmentMaxSteps ?? DEFAULT_MAX_STEPS, environmentMaxSteps ?? Infinity);
    checkMaxSteps(maxSteps);
    const mission = first?.mission !== undefined ? { mission: first.mission } : {};
    const episodeId = store
      ? (await store.startEpisode({ runId: options.runId!, episodeIndex, seed: options.seed, environmentId: environment.id, ...mission })).id
      : undefined;
    const episode: EpisodeContext = {
      ...(options.runId !== undefined ? { runId: options.runId } : {}),
      ...(episodeId !== undefined ? { episodeId } : {}),
      episodeIndex,
      seed: options.seed,
      environmentId: environment.id,
      ...mission,
      maxSteps,
      signal,
      environment,
    };
    if (first === undefined) {
      // An environment that cannot even reset fails this episode, recorded; the run goes on.
      this.events.emit('error', { episode, error: resetError! });
      const outcome: EpisodeOutcome = {
        status: 'failed',
        success: false,
        totalReward: 0,
        stepCount: 0,
        invalidActionCount: 0,
        terminated: false,
        truncated: false,
        error: `reset failed: ${resetError!.message}`,
      };
      return this.finishEpisode(episode, outcome);
    }
    this.events.emit('episode-start', { episode, observation: first });

    let observation = first;
    let totalReward = 0;
    let invalidActionCount = 0;
    let stepCount = 0;
    let terminated = false;
    let truncated = false;
    let success = false;
    let feedback: string | undefined;
    let rewriteNote: string | undefined;
    let status: EpisodeOutcome['status'] = 'finished';
    let failure: string | undefined;
    let lastStep: EpisodeEnding<Obs, Act>['lastStep'];
    const history: HistoryEntry<Act>[] = [];
    let episodePolicy: EpisodePolicy<Obs, Act> | undefined;
    const worldModel = this.options.worldModel;

    try {
      episodePolicy = await this.options.policy.begin(episode);
      const skills = this.options.memory?.skills ? await this.recallSkills(episode) : undefined;
      while (!terminated && !truncated) {
        if (signal.aborted) {
          status = 'aborted';
          break;
        }
        const stepIndex = stepCount;
        // Environments and stores that resolve at once would keep the loop in microtasks forever;
        // yield now and then so signals (Ctrl-C), timers and I/O get their turn.
        if (stepIndex % YIELD_EVERY_STEPS === YIELD_EVERY_STEPS - 1) await yieldToEventLoop();
        const startedAt = Date.now();
        const t0 = performance.now();
        this.events.emit('step-start', { episode, stepIndex, observation });

        // perceive
        const memories = this.options.memory ? await this.recall(observation, episode) : NO_MEMORIES;
        const percept: Percept<Obs> = {
          observation,
          memories,
          ...(skills !== undefined ? { skills } : {}),
          ...(feedback !== undefined ? { feedback } : {}),
          ...(rewriteNote !== undefined ? { rewriteNote } : {}),
        };
        const t1 = performance.now();

        // plan
        const toolCalls: ToolCallRecord[] = [];
        const decision: Decision<Act> = await episodePolicy.decide({
          stepIndex,
          percept,
          history,
          actionSpace: environment.actionSpace,
          tools: this.toolBox(episode, stepIndex, toolCalls),
          signal,
        });
        const t2 = performance.now();

        // act (after guards)
        const guardVerdicts: GuardRecord[] = [];
        let executed: Act | undefined = decision.action;
        feedback = undefined;
        rewriteNote = undefined;
        if (this.options.guards) {
          for (const guard of this.options.guards) {
            const verdict = await guard.check({ episodeIndex, stepIndex, observation, action: executed });
            guardVerdicts.push({ guard: guard.name, verdict });
            this.events.emit('guard-verdict', { episode, stepIndex, guard: guard.name, verdict });
            if (verdict.decision === 'deny') {
              feedback = `Action ${formatAction(executed)} was refused by guard ${guard.name}: ${verdict.reason}`;
              executed = undefined;
              break;
            }
            if (verdict.decision === 'rewrite') executed = verdict.action;
          }
        }
        // The policy proposed one action and the world got another: it must hear of it, or what it
        // believes it did (a language model's conversation) parts from what happened.
        const rewrites = guardRewrites(decision.action, guardVerdicts);
        const rewritten = rewrites.length > 0 ? describeGuardRewrites(rewrites) : undefined;
        // The replacement, when one different from the proposal was sent: the outcome is that action's.
        const replacement: Act | undefined = executed !== undefined && formatAction(executed) !== formatAction(decision.action) ? executed : undefined;
        if (rewritten !== undefined && feedback !== undefined) feedback = `${rewritten} ${feedback}`;
        let reward = 0;
        let info: Info = {};
        const previous = observation;
        const foresight = worldModel && executed !== undefined ? await foresee(worldModel.model, previous, environment, executed, signal) : undefined;
        if (executed !== undefined) {
          try {
            const result = await environment.step(executed);
            observation = result.observation;
            reward = result.reward;
            terminated = result.terminated;
            truncated = result.truncated;
            info = result.info;
          } catch (error) {
            if (!(error instanceof InvalidActionError)) throw error;
            feedback = rewritten !== undefined ? `${rewritten} ${error.message}` : error.message;
          }
        }
        const accepted = feedback === undefined;
        if (accepted) rewriteNote = rewritten;
        if (!accepted) invalidActionCount++;
        let hindsight: Hindsight | undefined;
        if (foresight !== undefined && accepted) {
          const model = worldModel!.model;
          const comparison = comparePrediction(foresight.prediction, { observation, reward, terminated });
          const surprised = comparison.surprise >= (worldModel!.surpriseThreshold ?? DEFAULT_SURPRISE_THRESHOLD);
          hindsight = { comparison, surprised };
          if (surprised) {
            this.events.emit('world-model-surprise', {
              episode,
              stepIndex,
              model: model.name,
              action: formatAction(executed),
              prediction: foresight.prediction,
              observation,
              reward,
              terminated,
              comparison,
            });
          }
          if (worldModel!.learn !== false && model.update) {
            const nextState = model.stateOf ? model.stateOf({ observation, environment }) : observation;
            await model.update({ state: foresight.state, action: executed!, nextState, reward, terminated, truncated });
          }
        }
        stepCount++;
        totalReward += reward;
        if (terminated || truncated) success = info.success === true;
        if (!terminated && !truncated && stepCount >= maxSteps) truncated = true;
        lastStep = { reward, terminated, truncated, accepted, ...(replacement !== undefined ? { executedAction: replacement } : {}) };
        const actionText = formatAction(decision.action);
        // Observers report what was sent: the replacement when a guard's was (`executedAction ?? action`).
        this.events.emit('action', {
          episode,
          stepIndex,
          action: actionText,
          ...(replacement !== undefined ? { executedAction: formatAction(replacement) } : {}),
          accepted,
          ...(accepted ? {} : { feedback: feedback! }),
        });
        const t3 = performance.now();

        // remember
        history.push(new RecordedHistoryEntry(stepIndex, previous, decision.action, replacement, accepted, feedback, reward));
        if (store || this.options.memory || this.events.listenerCount('step-end') > 0) {
          const timings = { perceiveMs: toMicroseconds(t1 - t0), planMs: toMicroseconds(t2 - t1), actMs: toMicroseconds(t3 - t2), rememberMs: 0 };
          const step: StepRecord & { memoryWrites: MemoryReference[] } = {
            stepIndex,
            observation: observationRecord(previous),
            action: actionText,
            ...(executed !== undefined ? { executedAction: formatAction(executed) } : {}),
            accepted,
            ...(feedback !== undefined ? { feedback } : {}),
            reward,
            terminated,
            truncated,
            info,
            ...(decision.reasoning !== undefined ? { reasoning: decision.reasoning } : {}),
            toolCalls,
            modelCalls: decision.modelCalls ?? [],
            guardVerdicts,
            memoryReads: memoryReads(memories, skills),
            memoryWrites: [],
            ...(foresight !== undefined && hindsight !== undefined
              ? { worldModel: { name: worldModel!.model.name, prediction: foresight.prediction, error: hindsight.comparison } }
              : {}),
            ...(decision.info !== undefined ? { policyInfo: decision.info } : {}),
            timings,
            startedAt,
          };
          if (this.options.memory) {
            const surprise = hindsight?.surprised && worldModel!.rememberSurprises !== false ? surpriseMemory(step, observation, episode, this.memoryNamespace()) : undefined;
            step.memoryWrites = await this.remember(step, episode, surprise);
          }
          timings.rememberMs = toMicroseconds(performance.now() - t3); // memory writes; the store's own time is not included
          if (store) await store.appendStep(episodeId!, step);
          this.events.emit('step-end', { episode, step });
        }
      }
    } catch (error) {
      if (error instanceof StoreError) throw error;
      status = signal.aborted ? 'aborted' : 'failed';
      failure = error instanceof Error ? error.message : String(error);
      this.events.emit('error', { episode, error: error instanceof Error ? error : new Error(failure) });
    } finally {
      const ending: EpisodeEnding<Obs, Act> = { status, success, observation, ...(lastStep !== undefined ? { lastStep } : {}) };
      try {
        await episodePolicy?.end?.(ending);
      } catch (error) {
        // A policy that fails as its episode ends fails the episode, which is still ended and
        // announced; the run goes on. (A store failure above is not replaced: it propagates.)
        if (error instanceof StoreError) throw error;
        if (status === 'finished') status = 'failed';
        failure ??= error instanceof Error ? error.message : String(error);
        this.events.emit('error', { episode, error: error instanceof Error ? error : new Error(String(error)) });
      }
    }

    const outcome: EpisodeOutcome = {
      status,
      success,
      totalReward,
      stepCount,
      invalidActionCount,
      terminated,
      truncated,
      finalObservation: observationRecord(observation),
      ...(failure !== undefined ? { error: failure } : {}),
    };
    return this.finishEpisode(episode, outcome);
  }

  /** Records the end of an episode, announces it, and returns its result. */
  private async finishEpisode(episode: EpisodeContext, outcome: EpisodeOutcome): Promise<EpisodeResult> {
    if (episode.episodeId !== undefined) await this.store!.endEpisode(episode.episodeId, outcome);
    this.events.emit('episode-end', { episode, outcome });
    return { ...(episode.episodeId !== undefined ? { episodeId: episode.episodeId } : {}), episodeIndex: episode.episodeIndex, seed: episode.seed, outcome };
  }

  private toolBox(episode: EpisodeContext, stepIndex: number, records: ToolCallRecord[]): ToolBox {
    const registry = this.options.tools;
    if (!registry) return EMPTY_TOOL_BOX;
    const access = this.options.toolAccess ?? {};
    const context = { episodeIndex: episode.episodeIndex, stepIndex, signal: episode.signal };
    let counter = 0;
    return {
      definitions: registry.definitions(access),
      call: async (name, args, options) => {
        const call: ToolCall = { id: options?.id ?? `call_${stepIndex}_${counter++}`, name, arguments: args };
        this.events.emit('tool-call', { episode, stepIndex, call });
        const result = await registry.call(name, args, access, context);
        records.push({ call, result });
        this.events.emit('tool-result', { episode, stepIndex, call, result });
        return result;
      },
    };
  }

  private memoryNamespace(): string {
    return this.options.memory?.namespace ?? `agent:${this.policy.name}`;
  }

  private async recall(observation: Obs, episode: EpisodeContext): Promise<readonly MemoryHit[]> {
    const memory = this.options.memory!;
    return memory.store.recall({
      text: episode.mission ? `${episode.mission}\n${observation.text}` : observation.text,
      namespaces: [this.memoryNamespace()],
      ...(memory.skills ? { kinds: KINDS_BESIDE_SKILLS } : {}),
      limit: memory.recallLimit ?? 5,
    });
  }

  private async recallSkills(episode: EpisodeContext): Promise<readonly Skill[]> {
    const { store, skills } = this.options.memory!;
    return recallSkills(store, episode.mission ?? episode.environmentId, { namespaces: [this.memoryNamespace()], ...skills });
  }

  private async remember(step: StepRecord, episode: EpisodeContext, surprise?: NewMemory): Promise<MemoryReference[]> {
    const memory = this.options.memory!;
    const namespace = this.memoryNamespace();
    let memories = memory.toMemories ? memory.toMemories(step, episode) : [defaultStepMemory(step, episode, namespace)];
    if (surprise !== undefined) memories = [...memories, surprise];
    if (memories.length === 0) return [];
    const written = await memory.store.write(memories);
    return written.map((record) => ({ id: record.id }));
  }
}

/**
 * A history entry that reads the observation's text only when a policy asks for it. `executedAction`
 * is an own property only when a guard's replacement was sent, as `HistoryEntry` documents.
 */
class RecordedHistoryEntry<Act> implements HistoryEntry<Act> {
  declare readonly executedAction?: Act;

  constructor(
    readonly stepIndex: number,
    private readonly observation: Observation,
    readonly action: Act,
    executedAction: Act | undefined,
    readonly accepted: boolean,
    readonly feedback: string | undefined,
    readonly reward: number,
  ) {
    if (executedAction !== undefined) this.executedAction = executedAction;
  }

  get observationText(): string {
    return this.observation.text;
  }
}

/** What the world model expected of a step, from the state it predicted from. */
interface Foresight {
  readonly state: unknown;
  readonly prediction: Prediction;
}

/** How the expectation compared with what happened. */
interface Hindsight {
  readonly comparison: PredictionComparison;
  readonly surprised: boolean;
}

/**
 * Asks the model what `action` will do from what the agent sees now. A model that predicts the
 * action will be refused (an exact simulator rejects it with `InvalidActionError`) has no
 * prediction to check; any other failure of the model fails the episode like a policy failure.
 */
async function foresee<Act>(model: WorldModel<any, Act>, observation: Observation, environment: Environment<any, Act>, action: Act, signal: AbortSignal): Promise<Foresight | undefined> {
  const state = model.stateOf ? model.stateOf({ observation, environment }) : observation;
  try {
    return { state, prediction: plainPrediction(await model.predict(state, action, { signal })) };
  } catch (error) {
    if (error instanceof InvalidActionError) return undefined;
    throw error;
  }
}

/** The prediction as plain data (models may compute fields lazily), safe to record. */
function plainPrediction(prediction: Prediction): Prediction {
  const { observationText, features, reward, terminated, confidence } = prediction;
  return {
    ...(observationText !== undefined ? { observationText } : {}),
    ...(features !== undefined ? { features: { ...features } } : {}),
    ...(reward !== undefined ? { reward } : {}),
    ...(terminated !== undefined ? { terminated } : {}),
    confidence,
  };
}

/** First line-ish of a text, for memories that quote observations. */
function excerpt(text: string, length = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

function describeExpectation(prediction: Prediction): string {
  const parts: string[] = [];
  if (prediction.observationText !== undefined) parts.push(`"${excerpt(prediction.observationText)}"`);
  else if (prediction.features !== undefined) parts.push(JSON.stringify(prediction.features));
  if (prediction.reward !== undefined) parts.push(`reward ${prediction.reward}`);
  if (prediction.terminated !== undefined) parts.push(prediction.terminated ? 'the episode ending' : 'the episode going on');
  return parts.length > 0 ? parts.join(', ') : 'nothing in particular';
}

/** The "I expected X, Y happened" memory of a surprising step. */
function surpriseMemory(step: StepRecord, observation: Observation, episode: EpisodeContext, namespace: string): NewMemory {
  const record = step.worldModel!;
  const happened = `"${excerpt(observation.text)}", reward ${step.reward}${step.terminated ? ', the episode ended' : ''}`;
  return {
    kind: 'reflection',
    text: `${episode.mission ? `[${episode.mission}] ` : ''}I expected ${describeExpectation(record.prediction)} after ${step.executedAction ?? step.action}; instead ${happened}.`,
    importance: Math.min(1, 0.5 + (record.error?.surprise ?? 0) / 2),
    namespace,
    payload: { worldModel: record.name, surprise: record.error?.surprise ?? 0 },
    provenance: {
      ...(episode.runId !== undefined ? { runId: episode.runId } : {}),
      ...(episode.episodeId !== undefined ? { episodeId: episode.episodeId } : {}),
      stepIndex: step.stepIndex,
    },
  };
}

const NO_MEMORIES: readonly MemoryHit[] = Object.freeze([]);
/** Every memory kind but `skill`, checked complete by the compiler: what the perceive stage recalls when skills are recalled apart. */
const KINDS_BESIDE_SKILLS = Object.keys({ observation: true, 'action-outcome': true, reflection: true, fact: true } satisfies Record<Exclude<MemoryKind, 'skill'>, true>) as MemoryKind[];

/** What a step read from memory: the recalled memories, then the skills shown with them. */
function memoryReads(memories: readonly MemoryHit[], skills: readonly Skill[] | undefined): MemoryReference[] {
  const reads = memories.map((hit): MemoryReference => ({ id: hit.record.id, score: hit.score }));
  for (const skill of skills ?? []) reads.push({ id: skill.id, score: skill.score });
  return reads;
}
const EMPTY_TOOL_BOX: ToolBox = Object.freeze({
  definitions: [],
  call: async (name: string) => ({ ok: false as const, error: { code: 'tool-input', message: `Unknown tool ${JSON.stringify(name)}. This agent has no tools.` }, durationMs: 0 }),
});

/**
 * The `action-outcome` memory of a step: `[mission] action → reward r` (or `→ refused: why`). The
 * action is the one sent, so the outcome is its own; a guard's replacement says what it replaced
 * (`right (guard no-waiting replaced wait) → reward 0`).
 */
function defaultStepMemory(step: StepRecord, episode: EpisodeContext, namespace: string): NewMemory {
  const outcome = step.accepted ? `reward ${step.reward}` : `refused: ${step.feedback}`;
  const replaced = step.executedAction !== undefined && step.executedAction !== step.action;
  const guards = replaced ? [...new Set(guardRewrites(step.action, step.guardVerdicts).map((rewrite) => rewrite.guard))].join(', ') : '';
  const action = replaced ? `${step.executedAction} (guard ${guards} replaced ${step.action})` : step.action;
  return {
    kind: 'action-outcome',
    text: `${episode.mission ? `[${episode.mission}] ` : ''}${action} → ${outcome}`,
    importance: !step.accepted || step.reward > 0 ? 0.6 : 0.1,
    namespace,
    provenance: {
      ...(episode.runId !== undefined ? { runId: episode.runId } : {}),
      ...(episode.episodeId !== undefined ? { episodeId: episode.episodeId } : {}),
      stepIndex: step.stepIndex,
    },
  };
}
