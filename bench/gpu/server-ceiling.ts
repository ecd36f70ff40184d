// The engine's raw ceiling through an OpenAI-compatible server (llama.cpp's llama-server): N
// conversations at once of plain POST /chat/completions requests, no worldloop client, no grammar,
// `ignore_eos` so every call generates exactly its max_tokens. Prompt sizes are set in characters:
// with the testkit's byte-level vocabulary one character of filler is one token. Approximate where the
// in-process ceiling is exact: the history grows by the replies, and the first call's cached prefix is
// put in the server's slots by one untimed request per conversation beforehand.
// llama-server refuses (500) a reply that is not valid UTF-8 text, which a random byte-level model
// writes at once: for small vocabularies the tokens that are not printable ASCII get a logit bias of
// -infinity (a sampler step, much cheaper than a grammar); real models' vocabularies are left alone.
import { timeConversations, type CeilingFigures, type CeilingWorkload, type ConversationTokens } from './ceiling-workload.js';

const FILLER = 'The agent sees a grey wall to the left and a red ball two steps ahead; it turns and walks forward. ';

interface ChatTurn {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/**
 * Runs `workload` against `baseUrl` (the `/v1` root) and returns generated tokens per second, counted
 * from the server's `usage.completion_tokens`. `promptTokens` is what the server reports it read.
 * Throws on any non-2xx reply, with its body.
 */
export async function measureServerCeiling(baseUrl: string, workload: CeilingWorkload, timeoutMs = 600_000): Promise<CeilingFigures> {
  const bannedTokens = await nonTextTokens(baseUrl);
  // Warm-up: one short conversation, not measured.
  await converse(baseUrl, { ...workload, inFlight: 1, callsPerSequence: 1, completionTokens: 4 }, workload.inFlight + 1, bannedTokens, 0, timeoutMs);
  const overheadTokens = await templateOverhead(baseUrl, bannedTokens, timeoutMs);
  // Untimed: every slot gets the shared prefix that the worldloop run found cached at its first calls.
  if (workload.firstCachedTokens > 0) {
    await Promise.all(Array.from({ length: workload.inFlight }, () => complete(baseUrl, [{ role: 'system', content: sharedPrefix(workload) }], 1, bannedTokens, timeoutMs)));
  }
  return timeConversations(workload, (index) => converse(baseUrl, workload, index, bannedTokens, overheadTokens, timeoutMs));
}

/**
 * One conversation shaped like a worldloop episode: a stable system message, a history that grows by
 * each reply, and a volatile last user message replaced at every call, sized so that the first call
 * brings `firstPromptTokens - firstCachedTokens` new tokens and each later one about
 * `laterPromptTokens - laterCachedTokens` (the previous reply, a short user turn and the tail), given
 * the chat template's `overheadTokens` per pair of messages.
 */
async function converse(
  baseUrl: string,
  workload: CeilingWorkload,
  index: number,
  bannedTokens: readonly number[],
  overheadTokens: number,
  timeoutMs: number,
): Promise<ConversationTokens> {
  const laterNew = workload.laterPromptTokens - workload.laterCachedTokens;
  const firstNew = workload.firstPromptTokens - workload.firstCachedTokens;
  const tailTokens = Math.max(1, laterNew - workload.completionTokens - 2 * overheadTokens);
  const firstTailTokens = Math.max(1, Math.min(tailTokens, firstNew - overheadTokens - 1));
  const own = filler(Math.max(1, firstNew - overheadTokens - firstTailTokens), index + 1);
  const history: ChatTurn[] = [{ role: 'system', content: `${sharedPrefix(workload)}${own}` }];
  let completionTokens = 0;
  let promptTokens = 0;
  for (let call = 0; call < workload.callsPerSequence; call++) {
    const messages: ChatTurn[] = [...history, { role: 'user', content: filler(call === 0 ? firstTailTokens : tailTokens, index * 31 + call) }];
    const reply = await complete(baseUrl, messages, workload.completionTokens, bannedTokens, timeoutMs);
    completionTokens += reply.completionTokens;
    promptTokens += reply.promptTokens;
    history.push({ role: 'user', content: 'Next.' }, { role: 'assistant', content: reply.content });
  }
  return { completionTokens, promptTokens };
}

/** One plain chat completion of exactly `maxTokens` tokens. */
async function complete(baseUrl: string, messages: readonly ChatTurn[], maxTokens: number, bannedTokens: readonly number[], timeoutMs: number): Promise<{ content: string; completionTokens: number; promptTokens: number }> {
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      messages,
      max_tokens: maxTokens,
      temperature: 0,
      ignore_eos: true,
      cache_prompt: true,
      ...(bannedTokens.length > 0 ? { logit_bias: bannedTokens.map((token) => [token, false]) } : {}),
    }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as { choices?: { message?: { content?: string } }[]; usage?: { prompt_tokens?: number; completion_tokens?: number } };
  if (!response.ok) throw new Error(`POST ${baseUrl}/chat/completions answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return { content: body.choices?.[0]?.message?.content ?? '', completionTokens: body.usage?.completion_tokens ?? 0, promptTokens: body.usage?.prompt_tokens ?? 0 };
}

/** Prompt tokens the chat template adds to a system and a user message (markers, the opened reply). */
async function templateOverhead(baseUrl: string, bannedTokens: readonly number[], timeoutMs: number): Promise<number> {
  const probe = filler(100, 3);
  const reply = await complete(baseUrl, [{ role: 'system', content: probe }, { role: 'user', content: probe }], 1, bannedTokens, timeoutMs);
  return Math.max(0, reply.promptTokens - 2 * probe.length);
}

/** The start of every conversation's system message: what a slot's previous episode left cached. */
function sharedPrefix(workload: CeilingWorkload): string {
  return workload.firstCachedTokens > 0 ? filler(workload.firstCachedTokens, 0) : '';
}

/** `length` characters of filler starting at a position that depends on `seed`, so prompts differ. */
function filler(length: number, seed: number): string {
  const start = (seed * 17) % FILLER.length;
  let text = '';
  while (text.length < length + start) text += FILLER;
  return text.slice(start, start + Math.max(1, length));
}

/**
 * Token ids whose text is not printable ASCII (or a newline), for vocabularies of at most 4,096
 * tokens (read from llama-server's `GET /models` `meta.n_vocab` and `POST /detokenize`); empty for
 * larger ones or when the server does not say.
 */
async function nonTextTokens(baseUrl: string): Promise<number[]> {
  const models = (await (await fetch(`${baseUrl}/models`)).json()) as { data?: { meta?: { n_vocab?: number } }[] };
  const vocabularySize = models.data?.[0]?.meta?.n_vocab;
  if (vocabularySize === undefined || vocabularySize > 4096) return [];
  const root = baseUrl.replace(/\/v1$/, '');
  const banned: number[] = [];
  for (let token = 0; token < vocabularySize; token++) {
    const response = await fetch(`${root}/detokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tokens: [token] }) });
    const { content } = (await response.json()) as { content?: string };
    if (content === undefined || content === '' || !/^[\x20-\x7e\n]+$/.test(content)) banned.push(token);
  }
  return banned;
}
