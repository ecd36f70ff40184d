// A reflector that asks a language model for lessons: it is shown the episode's memories and
// outcome and answers JSON (constrained by `responseSchema` where the backend supports it, parsed
// tolerantly where not). A model error or unusable answer gives no reflection and a warning.
import type { JsonSchema, LanguageModel, NewMemory, ReflectionInput, ReflectionResult, Reflector, SamplingParameters } from '@worldloop/spec';
import { findJsonValues } from './json-in-text.js';
import { withoutThinkBlocks } from './think-blocks.js';

/** Options of a `LanguageModelReflector`. */
export interface LanguageModelReflectorOptions {
  readonly model: LanguageModel;
  /** Most lessons kept from one answer (default 5). */
  readonly maxLessons?: number;
  /** Importance of a lesson the model gives none for (default 0.9 after a failure, else 0.7). */
  readonly defaultImportance?: number;
  /** Most memories shown to the model, the latest kept (default 60). */
  readonly maxMemoriesShown?: number;
  /** Sampling of the reflection call (default temperature 0, 512 tokens). */
  readonly sampling?: SamplingParameters;
}

/** The JSON the model is asked for. */
export const reflectionResponseSchema: JsonSchema = {
  type: 'object',
  properties: {
    lessons: {
      type: 'array',
      items: {
        type: 'object',
        properties: { text: { type: 'string' }, importance: { type: 'number', minimum: 0, maximum: 1 } },
        required: ['text'],
      },
    },
  },
  required: ['lessons'],
};

const SYSTEM_PROMPT = [
  'You reflect on an agent\'s experience in an environment and write short, general lessons for',
  'the next attempt at the same task: what worked, what failed, what to do differently.',
  'Answer with JSON only: {"lessons": [{"text": "...", "importance": 0.0-1.0}]}.',
].join(' ');

/**
 * Reflection by a `LanguageModel` (Generative Agents, Reflexion). Each lesson links to every
 * memory shown to the model (the model is not asked to cite ids, which small models get wrong).
 * Never throws for the model's failures: they come back as `warnings` with no memories.
 */
export class LanguageModelReflector implements Reflector {
  readonly name = 'language-model';
  private readonly model: LanguageModel;
  private readonly maxLessons: number;
  private readonly maxMemoriesShown: number;

  constructor(private readonly options: LanguageModelReflectorOptions) {
    this.model = options.model;
    this.maxLessons = options.maxLessons ?? 5;
    this.maxMemoriesShown = options.maxMemoriesShown ?? 60;
  }

  async reflect(input: ReflectionInput): Promise<ReflectionResult> {
    const shown = input.memories.slice(-this.maxMemoriesShown);
    if (shown.length === 0 && input.outcome === undefined) return { memories: [], warnings: [] };
    let text: string;
    let warnings: readonly string[];
    try {
      const result = await this.model.generate({
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: this.prompt(input, shown) },
        ],
        ...(this.model.capabilities.jsonSchema ? { responseSchema: reflectionResponseSchema } : {}),
        sampling: this.options.sampling ?? { temperature: 0, maxTokens: 512 },
        ...(input.signal !== undefined ? { signal: input.signal } : {}),
      });
      text = result.text;
      warnings = result.warnings;
    } catch (error) {
      return { memories: [], warnings: [`reflection model call failed: ${error instanceof Error ? error.message : String(error)}`] };
    }
    const lessons = parseLessons(text);
    if (lessons === undefined) return { memories: [], warnings: [...warnings, `reflection answer was not the expected JSON: ${JSON.stringify(text.slice(0, 200))}`] };
    const failed = input.outcome !== undefined && !input.outcome.success;
    const fallback = this.options.defaultImportance ?? (failed ? 0.9 : 0.7);
    const links = shown.map((record) => record.id);
    const memories = lessons.slice(0, this.maxLessons).map((lesson): NewMemory => ({
      kind: 'reflection',
      text: input.mission && !lesson.text.includes(input.mission) ? `In ${input.mission}: ${lesson.text}` : lesson.text,
      importance: lesson.importance ?? fallback,
      namespace: input.namespace,
      ...(input.provenance !== undefined ? { provenance: input.provenance } : {}),
      ...(links.length > 0 ? { links } : {}),
      payload: { reflector: this.name, model: this.model.modelId, ...(input.mission !== undefined ? { mission: input.mission } : {}) },
    }));
    return { memories, warnings };
  }

  private prompt(input: ReflectionInput, shown: ReflectionInput['memories']): string {
    const lines = [`Task: ${input.mission ?? '(none given)'}`, '', 'What happened (oldest first):'];
    for (const record of shown) lines.push(`- [${record.kind}] ${record.text}`);
    if (shown.length === 0) lines.push('- (no memories)');
    const outcome = input.outcome;
    if (outcome !== undefined) {
      lines.push('', `Outcome: ${outcome.success ? 'success' : 'failure'} after ${outcome.stepCount} steps (${outcome.status}${outcome.truncated ? ', ran out of steps' : ''}${outcome.error ? `, error: ${outcome.error}` : ''}), total reward ${outcome.totalReward}, ${outcome.invalidActionCount} refused actions.`);
    } else {
      lines.push('', 'The episode is still going on.');
    }
    lines.push('', 'Write the lessons as JSON.');
    return lines.join('\n');
  }
}

/**
 * Lessons from the model's text (outside `<think>` blocks): the first JSON value that gives any,
 * `{lessons: [...]}` or a bare array of strings or `{text, importance}` objects, found by the balanced
 * scan of `findJsonValues`, so prose, fences, braces and other JSON around it are passed over. An
 * answer whose only list is empty (`{"lessons": []}`, `[]`) gives none; undefined when there is no list
 * (the caller's warning).
 */
function parseLessons(text: string): { text: string; importance?: number }[] | undefined {
  let empty: { text: string; importance?: number }[] | undefined;
  for (const found of findJsonValues(withoutThinkBlocks(text))) {
    const value = found.value;
    const list = Array.isArray(value) ? value : isObject(value) && Array.isArray(value['lessons']) ? (value['lessons'] as unknown[]) : undefined;
    if (list === undefined) continue;
    const lessons = lessonsIn(list);
    if (lessons.length > 0) return lessons;
    if (list.length === 0 || !Array.isArray(value)) empty ??= lessons;
  }
  return empty;
}

/** The usable lessons of a list: non-empty strings, and objects with a non-empty `text`. */
function lessonsIn(list: readonly unknown[]): { text: string; importance?: number }[] {
  const lessons: { text: string; importance?: number }[] = [];
  for (const item of list) {
    if (typeof item === 'string' && item.trim() !== '') lessons.push({ text: item.trim() });
    else if (isObject(item) && typeof item['text'] === 'string' && item['text'].trim() !== '') {
      const importance = item['importance'];
      lessons.push({ text: item['text'].trim(), ...(typeof importance === 'number' && Number.isFinite(importance) ? { importance: Math.min(1, Math.max(0, importance)) } : {}) });
    }
  }
  return lessons;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
