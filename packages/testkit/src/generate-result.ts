// Builds a complete GenerateResult from the few fields a test cares about, so scripts stay short.
import type { FinishReason, GenerateResult, ModelToolCall, TokenUsage } from '@worldloop/spec';

/** The fields of a scripted result; everything is optional. */
export interface GenerateResultFields {
  readonly text?: string;
  /** Tool calls; ids default to `call-<index>`. */
  readonly toolCalls?: readonly (Omit<ModelToolCall, 'id'> & { readonly id?: string })[];
  /** Default `tool-calls` when there are tool calls, else `stop`. */
  readonly finishReason?: FinishReason;
  readonly usage?: TokenUsage;
  readonly warnings?: readonly string[];
}

/**
 * A `GenerateResult` with defaults filled in: empty text, no tool calls, `stop`, no warnings.
 *
 * @example
 * generateResult({ text: 'Thought: the key is ahead.\nAction: pickup' })
 * generateResult({ toolCalls: [{ name: 'act', arguments: { action: 'left' } }] })
 */
export function generateResult(fields: GenerateResultFields = {}): GenerateResult {
  const toolCalls = (fields.toolCalls ?? []).map((call, index): ModelToolCall => ({ id: call.id ?? `call-${index}`, name: call.name, arguments: call.arguments }));
  return {
    text: fields.text ?? '',
    toolCalls,
    finishReason: fields.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop'),
    ...(fields.usage ? { usage: fields.usage } : {}),
    warnings: fields.warnings ?? [],
  };
}
