// OpenTelemetry spans of an agent's run, made from its event bus: run → episode → step → model
// calls and tool calls, with GenAI semantic-convention attributes, so that any OTLP backend (Jaeger,
// Tempo, Phoenix, Langfuse, a collector) shows a run without a vendor SDK in the loop.
import { context, diag, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import type { AgentEventBus } from '@worldloop/core';
import type { AgentEventPayloads, AgentEvents, EpisodeContext, ModelCallRecord, RunEventPayloads, StepRecord } from '@worldloop/spec';
import { contentJson, genAi, inputMessagesJson, outputMessagesJson, resultAttributes, samplingAttributes } from './gen-ai-attributes.js';

/** Options of {@link AgentTracing}. */
export interface AgentTracingOptions {
  /** Where spans go: `provider.getTracer('worldloop')`, or the global one (`trace.getTracer`) by default. */
  readonly tracer?: Tracer;
  /** `gen_ai.agent.name` of episode spans, e.g. the policy's name (default `worldloop`). */
  readonly agentName?: string;
  /**
   * Also record what was said and seen: model calls' input and output messages
   * (`gen_ai.input.messages`, `gen_ai.output.messages`), observation texts, tool arguments and
   * results. Off by default, as the GenAI conventions ask: prompts can hold what should not leave
   * the machine, and they make spans large.
   */
  readonly captureContent?: boolean;
}

/** The spans of one episode that are still open. */
interface EpisodeSpans {
  readonly span: Span;
  /** The run span open when the episode started (the run that ends it, if the episode does not). */
  readonly run: Span | undefined;
  /** Open step spans by step index, with the time each started: ms since the epoch, and `performance.now()`. */
  readonly steps: Map<number, { readonly span: Span; readonly startMs: number; readonly startPerformanceMs: number }>;
  readonly tools: Map<string, Span>;
}

/** Span names of the worldloop concepts (GenAI ones follow the conventions: `chat {model}`, `execute_tool {tool}`). */
const spanNames = { run: 'worldloop.run', reflect: 'worldloop.reflect' } as const;

/**
 * Turns an agent's events into OpenTelemetry spans. `attach(agent.events)` before running; a run
 * through a `Runner` becomes one trace: a `worldloop.run` span, an `invoke_agent` span per episode
 * (`worldloop.episode.*` attributes: environment, seed, outcome), a span per step (action, reward,
 * refusal, memory reads and writes, guard verdicts and world-model surprises as span events), a
 * `chat {model}` client span per model call with its tokens and sampling, and an
 * `execute_tool {tool}` span per tool call. Model calls are timed from the step record
 * (`startedAt` + `totalMs`, kept within their step); the rest as the events happen. Failures set
 * the span's status to ERROR with the exception recorded (an abort records it without ERROR);
 * spans a run's end finds still open end with it. Episodes run without a Runner are traces of their own.
 *
 * One run at a time per event bus (as a `Runner` runs them): a second run started on the same bus
 * before the first ended would take over the run span.
 *
 * Only `@opentelemetry/api` is used here: with no SDK registered and no tracer given, spans cost
 * next to nothing and go nowhere. `startTraceExport` sets up an SDK that exports them.
 */
export class AgentTracing {
  readonly #tracer: Tracer;
  readonly #agentName: string;
  readonly #captureContent: boolean;
  #run: Span | undefined;
  readonly #episodes = new Map<EpisodeContext, EpisodeSpans>();
  /** Ended episodes' span contexts, for reflections written after the end (held no longer than the episode). */
  readonly #endedEpisodes = new WeakMap<EpisodeContext, SpanContext>();

  constructor(options: AgentTracingOptions = {}) {
    this.#tracer = options.tracer ?? trace.getTracer('worldloop');
    this.#agentName = options.agentName ?? 'worldloop';
    this.#captureContent = options.captureContent ?? false;
  }

  /** Starts listening to `events`; returns a function that stops listening (open spans stay open). */
  attach(events: AgentEventBus): () => void {
    const listeners: { [Name in keyof AgentEvents]?: AgentEvents[Name] } = {
      'run-start': (payload) => this.#runStart(payload),
      'run-end': (payload) => this.#runEnd(payload),
      'episode-start': ({ episode, observation }) => this.#episode(episode, this.#captureContent ? { 'worldloop.observation.text': observation.text } : {}),
      'step-start': (payload) => this.#stepStart(payload),
      'tool-call': (payload) => this.#toolCall(payload),
      'tool-result': (payload) => this.#toolResult(payload),
      'guard-verdict': ({ episode, stepIndex, guard, verdict }) =>
        this.#step(episode, stepIndex)?.addEvent('worldloop.guard_verdict', {
          'worldloop.guard.name': guard,
          'worldloop.guard.decision': verdict.decision,
          ...(verdict.decision !== 'allow' ? { 'worldloop.guard.reason': verdict.reason } : {}),
        }),
      'world-model-surprise': (payload) => this.#surprise(payload),
      'step-end': ({ episode, step }) => this.#stepEnd(episode, step),
      'episode-end': (payload) => this.#episodeEnd(payload),
      'reflection-write': (payload) => this.#reflection(payload),
      error: ({ episode, error }) => {
        const span = episode !== undefined ? this.#episode(episode).span : this.#run;
        span?.recordException(error);
        // A call cut short by an abort (Ctrl-C, a stopped run) rejects, but the episode was stopped, not broken.
        if (episode?.signal.aborted !== true) span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      },
    };
    // Listeners run inside the agent's loop: a tracing mistake is reported, never thrown into the run.
    const guarded = Object.entries(listeners).map(([name, listener]) => {
      const safe = (payload: unknown): void => {
        try {
          (listener as (payload: unknown) => void)(payload);
        } catch (error) {
          diag.error(`worldloop tracing: the ${name} event could not be traced`, error);
        }
      };
      return [name as keyof AgentEvents, safe] as const;
    });
    for (const [name, safe] of guarded) events.on(name, safe as never);
    return () => {
      for (const [name, safe] of guarded) events.off(name, safe as never);
    };
  }

  #runStart({ runId, episodesRequested }: RunEventPayloads['run-start']): void {
    this.#run = this.#tracer.startSpan(spanNames.run, {
      attributes: { ...(runId !== undefined ? { 'worldloop.run.id': runId } : {}), 'worldloop.run.episodes_requested': episodesRequested },
    });
  }

  #runEnd({ progress, status }: RunEventPayloads['run-end']): void {
    const run = this.#run;
    if (run === undefined) return;
    run.setAttributes({
      'worldloop.run.status': status,
      'worldloop.run.episodes_finished': progress.episodesFinished,
      'worldloop.run.successes': progress.successes,
      'worldloop.run.steps': progress.stepsTaken,
    });
    if (status === 'failed') run.setStatus({ code: SpanStatusCode.ERROR, message: 'the run failed' });
    // An episode that never announced its end (a store that failed, a policy whose `end` threw)
    // would stay open, and held here, forever: it ends with the run, marked as cut short.
    for (const [episode, spans] of this.#episodes) {
      if (spans.run !== run) continue;
      this.#endOpen(spans, `the run ended (${status}) before this episode did`);
      spans.span.setStatus({ code: SpanStatusCode.ERROR, message: `the run ended (${status}) before this episode did` });
      spans.span.end();
      this.#episodes.delete(episode);
    }
    run.end();
    this.#run = undefined;
  }

  /** The open spans of `episode`, its span started on first sight (an episode whose reset failed is first seen in `error`). */
  #episode(episode: EpisodeContext, attributes: Attributes = {}): EpisodeSpans {
    let spans = this.#episodes.get(episode);
    if (spans === undefined) {
      const parent = this.#run === undefined ? context.active() : trace.setSpan(context.active(), this.#run);
      const span = this.#tracer.startSpan(
        `invoke_agent ${this.#agentName}`,
        {
          attributes: {
            [genAi.operationName]: 'invoke_agent',
            [genAi.agentName]: this.#agentName,
            'worldloop.environment.id': episode.environmentId,
            'worldloop.episode.index': episode.episodeIndex,
            'worldloop.episode.seed': episode.seed,
            'worldloop.episode.max_steps': episode.maxSteps,
            ...(episode.episodeId !== undefined ? { 'worldloop.episode.id': episode.episodeId, [genAi.conversationId]: String(episode.episodeId) } : {}),
            ...(episode.runId !== undefined ? { 'worldloop.run.id': episode.runId } : {}),
            ...(episode.mission !== undefined ? { 'worldloop.episode.mission': episode.mission } : {}),
            ...attributes,
          },
        },
        parent,
      );
      spans = { span, run: this.#run, steps: new Map(), tools: new Map() };
      this.#episodes.set(episode, spans);
    }
    return spans;
  }

  #step(episode: EpisodeContext, stepIndex: number): Span | undefined {
    return this.#episodes.get(episode)?.steps.get(stepIndex)?.span;
  }

  #child(parent: Span, name: string, attributes: Attributes, extra: { kind?: SpanKind; startTime?: number } = {}): Span {
    return this.#tracer.startSpan(name, { attributes, ...extra }, trace.setSpan(context.active(), parent));
  }

  #stepStart({ episode, stepIndex, observation }: AgentEventPayloads['step-start']): void {
    const spans = this.#episode(episode);
    const attributes: Attributes = { 'worldloop.step.index': stepIndex, ...(this.#captureContent ? { 'worldloop.observation.text': observation.text } : {}) };
    // Timed by the same clock as the step record's `startedAt` and its model calls' (`Date.now()`).
    const startMs = Date.now();
    const startPerformanceMs = performance.now();
    spans.steps.set(stepIndex, { span: this.#child(spans.span, `step ${stepIndex}`, attributes, { startTime: startMs }), startMs, startPerformanceMs });
  }

  #toolCall({ episode, stepIndex, call }: AgentEventPayloads['tool-call']): void {
    const spans = this.#episode(episode);
    const parent = spans.steps.get(stepIndex)?.span ?? spans.span;
    const attributes: Attributes = {
      [genAi.operationName]: 'execute_tool',
      [genAi.toolName]: call.name,
      [genAi.toolCallId]: call.id,
      [genAi.toolType]: 'function',
      ...(this.#captureContent ? { [genAi.toolCallArguments]: typeof call.arguments === 'string' ? call.arguments : contentJson(call.arguments) } : {}),
    };
    spans.tools.set(`${stepIndex}:${call.id}`, this.#child(parent, `execute_tool ${call.name}`, attributes));
  }

  #toolResult({ episode, stepIndex, call, result }: AgentEventPayloads['tool-result']): void {
    const spans = this.#episodes.get(episode);
    const key = `${stepIndex}:${call.id}`;
    const span = spans?.tools.get(key);
    if (span === undefined) return;
    spans!.tools.delete(key);
    if (result.ok) {
      if (this.#captureContent) span.setAttribute(genAi.toolCallResult, contentJson(result.output));
    } else {
      // A failed tool call goes back to the model as data; the span says it failed, and why.
      span.setAttribute(genAi.errorType, result.error.code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.message });
    }
    span.end();
  }

  #surprise({ episode, stepIndex, model, action, comparison }: AgentEventPayloads['world-model-surprise']): void {
    this.#step(episode, stepIndex)?.addEvent('worldloop.world_model_surprise', {
      'worldloop.world_model.name': model,
      'worldloop.step.action': action,
      'worldloop.world_model.comparison': contentJson(comparison),
    });
  }

  #stepEnd(episode: EpisodeContext, step: StepRecord): void {
    const spans = this.#episode(episode);
    const open = spans.steps.get(step.stepIndex);
    const span = open?.span ?? this.#child(spans.span, `step ${step.stepIndex}`, { 'worldloop.step.index': step.stepIndex }, { startTime: step.startedAt });
    spans.steps.delete(step.stepIndex);
    // Model-call spans stay within their step's, whatever durations the backend reported.
    const bounds =
      open !== undefined
        ? { startMs: open.startMs, endMs: open.startMs + (performance.now() - open.startPerformanceMs) } // sub-millisecond, as the SDK times spans
        : { startMs: step.startedAt, endMs: Math.max(Date.now(), step.startedAt) };
    let nextStart = step.startedAt + step.timings.perceiveMs;
    for (const call of step.modelCalls) nextStart = this.#modelCall(span, call, nextStart, bounds);
    // A guard's replacement, when one was sent: the outcome (and a refusal) is that action's, not the proposed one's.
    const executed = step.executedAction !== undefined && step.executedAction !== step.action ? { 'worldloop.step.executed_action': step.executedAction } : {};
    span.setAttributes({
      'worldloop.step.action': step.action,
      ...executed,
      'worldloop.step.accepted': step.accepted,
      'worldloop.step.reward': step.reward,
      'worldloop.step.terminated': step.terminated,
      'worldloop.step.truncated': step.truncated,
      'worldloop.step.model_calls': step.modelCalls.length,
      'worldloop.step.tool_calls': step.toolCalls.length,
      'worldloop.memory.read_ids': step.memoryReads.map((read) => read.id),
      'worldloop.memory.write_ids': step.memoryWrites.map((write) => write.id),
      'worldloop.step.perceive_ms': step.timings.perceiveMs,
      'worldloop.step.plan_ms': step.timings.planMs,
      'worldloop.step.act_ms': step.timings.actMs,
      'worldloop.step.remember_ms': step.timings.rememberMs,
      ...(step.worldModel !== undefined ? { 'worldloop.world_model.name': step.worldModel.name } : {}),
    });
    // A refused action is the model's mistake, fed back to it: an event, not an error status.
    if (!step.accepted) span.addEvent('worldloop.action_refused', { 'worldloop.step.action': step.action, ...executed, 'worldloop.step.feedback': step.feedback ?? '' });
    span.end(bounds.endMs);
  }

  /**
   * A `chat {model}` span for one recorded model call, kept within its step's `bounds` (ms since the
   * epoch); returns when the next call starts at the earliest.
   */
  #modelCall(step: Span, call: ModelCallRecord, laidOutStart: number, bounds: { readonly startMs: number; readonly endMs: number }): number {
    const within = (time: number) => Math.min(Math.max(time, bounds.startMs), bounds.endMs);
    const startTime = within(call.startedAt ?? laidOutStart);
    const endTime = within(startTime + (call.result.timings?.totalMs ?? 0));
    // The conventions name a call of a model not known `chat`, without a `gen_ai.request.model`.
    const span = this.#child(
      step,
      call.model !== undefined ? `chat ${call.model.modelId}` : 'chat',
      {
        [genAi.operationName]: 'chat',
        ...(call.model !== undefined ? { [genAi.requestModel]: call.model.modelId, [genAi.providerName]: call.model.provider } : {}),
        ...samplingAttributes(call.sampling),
        ...resultAttributes(call.result),
        ...(call.result.warnings.length > 0 ? { 'worldloop.model.warnings': [...call.result.warnings] } : {}),
        ...(this.#captureContent ? { [genAi.inputMessages]: inputMessagesJson(call.messages), [genAi.outputMessages]: outputMessagesJson(call.result) } : {}),
      },
      { kind: SpanKind.CLIENT, startTime },
    );
    if (call.result.finishReason === 'error') {
      // `error.type` is required on a failed operation; `_OTHER` is the conventions' value when no error code is known.
      span.setAttribute(genAi.errorType, '_OTHER');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the model call ended in an error' });
    }
    span.end(endTime);
    return endTime;
  }

  #episodeEnd({ episode, outcome }: AgentEventPayloads['episode-end']): void {
    const spans = this.#episode(episode);
    // Spans a failure left open (a step, a tool call) end with the episode, marked as cut short.
    this.#endOpen(spans, `the episode ended (${outcome.status}) before this finished`);
    spans.span.setAttributes({
      'worldloop.episode.status': outcome.status,
      'worldloop.episode.success': outcome.success,
      'worldloop.episode.total_reward': outcome.totalReward,
      'worldloop.episode.steps': outcome.stepCount,
      'worldloop.episode.invalid_actions': outcome.invalidActionCount,
      'worldloop.episode.terminated': outcome.terminated,
      'worldloop.episode.truncated': outcome.truncated,
    });
    if (outcome.status === 'failed') spans.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error ?? 'the episode failed' });
    spans.span.end();
    this.#episodes.delete(episode);
    this.#endedEpisodes.set(episode, spans.span.spanContext());
  }

  /** Ends the tool-call and step spans of an episode still open, with an ERROR status saying why. */
  #endOpen(spans: EpisodeSpans, message: string): void {
    for (const open of [...spans.tools.values(), ...[...spans.steps.values()].map((step) => step.span)]) {
      open.setStatus({ code: SpanStatusCode.ERROR, message });
      open.end();
    }
    spans.tools.clear();
    spans.steps.clear();
  }

  /** Reflections are written after the fact: a short span under the episode's, ended or not. */
  #reflection({ episode, trigger, reflections, sourceMemoryIds }: AgentEventPayloads['reflection-write']): void {
    const open = this.#episodes.get(episode)?.span;
    const ended = this.#endedEpisodes.get(episode);
    const parent = open !== undefined ? trace.setSpan(context.active(), open) : ended !== undefined ? trace.setSpanContext(context.active(), ended) : this.#run !== undefined ? trace.setSpan(context.active(), this.#run) : context.active();
    const attributes: Attributes = {
      'worldloop.reflection.trigger': trigger,
      'worldloop.memory.write_ids': reflections.map((record) => record.id),
      'worldloop.memory.source_ids': [...sourceMemoryIds],
      ...(this.#captureContent ? { 'worldloop.reflection.texts': reflections.map((record) => record.text) } : {}),
    };
    this.#tracer.startSpan(spanNames.reflect, { attributes }, parent).end();
  }
}
