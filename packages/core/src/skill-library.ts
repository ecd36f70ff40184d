// Skills after Voyager: the action sequence of each successful episode stored as a `skill` memory
// named after its mission, and recalled by similarity to a new mission. Sequences are replayable
// only in worlds as deterministic as the one they came from; treat them as hints for a policy.
import type { EpisodeContext, EpisodeOutcome, MemoryHit, MemoryRecord, MemoryStore, NewMemory, Skill, StepRecord } from '@worldloop/spec';
import type { AgentEventBus } from './agent-event-bus.js';
import { BackgroundWrites } from './background-writes.js';
import { listenToEpisodes } from './episode-listeners.js';

/** Options of a `SkillLibrary`. */
export interface SkillLibraryOptions {
  /** Where skills are written (the agent's memory store, or one of their own). */
  readonly store: MemoryStore;
  /** Namespace of the skills (the agent's, or one shared by agents of a task). */
  readonly namespace: string;
  /** Importance of a skill memory (default 0.8). */
  readonly importance?: number;
}

/** Options of `recallSkills`. */
export interface RecallSkillsOptions {
  /** Namespaces to look in (default all). */
  readonly namespaces?: readonly string[];
  /** Most skills returned (default 3). */
  readonly limit?: number;
}

/**
 * Writes a skill whenever an episode of the attached agent succeeds: text `Skill: <mission>: <actions>`,
 * payload `{ name, mission, environmentId, actions, stepCount }`. An identical sequence for the
 * same mission is written once, also across libraries on one store (runs that reopen a memory file):
 * before writing, the namespace is searched for the same skill. Writes happen off the loop, handed to the bus's `waitUntil` (a Runner's
 * run ends once they are written); a caller of `runEpisode` awaits `settled()` before relying on them.
 */
export class SkillLibrary {
  /** Every skill written, in order. */
  readonly skills: MemoryRecord[] = [];
  private readonly steps = new Map<EpisodeContext, StepRecord[]>();
  private readonly known = new Set<string>();
  private readonly writes = new BackgroundWrites();

  constructor(private readonly options: SkillLibraryOptions) {}

  /** Listens to `step-end` and `episode-end` of `events`; returns a function that stops listening. */
  attach(events: AgentEventBus): () => void {
    return listenToEpisodes(events, {
      onStep: (episode, step) => {
        const steps = this.steps.get(episode) ?? [];
        steps.push(step);
        this.steps.set(episode, steps);
      },
      onEnd: (episode, outcome) => {
        const steps = this.steps.get(episode) ?? [];
        this.steps.delete(episode);
        if (outcome.success) this.enqueue(events, episode, steps, outcome);
      },
    });
  }

  /** Resolves when every skill started so far is written; rejects with the first store error. */
  async settled(): Promise<void> {
    return this.writes.settled();
  }

  /** The skills most similar to `mission` in this library's namespace. */
  recall(mission: string, limit?: number): Promise<Skill[]> {
    return recallSkills(this.options.store, mission, { namespaces: [this.options.namespace], ...(limit !== undefined ? { limit } : {}) });
  }

  private enqueue(events: AgentEventBus, episode: EpisodeContext, steps: readonly StepRecord[], outcome: EpisodeOutcome): void {
    const actions = steps.filter((step) => step.accepted).map((step) => step.executedAction ?? step.action);
    const name = episode.mission ?? episode.environmentId;
    const key = JSON.stringify([name, actions]);
    if (actions.length === 0 || this.known.has(key)) return;
    this.known.add(key);
    const memory: NewMemory = {
      kind: 'skill',
      text: `Skill: ${name}: ${actions.join(', ')}`,
      importance: this.options.importance ?? 0.8,
      namespace: this.options.namespace,
      payload: { name, ...(episode.mission !== undefined ? { mission: episode.mission } : {}), environmentId: episode.environmentId, actions, stepCount: outcome.stepCount },
      provenance: { ...(episode.runId !== undefined ? { runId: episode.runId } : {}), ...(episode.episodeId !== undefined ? { episodeId: episode.episodeId } : {}) },
    };
    events.waitUntil(
      this.writes.add(async () => {
        // The store may hold it from an earlier library on the same store (a run before this one).
        if (await this.stored(memory.text, key)) return;
        this.skills.push(...(await this.options.store.write([memory])));
      }),
    );
  }

  /** Whether the store's namespace already holds the skill of text `text` and key `[name, actions]`. */
  private async stored(text: string, key: string): Promise<boolean> {
    const hits = await this.options.store.recall({
      text,
      kinds: ['skill'],
      namespaces: [this.options.namespace],
      limit: storedSkillHits,
      weights: { lexical: 1, vector: 1, recency: 0, importance: 0 },
    });
    return hits.some(({ record }) => {
      const payload = record.payload;
      if (record.text !== text || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return false;
      return JSON.stringify([payload['name'], payload['actions']]) === key;
    });
  }
}

/** Skills most similar to a new one that are looked at for an identical one already stored. */
const storedSkillHits = 20;

/**
 * The `skill` memories most similar to `mission` (lexical and vector relevance only: an old skill is
 * as good as a new one), as `Skill`s. Skill memories whose payload has no action list are left out.
 */
export async function recallSkills(store: MemoryStore, mission: string, options: RecallSkillsOptions = {}): Promise<Skill[]> {
  const hits = await store.recall({
    text: mission,
    kinds: ['skill'],
    ...(options.namespaces !== undefined ? { namespaces: options.namespaces } : {}),
    limit: options.limit ?? 3,
    weights: { lexical: 1, vector: 1, recency: 0, importance: 0 },
  });
  return hits.flatMap((hit: MemoryHit): Skill[] => {
    const payload = hit.record.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return [];
    const actions = payload['actions'];
    if (!Array.isArray(actions) || !actions.every((action) => typeof action === 'string')) return [];
    const name = typeof payload['name'] === 'string' ? payload['name'] : hit.record.text;
    const environmentId = typeof payload['environmentId'] === 'string' ? { environmentId: payload['environmentId'] } : {};
    return [{ id: hit.record.id, name, actions: actions as string[], ...environmentId, score: hit.score }];
  });
}
