// Groups a conversation into strictly alternating turns (what comes in to the agent, what it says)
// for formats that demand alternation: LLaMA-Factory's ShareGPT and AgentGym's AgentTraj.
import type { ConversationMessage } from './episode-conversation.js';

/** Messages of one side, in order: `in` is user and tool messages, `out` is assistant messages. */
export interface AlternatingTurn {
  readonly side: 'in' | 'out';
  readonly messages: readonly ConversationMessage[];
}

/**
 * The non-system messages as turns that alternate in, out, in, out, ...: adjacent messages of one
 * side are one turn; assistant messages with neither text nor tool calls are dropped; a leading
 * `out` turn and trailing `in` turns are dropped, so the turns start with `in` and end with `out`
 * (none when the conversation has no assistant message worth keeping).
 */
export function alternatingTurns(messages: readonly ConversationMessage[]): AlternatingTurn[] {
  const turns: { side: 'in' | 'out'; messages: ConversationMessage[] }[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    if (message.role === 'assistant' && message.content.trim() === '' && message.toolCalls.length === 0) continue;
    const side = message.role === 'assistant' ? 'out' : 'in';
    const last = turns.at(-1);
    if (last?.side === side) last.messages.push(message);
    else if (last !== undefined || side === 'in') turns.push({ side, messages: [message] });
  }
  while (turns.at(-1)?.side === 'in') turns.pop();
  return turns;
}
