// Reflection hooked onto an agent without touching its loop: a MemoryStore wrapper that sees what
// the agent writes, and listeners on `step-end` / `episode-end` that run a `Reflector`, write its
// lessons and announce them (`reflection-write`). Reflection runs off the loop: a Runner's run ends
// only once it is written, but a caller of `runEpisode` awaits `settled()` before the retry of a task.
import type { EpisodeContext, EpisodeOutcome, MemoryHit, MemoryRecord, MemoryStore, NewMemory, Provenance, RecallQuery, Reflector, StepRecord } from '@worldloop/spec';
import type { AgentEventBus } from './agent-event-bus.js';
import { BackgroundWrites } from './background-writes.js';
import { listenToEpisodes } from './episode-listeners.js';

/** Options of an `EpisodeReflection`. */
export interface EpisodeReflectionOptions {
  /** The store the agent remembers in; reflections are written to it too. */
  readonly store: MemoryStore;
  readonly reflector: Reflector;
  /** Namespace of the reflections: the agent's memory namespace, so its next attempts recall them. */
  readonly namespace: string;
  /**
   * Reflect in the middle of an episode when the summed importance of the memories written since
   * the last reflection reaches this (default 3, after Generative Agents). `Infinity`: at episode end only.
   */
  readonly importanceThreshold?: number;
  /** Called with each warning of the reflector (a model error, an unparsable answer). */
  readonly onWarning?: (warning: string) => void;
  /**
   * Passed to the reflector: when it aborts (Ctrl-C on a run), a model reflection in flight is cut
   * short and ends as a warning, so a stopping run does not wait on the model.
   */
  readonly signal?: AbortSignal;
}

/** What has not been reflected on yet, and what the episode already concluded. */
interface EpisodeState {
  steps: StepRecord[];
  memories: MemoryRecord[];
  importance: number;
  readonly allSteps: StepRecord[];
  readonly allMemories: MemoryRecord[];
  readonly written: Set<string>;
}

/**
 * Writes reflections at episode end and whenever enough important memories piled up (Reflexion:
 * lessons of a failed attempt are there for the next). Wire it in two places: give `store` to the
 * agent's `memory.store`, and `attach` the agent's events.
 *
 * Each write is emitted as `reflection-write` on the attached bus and handed to its `waitUntil`, so
 * a `Runner` ends its run only once every reflection is written. The reflections carry the
 * provenance of what they reflect on: run and episode, plus the last step for a reflection in the
 * middle of an episode. That is how the trajectory leads to them: an episode's reflections are
 * `store.recall({ episodeId, kinds: ['reflection'] })`, and their `links` lead to the step memories,
 * which the steps' `memoryWrites` list. (The episode's own record cannot list them: it is ended,
 * durably, before reflection starts, and the loop does not wait for a model to reflect.)
 *
 * @example
 * const reflection = new EpisodeReflection({ store, reflector: new RuleReflector(), namespace: 'agent:a' });
 * const agent = new Agent({ policy, memory: { store: reflection.store, namespace: 'agent:a' } });
 * reflection.attach(agent.events);
 * await agent.runEpisode(environment, { seed: 1 });
 * await reflection.settled();
 */
export class EpisodeReflection {
  /** The agent's store, seen through: pass this as `memory.store`. */
  readonly store: MemoryStore;
  /** Every reflection written, in order. */
  readonly reflections: MemoryRecord[] = [];
  /** Every warning of the reflector, in order. */
  readonly warnings: string[] = [];
  private readonly threshold: number;
  private readonly recent = new Map<string, MemoryRecord>();
  private readonly episodes = new Map<EpisodeContext, EpisodeState>();
  private readonly writes = new BackgroundWrites();

  constructor(private readonly options: EpisodeReflectionOptions) {
    this.threshold = options.importanceThreshold ?? 3;
    const inner = options.store;
    this.store = {
      write: async (memories: readonly NewMemory[]): Promise<readonly MemoryRecord[]> => {
        const records = await inner.write(memories);
        for (const record of records) this.recent.set(record.id, record);
        return records;
      },
      recall: (query: RecallQuery): Promise<readonly MemoryHit[]> => inner.recall(query),
      get: (ids: readonly string[]): Promise<readonly MemoryRecord[]> => inner.get(ids),
      close: () => inner.close(),
    };
  }

  /** Listens to `step-end` and `episode-end` of `events`; returns a function that stops listening. */
  attach(events: AgentEventBus): () => void {
    return listenToEpisodes(events, {
      onStep: (episode, step) => this.onStep(events, episode, step),
      onEnd: (episode, outcome) => this.onEnd(events, episode, outcome),
    });
  }

  /** Resolves when every reflection started so far is written; rejects with the first store or reflector error. */
  async settled(): Promise<void> {
    return this.writes.settled();
  }

  private state(episode: EpisodeContext): EpisodeState {
    let state = this.episodes.get(episode);
    if (state === undefined) {
      state = { steps: [], memories: [], importance: 0, allSteps: [], allMemories: [], written: new Set() };
      this.episodes.set(episode, state);
    }
    return state;
  }

  private onStep(events: AgentEventBus, episode: EpisodeContext, step: StepRecord): void {
    const state = this.state(episode);
    state.steps.push(step);
    state.allSteps.push(step);
    for (const write of step.memoryWrites) {
      const record = this.recent.get(write.id);
      if (record === undefined) continue;
      this.recent.delete(write.id);
      state.memories.push(record);
      state.allMemories.push(record);
      state.importance += record.importance;
    }
    if (state.importance >= this.threshold) {
      const steps = state.steps;
      const memories = state.memories;
      state.steps = [];
      state.memories = [];
      state.importance = 0;
      this.enqueue(events, episode, state, steps, memories, undefined);
    }
  }

  private onEnd(events: AgentEventBus, episode: EpisodeContext, outcome: EpisodeOutcome): void {
    const state = this.state(episode);
    this.episodes.delete(episode);
    this.enqueue(events, episode, state, state.allSteps, state.allMemories, outcome);
  }

  private enqueue(events: AgentEventBus, episode: EpisodeContext, state: EpisodeState, steps: StepRecord[], memories: MemoryRecord[], outcome: EpisodeOutcome | undefined): void {
    const stepIndex = steps.at(-1)?.stepIndex;
    // At episode end the lesson is the episode's; in the middle, it was drawn after a given step.
    const provenance: Provenance = {
      ...(episode.runId !== undefined ? { runId: episode.runId } : {}),
      ...(episode.episodeId !== undefined ? { episodeId: episode.episodeId } : {}),
      ...(outcome === undefined && stepIndex !== undefined ? { stepIndex } : {}),
    };
    const write = this.writes.add(async () => {
      const result = await this.options.reflector.reflect({
        memories,
        steps,
        ...(outcome !== undefined ? { outcome } : {}),
        ...(episode.mission !== undefined ? { mission: episode.mission } : {}),
        namespace: this.options.namespace,
        ...(Object.keys(provenance).length > 0 ? { provenance } : {}),
        ...(this.options.signal !== undefined ? { signal: this.options.signal } : {}),
      });
      for (const warning of result.warnings) {
        this.warnings.push(warning);
        this.options.onWarning?.(warning);
      }
      // A lesson already drawn earlier in the episode (a refusal, mid-episode), or earlier in the
      // same answer (a model repeating itself), is not written twice.
      const fresh = result.memories.filter((memory) => {
        if (state.written.has(memory.text)) return false;
        state.written.add(memory.text);
        return true;
      });
      if (fresh.length === 0) return;
      const reflections = await this.options.store.write(fresh);
      this.reflections.push(...reflections);
      events.emit('reflection-write', {
        episode,
        trigger: outcome === undefined ? 'importance-threshold' : 'episode-end',
        ...(stepIndex !== undefined ? { stepIndex } : {}),
        reflections,
        sourceMemoryIds: memories.map((memory) => memory.id),
      });
    });
    events.waitUntil(write);
  }
}
