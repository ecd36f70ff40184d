// The episodic memory of `worldloop run` (--memory, --reflect, --skills): a SqliteMemoryStore with
// the built-in HashedEmbedder, one namespace per environment, recall into every percept, lessons
// and skills written off the loop (the run ends once they are written). Off unless --memory is given.
import { resolve } from 'node:path';
import { EpisodeReflection, LanguageModelReflector, RuleReflector, SkillLibrary, type AgentEventBus, type AgentMemoryOptions } from '@worldloop/core';
import { SqliteMemoryStore } from '@worldloop/memory-sqlite';
import { ConfigError, StoreError, type JsonValue, type LanguageModel, type MemoryStore } from '@worldloop/spec';
import type { CliIo } from './cli-io.js';
import { choiceOption } from './option-values.js';

/** How lessons are drawn: `rule` (no model), `model` (the `--model` backend), `off`. */
export type ReflectMode = 'rule' | 'model' | 'off';

const REFLECT_MODES = ['rule', 'model', 'off'] as const;

/** The memory flags, checked. */
export interface RunMemorySettings {
  /** `--memory`, as given (resolved against the working directory when opened). */
  readonly path: string;
  readonly reflect: ReflectMode;
  /** `--skills`: write a skill per successful episode, and show recalled skills to LLM policies. */
  readonly skills: boolean;
}

/** What `openRunMemory` needs beside the settings. */
export interface RunMemoryContext {
  readonly environmentId: string;
  /** The `--model` backend, for `--reflect model`. */
  readonly model?: LanguageModel;
  /** Whether the policy reads skills (an LLM policy): only then are they recalled into percepts. */
  readonly showSkills: boolean;
  /** Called with each warning of the reflector (a model error, an unparsable answer). */
  readonly onWarning?: (warning: string) => void;
  /** The run's stop signal: a model reflection in flight is cut short when it aborts. */
  readonly signal?: AbortSignal;
}

/**
 * The memory settings of `--memory <path|off>` (default off), `--reflect rule|model|off` (default
 * off) and `--skills`; undefined when memory is off. `--reflect` and `--skills` need `--memory`,
 * `--reflect model` needs `--model`: anything else is a ConfigError naming the flag.
 */
export function runMemorySettings(flags: { readonly memory?: string; readonly reflect?: string; readonly skills?: boolean | string }, hasModel: boolean): RunMemorySettings | undefined {
  const memory = flags.memory;
  if (memory !== undefined && memory.trim() === '') throw new ConfigError('--memory needs a file path (e.g. --memory .worldloop/memory.db) or off.');
  const reflect = choiceOption('reflect', flags.reflect, REFLECT_MODES, 'off');
  // A resume reads --skills back from the recorded flags, as text.
  const skills = flags.skills === true || flags.skills === 'true';
  if (memory === undefined || memory === 'off') {
    if (reflect !== 'off') throw new ConfigError(`--reflect ${reflect} writes lessons to the memory: give --memory <path> too (e.g. --memory .worldloop/memory.db).`);
    if (skills) throw new ConfigError('--skills keeps skills in the memory: give --memory <path> too (e.g. --memory .worldloop/memory.db).');
    return undefined;
  }
  if (reflect === 'model' && !hasModel) throw new ConfigError('--reflect model reflects with the --model backend: give --model <spec>, or use --reflect rule.');
  return { path: memory, reflect, skills };
}

/** The memory of one run, wired into its agent. */
export class RunMemory {
  /** The agent's `memory` option. */
  readonly agentMemory: AgentMemoryOptions;
  /** What is recorded with the run's config. */
  readonly config: JsonValue;
  private readonly reflection?: EpisodeReflection;
  private readonly skills?: SkillLibrary;

  private constructor(
    private readonly store: SqliteMemoryStore,
    settings: RunMemorySettings,
    context: RunMemoryContext,
  ) {
    const namespace = `environment:${context.environmentId}`;
    if (settings.reflect !== 'off') {
      const reflector = settings.reflect === 'model' ? new LanguageModelReflector({ model: context.model! }) : new RuleReflector();
      this.reflection = new EpisodeReflection({
        store,
        reflector,
        namespace,
        ...(context.onWarning ? { onWarning: context.onWarning } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
      });
    }
    if (settings.skills) this.skills = new SkillLibrary({ store, namespace });
    const agentStore: MemoryStore = this.reflection?.store ?? store;
    this.agentMemory = { store: agentStore, namespace, ...(settings.skills && context.showSkills ? { skills: {} } : {}) };
    this.config = { path: store.location, namespace, reflect: settings.reflect, skills: settings.skills };
  }

  /** Opens the memory file (creating it and its folder); one that cannot be opened is a ConfigError naming it. */
  static open(io: CliIo, settings: RunMemorySettings, context: RunMemoryContext): RunMemory {
    const absolute = resolve(io.cwd, settings.path);
    let store: SqliteMemoryStore;
    try {
      store = SqliteMemoryStore.open(absolute);
    } catch (error) {
      if (error instanceof StoreError) throw new ConfigError(`Cannot open the memory --memory ${absolute}: ${error.message}`, { cause: error });
      throw error;
    }
    return new RunMemory(store, settings, context);
  }

  /** Reflects and keeps skills on the agent's events (the Runner waits for what they write). */
  attach(events: AgentEventBus): void {
    this.reflection?.attach(events);
    this.skills?.attach(events);
  }

  /** `memory at PATH (namespace environment:ID): 4 reflections, 1 skill written`. */
  describe(): string {
    const written = [
      ...(this.reflection ? [`${this.reflection.reflections.length} reflection${this.reflection.reflections.length === 1 ? '' : 's'}`] : []),
      ...(this.skills ? [`${this.skills.skills.length} skill${this.skills.skills.length === 1 ? '' : 's'}`] : []),
    ];
    return `memory at ${this.store.location} (namespace ${this.agentMemory.namespace})${written.length > 0 ? `: ${written.join(', ')} written` : ''}`;
  }

  /** Waits for pending reflections and skills (their failures fail the run, through the Runner), then closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([this.reflection?.settled(), this.skills?.settled()]);
    await this.store.close();
  }
}
