// A language model as a world model: shown the observation and an action, it answers with a
// JSON-schema-constrained prediction (next observation, reward, termination). Few-shot examples
// come from recorded transitions and from what `update` is shown. Malformed answers become
// low-confidence predictions and are counted; only backend failures (ModelBackendError) reject.
import type {
  ChatMessage,
  GenerateResult,
  JsonSchema,
  LanguageModel,
  Observation,
  Prediction,
  SamplingParameters,
  Transition,
} from '@worldloop/spec';
import { findJsonValues, withoutThinkBlocks } from '@worldloop/core';
import type { Imagination, ImaginingWorldModel } from './imagining-world-model.js';

/** Options of a {@link LanguageWorldModel}. */
export interface LanguageWorldModelOptions {
  readonly model: LanguageModel;
  /** Default `language:<modelId>`. */
  readonly name?: string;
  /** Transitions shown as worked examples before every question (oldest first). */
  readonly examples?: readonly Transition<Observation, string>[];
  /**
   * Examples kept, counting those `update` adds (default 4): the given ones first, then the most
   * recent real transitions.
   */
  readonly maxExamples?: number;
  /** Default temperature 0 and 512 tokens. */
  readonly sampling?: SamplingParameters;
  /** Replaces the first paragraph of the system message. */
  readonly instructions?: string;
  /** Confidence of a well-formed answer that states none (default 0.5). */
  readonly defaultConfidence?: number;
  /** Confidence of a malformed answer (default 0). */
  readonly malformedConfidence?: number;
}

/** Counts of the answers a language world model got. */
export interface LanguageWorldModelStatistics {
  readonly predictions: number;
  /** Answers that were not a JSON object with the required fields (counted, never thrown). */
  readonly malformed: number;
}

/** The JSON schema every answer is constrained to. */
export const predictionSchema: JsonSchema = {
  type: 'object',
  properties: {
    observation: { type: 'string', description: 'The observation text the environment will show after the action.' },
    reward: { type: 'number', description: 'The reward of the step.' },
    terminated: { type: 'boolean', description: 'Whether the task ends with this step (success or failure).' },
    confidence: { type: 'number', minimum: 0, maximum: 1, description: 'How sure you are, 0 to 1.' },
  },
  required: ['observation', 'reward', 'terminated'],
  additionalProperties: false,
};

const DEFAULT_INSTRUCTIONS =
  'You are a world model: you predict what an environment will show after an action. ' +
  'You are given the current observation and the action taken.';

/** A parsed answer, or why it did not parse. */
type ParsedAnswer =
  | { readonly ok: true; readonly observation: string; readonly reward: number; readonly terminated: boolean; readonly confidence?: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Predicts with a language model. The prompt is prefix-stable: instructions, schema and examples
 * first, the question last, so a backend's prefix cache serves every prediction after the first.
 * The predicted next state is an observation with the predicted text and the current mission and
 * valid actions (the model is not asked for those).
 */
export class LanguageWorldModel implements ImaginingWorldModel<Observation, string> {
  readonly name: string;
  private readonly examples: Transition<Observation, string>[];
  private readonly fixedExamples: number;
  private readonly maxExamples: number;
  private predictions = 0;
  private malformed = 0;

  constructor(private readonly options: LanguageWorldModelOptions) {
    this.name = options.name ?? `language:${options.model.modelId}`;
    this.maxExamples = options.maxExamples ?? 4;
    this.examples = (options.examples ?? []).slice(0, this.maxExamples);
    this.fixedExamples = this.examples.length;
  }

  /** How many predictions were asked for and how many answers were malformed. */
  get statistics(): LanguageWorldModelStatistics {
    return { predictions: this.predictions, malformed: this.malformed };
  }

  /** Keeps the transition as a worked example (the most recent ones replace older learned ones). */
  update(transition: Transition<Observation, string>): void {
    if (this.maxExamples === this.fixedExamples) return;
    this.examples.push(transition);
    if (this.examples.length > this.maxExamples) this.examples.splice(this.fixedExamples, 1);
  }

  async predict(state: Observation, action: string, options: { signal?: AbortSignal } = {}): Promise<Prediction> {
    return (await this.imagine(state, action, options)).prediction;
  }

  async imagine(state: Observation, action: string, options: { signal?: AbortSignal } = {}): Promise<Imagination<Observation, string>> {
    const result = await this.options.model.generate({
      messages: this.messages(state, action),
      responseSchema: predictionSchema,
      sampling: { temperature: 0, maxTokens: 512, ...this.options.sampling },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.predictions++;
    const answer = parseAnswer(result);
    if (!answer.ok) {
      this.malformed++;
      const prediction: Prediction = { confidence: this.options.malformedConfidence ?? 0 };
      // Nothing known: planners end their lines here, as at a pair a tabular model never saw.
      return { prediction, nextState: state, observation: state, actions: state.validActions ?? [], evidence: 0 };
    }
    const confidence = answer.confidence ?? this.options.defaultConfidence ?? 0.5;
    const nextState: Observation = {
      text: answer.observation,
      ...(state.mission !== undefined ? { mission: state.mission } : {}),
      ...(state.validActions !== undefined ? { validActions: state.validActions } : {}),
    };
    return {
      prediction: { observationText: answer.observation, reward: answer.reward, terminated: answer.terminated, confidence },
      nextState,
      observation: nextState,
      actions: state.validActions ?? [],
    };
  }

  /** The request's messages: system text, then each example as a question and its answer, then the question. */
  messages(state: Observation, action: string): ChatMessage[] {
    const system =
      `${this.options.instructions ?? DEFAULT_INSTRUCTIONS}\n` +
      'Answer with one JSON object and nothing else: {"observation": string, "reward": number, "terminated": boolean, "confidence": number from 0 to 1}.';
    const messages: ChatMessage[] = [{ role: 'system', content: system }];
    for (const example of this.examples) {
      messages.push({ role: 'user', content: question(example.state, example.action) });
      messages.push({
        role: 'assistant',
        content: JSON.stringify({ observation: example.nextState.text, reward: example.reward, terminated: example.terminated, confidence: 1 }),
      });
    }
    messages.push({ role: 'user', content: question(state, action) });
    return messages;
  }
}

function question(state: Observation, action: string): string {
  return `Observation:\n${state.text}\n\nAction: ${action}\n\nWhat happens next?`;
}

/**
 * The prediction in an answer: the first JSON object in the text (outside `<think>` blocks) that has
 * the prediction's shape. Prose, code fences, other JSON before it and remarks after it, braces
 * included, are passed over by the balanced scan of `findJsonValues`; a truncated object is not
 * repaired. When no object fits, the reason is the first object's defect.
 */
function parseAnswer(result: GenerateResult): ParsedAnswer {
  const text = withoutThinkBlocks(result.text);
  let firstProblem: string | undefined;
  for (const found of findJsonValues(text)) {
    const answer = predictionFrom(found.value);
    if (answer.ok) return answer;
    firstProblem ??= answer.reason;
  }
  if (firstProblem !== undefined) return { ok: false, reason: firstProblem };
  return { ok: false, reason: text.includes('{') ? 'no complete, valid JSON object in the answer' : 'no JSON object in the answer' };
}

/** A parsed JSON value read as a prediction, or what is wrong with it. */
function predictionFrom(value: unknown): ParsedAnswer {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'the answer is not a JSON object' };
  const { observation, reward, terminated, confidence } = value as Record<string, unknown>;
  if (typeof observation !== 'string') return { ok: false, reason: 'observation is not a string' };
  if (typeof reward !== 'number' || !Number.isFinite(reward)) return { ok: false, reason: 'reward is not a number' };
  if (typeof terminated !== 'boolean') return { ok: false, reason: 'terminated is not a boolean' };
  if (confidence !== undefined && (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1))) {
    return { ok: false, reason: 'confidence is not a number from 0 to 1' };
  }
  return { ok: true, observation, reward, terminated, ...(confidence !== undefined ? { confidence } : {}) };
}
