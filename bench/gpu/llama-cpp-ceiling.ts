// The engine's raw ceiling in-process: node-llama-cpp generating on N sequences of one context at
// once, with no worldloop around it (no chat template, no grammar, no agent loop): each sequence
// evaluates fresh prompt tokens and then takes a fixed number of greedy tokens, end-of-text ignored.
import type { LlamaModel, LlamaContextSequence, Token } from 'node-llama-cpp';
import { timeConversations, type CeilingFigures, type CeilingWorkload, type ConversationTokens } from './ceiling-workload.js';

/** How the ceiling's context is made: as the LlamaCppModel it is compared with makes its own. */
export interface LlamaCppCeilingOptions {
  /** Tokens of each sequence's window. */
  readonly contextTokens: number;
  /** CPU threads (undefined: node-llama-cpp's default). */
  readonly threads?: number;
}

/**
 * Runs `workload` on a fresh context of `model` with `workload.inFlight` sequences and returns the
 * generated tokens per second. The context is disposed before it resolves. Throws when a sequence's
 * history would not fit `contextTokens`.
 */
export async function measureLlamaCppCeiling(model: LlamaModel, options: LlamaCppCeilingOptions, workload: CeilingWorkload): Promise<CeilingFigures> {
  const needed = Math.max(workload.firstPromptTokens, workload.laterPromptTokens) + workload.completionTokens;
  if (needed >= options.contextTokens) throw new Error(`the ceiling workload needs ${needed} tokens per sequence, more than contextTokens ${options.contextTokens}`);
  const context = await model.createContext({
    sequences: workload.inFlight,
    contextSize: options.contextTokens,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  try {
    const filler = fillerTokens(model);
    const sequences = Array.from({ length: workload.inFlight }, () => context.getSequence());
    const shared = Math.min(workload.firstCachedTokens, workload.firstPromptTokens - 1);
    if (shared > 0) await Promise.all(sequences.map((sequence) => sequence.evaluateWithoutGeneratingNewTokens(fillerRun(filler, shared, 0))));
    return await timeConversations(workload, (index) => converse(sequences[index]!, workload, filler, index));
  } finally {
    await context.dispose();
  }
}

/** One sequence's calls, one after the other: keep the cached prefix, evaluate the new prompt tokens, generate. */
async function converse(sequence: LlamaContextSequence, workload: CeilingWorkload, filler: readonly Token[], index: number): Promise<ConversationTokens> {
  let completionTokens = 0;
  let promptTokens = 0;
  for (let call = 0; call < workload.callsPerSequence; call++) {
    let kept = sequence.nextTokenIndex;
    if (call > 0) {
      kept = Math.min(workload.laterCachedTokens, sequence.nextTokenIndex);
      if (kept < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: kept, end: sequence.nextTokenIndex }]);
    }
    const fresh = Math.max(1, (call === 0 ? workload.firstPromptTokens : workload.laterPromptTokens) - kept);
    // Offset per sequence and call, so no two prompts are the same text.
    const input = fillerRun(filler, fresh, index * 7 + call * 13 + 1);
    promptTokens += fresh;
    let generated = 0;
    for await (const token of sequence.evaluate(input, { temperature: 0 })) {
      void token;
      generated++;
      if (generated >= workload.completionTokens) break;
    }
    completionTokens += generated;
  }
  return { completionTokens, promptTokens };
}

/** `length` filler tokens starting at `offset` (wrapping round). */
function fillerRun(filler: readonly Token[], length: number, offset: number): Token[] {
  return Array.from({ length }, (_, position) => filler[(position + offset) % filler.length]!);
}

/** Ordinary text tokens of this model to fill prompts with. */
function fillerTokens(model: LlamaModel): Token[] {
  const tokens = model.tokenize('The agent sees a grey wall to the left and a red ball two steps ahead; it turns and walks forward. ');
  if (tokens.length === 0) throw new Error('the model tokenized the filler text to nothing');
  return tokens;
}
