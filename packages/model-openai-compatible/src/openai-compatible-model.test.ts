// OpenAICompatibleModel against a loopback server replaying each server's recorded wire format
// (fixtures and their sources: src/fixtures/README.md). Retries use an injected sleep: no real waiting.
import { getEventListeners } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AbortedError, ConfigError, ModelBackendError, type GenerateRequest, type ToolDefinition } from '@worldloop/spec';
import { loadFixture, loadStreamFixture, replayServerPerTest } from './fixtures/replay-server.js';
import { OpenAICompatibleModel, type OpenAICompatibleModelOptions } from './openai-compatible-model.js';

const CHAT = 'POST /v1/chat/completions';
const MODELS = 'GET /v1/models';

const tools: ToolDefinition[] = [
  {
    name: 'move',
    description: 'Moves one cell.',
    parameters: { type: 'object', properties: { direction: { type: 'string', enum: ['north', 'south', 'east', 'west'] } }, required: ['direction'] },
  },
  { name: 'pickup', description: 'Picks up an object.', parameters: { type: 'object', properties: { object: { type: 'string' } }, required: ['object'] } },
];
const ask: GenerateRequest = {
  messages: [
    { role: 'system', content: 'You are in a grid world.' },
    { role: 'user', content: 'Where is the key?' },
  ],
};
const askWithTools: GenerateRequest = { ...ask, tools };

const replay = replayServerPerTest();

function model(options: Partial<OpenAICompatibleModelOptions> = {}): OpenAICompatibleModel {
  return new OpenAICompatibleModel({ ...replay.connection(), model: 'test-model', ...options });
}

describe('OpenAICompatibleModel: completions', () => {
  it('returns a plain text completion with usage, timings and the raw body (vLLM)', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-text'));
    const result = await model({ server: 'vllm' }).generate({ ...ask, sampling: { temperature: 0.2, topP: 0.9, topK: 20, maxTokens: 64, stop: ['\n\n'], seed: 7 } });
    expect(result).toMatchObject({
      text: 'The red key is two cells north of you.',
      toolCalls: [],
      finishReason: 'stop',
      usage: { promptTokens: 57, completionTokens: 11 },
      warnings: [],
    });
    expect(result.usage).not.toHaveProperty('cachedPromptTokens');
    expect(result.timings!.totalMs).toBeGreaterThanOrEqual(0);
    expect(result.raw).toEqual(loadFixture('vllm-chat-text').body);
    const [sent] = replay.server.requestsTo(CHAT);
    expect(sent!.body).toEqual({
      model: 'test-model',
      stream: false,
      messages: [
        { role: 'system', content: 'You are in a grid world.' },
        { role: 'user', content: 'Where is the key?' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 20,
      max_tokens: 64,
      stop: ['\n\n'],
      seed: 7,
    });
  });

  it('asks for logprobs and returns them per token with the alternatives (vLLM); warns where the server has none (Ollama)', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-logprobs'), loadFixture('ollama-chat-tool-call'));
    const result = await model({ server: 'vllm' }).generate({ ...ask, logprobs: 2 });
    expect(replay.server.requestsTo(CHAT)[0]!.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(result.logprobs).toHaveLength(3);
    expect(result.logprobs![0]).toEqual({
      token: 'Go',
      logprob: -0.0312,
      bytes: [71, 111],
      topLogprobs: [
        { token: 'Go', logprob: -0.0312, bytes: [71, 111] },
        { token: 'Move', logprob: -3.4821, bytes: [77, 111, 118, 101] },
      ],
    });
    expect(result.logprobs!.map((token) => token.token).join('')).toBe(result.text);
    const ollama = await model({ server: 'ollama' }).generate({ ...ask, logprobs: 0 });
    expect(replay.server.requestsTo(CHAT)[1]!.body).not.toHaveProperty('logprobs');
    expect(ollama.warnings).toContainEqual(expect.stringMatching(/does not return logprobs/));
    expect(ollama).not.toHaveProperty('logprobs');
    await expect(model({ server: 'vllm' }).generate({ ...ask, logprobs: 21 })).rejects.toBeInstanceOf(ConfigError);
  });

  it('reports cached prompt tokens from usage.prompt_tokens_details (vLLM)', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-cached-usage'));
    const result = await model({ server: 'vllm' }).generate(ask);
    expect(result.usage).toEqual({ promptTokens: 1312, completionTokens: 4, cachedPromptTokens: 1280 });
  });

  it('returns json_schema structured output and sends response_format (llama.cpp)', async () => {
    replay.server.on(CHAT, loadFixture('llama-cpp-chat-json-schema'));
    const schema = { type: 'object', properties: { room: { type: 'string' }, objects: { type: 'array', items: { type: 'string' } } }, required: ['room', 'objects'] };
    const result = await model({ server: 'llama-cpp' }).generate({ ...ask, responseSchema: schema });
    expect(JSON.parse(result.text)).toEqual({ room: 'kitchen', objects: ['red key', 'blue box'] });
    expect(result.usage).toEqual({ promptTokens: 96, completionTokens: 19, cachedPromptTokens: 64 });
    expect(replay.server.requestsTo(CHAT)[0]!.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema, strict: true } });
  });

  it('maps images to image_url data URLs, past calls to string arguments, tool results to tool messages', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-text'));
    await model({ server: 'vllm' }).generate({
      tools,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' }] },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'move', arguments: { direction: 'north' } }] },
        { role: 'tool', toolCallId: 'call_1', name: 'move', content: 'You moved north.' },
      ],
    });
    const body = replay.server.requestsTo(CHAT)[0]!.body;
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'move', arguments: '{"direction":"north"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'You moved north.' },
    ]);
    expect(body.tools[0]).toEqual({ type: 'function', function: { name: 'move', description: 'Moves one cell.', parameters: tools[0]!.parameters } });
  });

  it('does not send what Ollama ignores (top_k, tool_choice, remote image URLs) and says so', async () => {
    replay.server.on(CHAT, loadFixture('ollama-chat-tool-call'));
    const result = await model({ server: 'ollama' }).generate({
      tools,
      toolChoice: { name: 'move' },
      sampling: { topK: 40 },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', mediaType: 'image/png', url: 'http://example.com/a.png' }] }],
    });
    const body = replay.server.requestsTo(CHAT)[0]!.body;
    expect(body).not.toHaveProperty('top_k');
    expect(body).not.toHaveProperty('tool_choice');
    expect(body.messages[0].content).toEqual([{ type: 'text', text: 'Look' }]);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^Ollama accepts only base64 images/),
      expect.stringMatching(/^Ollama ignores tool_choice/),
      "Ollama's OpenAI-compatible API ignores top_k; topK 40 was not sent.",
    ]);
  });

  it('sends tool_choice in the OpenAI forms to servers that read it', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-tool-call'));
    const vllm = model({ server: 'vllm' });
    await vllm.generate({ ...askWithTools, toolChoice: 'required' });
    await vllm.generate({ ...askWithTools, toolChoice: { name: 'pickup' } });
    expect(replay.server.requestsTo(CHAT).map((request) => request.body.tool_choice)).toEqual(['required', { type: 'function', function: { name: 'pickup' } }]);
  });
});

describe('OpenAICompatibleModel: tool calls', () => {
  it('reads a native tool call (vLLM shape)', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-tool-call'));
    const result = await model({ server: 'vllm' }).generate(askWithTools);
    expect(result.toolCalls).toEqual([{ id: 'chatcmpl-tool-4c1f0e9b7a2d4e8f9a3b6c5d2e1f0a9b', name: 'move', arguments: { direction: 'north' } }]);
    expect(result).toMatchObject({ text: '', finishReason: 'tool-calls', warnings: [] });
  });

  it('reads a native tool call and timings.cache_n (llama.cpp shape)', async () => {
    replay.server.on(CHAT, loadFixture('llama-cpp-chat-tool-call'));
    const result = await model({ server: 'llama-cpp' }).generate(askWithTools);
    expect(result.toolCalls).toEqual([{ id: 'Xb3kQ9mZp2LrT7vN1cWd8sYf4hJg6aEu', name: 'move', arguments: { direction: 'north' } }]);
    expect(result.usage).toEqual({ promptTokens: 212, completionTokens: 21, cachedPromptTokens: 198 });
    expect(result.finishReason).toBe('tool-calls');
  });

  it('reads a native tool call (Ollama shape)', async () => {
    replay.server.on(CHAT, loadFixture('ollama-chat-tool-call'));
    const result = await model({ server: 'ollama' }).generate(askWithTools);
    expect(result.toolCalls).toEqual([{ id: 'call_k3v9x2qa', name: 'move', arguments: { direction: 'north' } }]);
    expect(result.warnings).toEqual([]);
  });

  it('recovers a Hermes <tool_call> left in content by a server without a tool parser', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-hermes-in-content'));
    const result = await model({ server: 'vllm' }).generate(askWithTools);
    expect(result.toolCalls).toEqual([{ id: 'call00000', name: 'move', arguments: { direction: 'north' } }]);
    expect(result.text).toBe('I should go north first.');
    expect(result.finishReason).toBe('tool-calls');
    expect(result.warnings[0]).toMatch(/returned 1 tool call\(s\) as text in content; recovered them/);
  });

  it('recovers a fenced JSON call in content (Ollama)', async () => {
    replay.server.on(CHAT, loadFixture('ollama-chat-fenced-json'));
    const result = await model({ server: 'ollama' }).generate(askWithTools);
    expect(result.toolCalls).toEqual([{ id: 'call00000', name: 'pickup', arguments: { object: 'red key' } }]);
    expect(result.text).toBe("I'll pick up the key.");
  });

  it('does not look for calls in text when no tools were offered', async () => {
    replay.server.on(CHAT, loadFixture('ollama-chat-fenced-json'));
    const result = await model({ server: 'ollama' }).generate(ask);
    expect(result.toolCalls).toEqual([]);
    expect(result.text).toContain('```json');
  });

  it('decodes arguments encoded twice as JSON strings, with a warning', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-double-encoded-arguments'));
    const result = await model({ server: 'vllm' }).generate(askWithTools);
    expect(result.toolCalls[0]!.arguments).toEqual({ direction: 'north' });
    expect(result.warnings).toEqual(['Arguments of "move" were a JSON string encoded twice; decoded.']);
  });

  it('repairs truncated arguments (missing closing brace) and says so', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-truncated-arguments'));
    const result = await model({ server: 'vllm' }).generate(askWithTools);
    expect(result.toolCalls[0]).toMatchObject({ name: 'pickup', arguments: { object: 'red key' } });
    expect(result.warnings.join('\n')).toMatch(/truncated; repaired by closing with "}"/);
    expect(replay.server.requestsTo(CHAT)).toHaveLength(1);
  });

  it('repairs a call truncated by max_tokens inside content, keeping finish reason length', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-truncated-content'));
    const result = await model({ server: 'vllm' }).generate(askWithTools);
    expect(result.toolCalls).toEqual([{ id: 'call00000', name: 'pickup', arguments: { object: 'red key' } }]);
    expect(result.finishReason).toBe('length');
    expect(result.warnings.join('\n')).toMatch(/truncated/);
  });

  it('keeps a call to an unknown tool, with a warning', async () => {
    replay.server.on(CHAT, loadFixture('ollama-chat-unknown-tool'));
    const result = await model({ server: 'ollama' }).generate(askWithTools);
    expect(result.toolCalls).toEqual([{ id: 'call_p0w1z8rt', name: 'teleport', arguments: { to: 'exit' } }]);
    expect(result.warnings).toEqual(['Tool "teleport" is not one of the offered tools (move, pickup); kept as called.']);
  });

  it('in json-schema mode, sends no tools, describes them in the system prompt, constrains the reply, parses it', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-json-schema-tool'));
    const result = await model({ server: 'vllm', toolCallMode: 'json-schema' }).generate({
      ...askWithTools,
      messages: [
        ...ask.messages,
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_a', name: 'pickup', arguments: { object: 'key' } }] },
        { role: 'tool', toolCallId: 'call_a', name: 'pickup', content: 'There is no key here.' },
      ],
    });
    expect(result.toolCalls).toEqual([{ id: 'call00000', name: 'move', arguments: { direction: 'north' } }]);
    expect(result.finishReason).toBe('tool-calls');
    const body = replay.server.requestsTo(CHAT)[0]!.body;
    expect(body).not.toHaveProperty('tools');
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.name).toBe('tool_call_or_text');
    expect(body.response_format.json_schema.schema.anyOf).toHaveLength(3);
    expect(body.messages[0].content).toMatch(/^You are in a grid world\.\n\n# Tools\n/);
    expect(body.messages.slice(2)).toEqual([
      { role: 'assistant', content: '{"tool":"pickup","arguments":{"object":"key"}}' },
      { role: 'user', content: 'Result of tool pickup (call call_a):\nThere is no key here.' },
    ]);
  });

  it("in auto mode, switches to json-schema mode for good when the server rejects tools (vLLM without a tool parser)", async () => {
    replay.server.on(CHAT, loadFixture('vllm-error-tool-choice'), loadFixture('vllm-chat-json-schema-tool'));
    const vllm = model({ server: 'vllm' });
    const result = await vllm.generate(askWithTools);
    expect(result.toolCalls).toEqual([{ id: 'call00000', name: 'move', arguments: { direction: 'north' } }]);
    expect(result.warnings[0]).toMatch(/^vLLM rejected native tool calls \("auto" tool choice requires --enable-auto-tool-choice/);
    expect(vllm.effectiveToolCallMode).toBe('json-schema');
    await vllm.generate(askWithTools);
    const bodies = replay.server.requestsTo(CHAT).map((request) => request.body);
    expect(bodies.map((body) => ('tools' in body ? 'native' : 'json-schema'))).toEqual(['native', 'json-schema', 'json-schema']);
  });

  it('in auto mode, asks again in json-schema mode when native arguments are broken', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-broken-arguments'), loadFixture('vllm-chat-json-schema-tool'));
    const vllm = model({ server: 'vllm' });
    const result = await vllm.generate(askWithTools);
    expect(result.toolCalls).toEqual([{ id: 'call00000', name: 'move', arguments: { direction: 'north' } }]);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^Arguments of "move" are not valid JSON; kept as the raw string/),
      'Native tool-call arguments were not valid JSON; asked again in json-schema mode.',
    ]);
    expect(vllm.effectiveToolCallMode).toBe('native');
  });

  it('in native mode, keeps broken arguments as the raw string with a warning (no second request)', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-broken-arguments'));
    const result = await model({ server: 'vllm', toolCallMode: 'native' }).generate(askWithTools);
    expect(result.toolCalls[0]!.arguments).toBe('{direction: north}');
    expect(replay.server.requestsTo(CHAT)).toHaveLength(1);
  });
});

describe('OpenAICompatibleModel: streaming', () => {
  it('folds a streamed tool call back into the same result, with the time to the first token (vLLM)', async () => {
    replay.server.on(CHAT, loadStreamFixture('vllm-chat-stream-tool-call'));
    const result = await model({ server: 'vllm', stream: true }).generate(askWithTools);
    expect(result).toMatchObject({
      text: '',
      toolCalls: [{ id: 'chatcmpl-tool-4f2a9c7e1b3d4a6e8c0f2b4d6a8c0e2f', name: 'move', arguments: { direction: 'north' } }],
      finishReason: 'tool-calls',
      usage: { promptTokens: 212, completionTokens: 21, cachedPromptTokens: 192 },
      warnings: [],
    });
    expect(result.timings!.firstTokenMs).toBeGreaterThanOrEqual(0);
    const [sent] = replay.server.requestsTo(CHAT);
    expect(sent!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(sent!.headers.accept).toBe('text/event-stream');
  });

  it('hands text deltas to onTextDelta as they arrive and reads usage and timings from the last chunk (llama.cpp)', async () => {
    replay.server.on(CHAT, loadStreamFixture('llama-cpp-chat-stream-text'));
    const deltas: string[] = [];
    const result = await model({ server: 'llama-cpp' }).generate({ ...ask, onTextDelta: (text) => deltas.push(text) });
    expect(deltas).toEqual(['The red', ' key is', ' north.']);
    expect(result).toMatchObject({ text: 'The red key is north.', finishReason: 'stop', usage: { promptTokens: 48, completionTokens: 6, cachedPromptTokens: 40 } });
    expect(replay.server.requestsTo(CHAT)[0]!.body.stream).toBe(true);
  });

  it('reads a tool call that arrives whole in one delta (Ollama)', async () => {
    replay.server.on(CHAT, loadStreamFixture('ollama-chat-stream-tool-call'));
    const result = await model({ server: 'ollama', stream: true }).generate(askWithTools);
    expect(result).toMatchObject({ toolCalls: [{ id: 'call_7vq2m1xk', name: 'pickup', arguments: { object: 'red key' } }], finishReason: 'tool-calls', usage: { promptTokens: 180 } });
  });

  it('retries a failure before the first event, then streams', async () => {
    replay.server.on(CHAT, loadFixture('llama-cpp-error-loading'), loadStreamFixture('llama-cpp-chat-stream-text'));
    const result = await model({ server: 'llama-cpp', stream: true }).generate(ask);
    expect(result.text).toBe('The red key is north.');
    expect(replay.server.requestsTo(CHAT)).toHaveLength(2);
    expect(replay.sleeps).toHaveLength(1);
  });

  it('does not retry a stream that breaks off after its first events, and says so', async () => {
    replay.server.on(CHAT, { stream: loadStreamFixture('llama-cpp-chat-stream-text'), breakAfter: 2 });
    const deltas: string[] = [];
    const error = await model({ server: 'llama-cpp' })
      .generate({ ...ask, onTextDelta: (text) => deltas.push(text) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect((error as Error).message).toMatch(/streamed response .* broke off .* after 2 events; not retried/);
    expect(deltas).toEqual(['The red']);
    expect(replay.server.requestsTo(CHAT)).toHaveLength(1);
  });

  it('turns an error event in the middle of a stream into ModelBackendError with the server message (vLLM)', async () => {
    const stream = loadStreamFixture('vllm-chat-stream-tool-call');
    replay.server.on(CHAT, {
      ...stream,
      // vLLM's serving_chat.py yields create_streaming_error_response(): an ErrorResponse as one event.
      events: [stream.events[0], { error: { message: 'The decoder prompt is longer than the maximum model length', type: 'BadRequestError', param: null, code: 400 } }, '[DONE]'],
    });
    const error = await model({ server: 'vllm', stream: true }).generate(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect((error as Error).message).toMatch(/in the middle of a streamed completion: The decoder prompt is longer/);
    expect(replay.server.requestsTo(CHAT)).toHaveLength(1);
  });

  it("turns llama-server's `error:` line in a stream into ModelBackendError with its message, not retried", async () => {
    // llama-server's chunked_content_provider writes a failed task as server_sent_event(sink, "error", error_data):
    // an `error:` field, not `data:`, holding format_error_response()'s object, then `data: [DONE]`; the status stays 200.
    const overflow = '{"code":400,"message":"request (5120 tokens) exceeds the available context size (4096 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5120,"n_ctx":4096}';
    const streamHeaders = { 'content-type': 'text/event-stream', server: 'llama.cpp' };
    replay.server.on(
      CHAT,
      { status: 200, headers: streamHeaders, text: `error: ${overflow}\n\ndata: [DONE]\n\n` },
      { status: 200, headers: streamHeaders, text: `data: ${JSON.stringify(loadStreamFixture('llama-cpp-chat-stream-text').events[0])}\n\nerror: ${overflow}\n\ndata: [DONE]\n\n` },
    );
    const llama = model({ server: 'llama-cpp', stream: true });
    for (let call = 0; call < 2; call += 1) {
      const error = await llama.generate(ask).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ModelBackendError);
      expect((error as Error).message).toMatch(/^llama-server at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions reported an error in its streamed response: request \(5120 tokens\) exceeds the available context size/);
      expect(error).toMatchObject({ retryable: false, details: { serverMessage: expect.stringMatching(/^request \(5120 tokens\)/) } });
    }
    expect(replay.server.requestsTo(CHAT)).toHaveLength(2);
    expect(replay.sleeps).toEqual([]);
  });

  it('reads a server that ignores stream and answers with one JSON body', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-text'));
    const deltas: string[] = [];
    const result = await model({ server: 'vllm' }).generate({ ...ask, onTextDelta: (text) => deltas.push(text) });
    expect(result.text).toBe('The red key is two cells north of you.');
    expect(deltas).toEqual([]);
  });

  it('lets an error thrown by onTextDelta end the call as it is', async () => {
    replay.server.on(CHAT, loadStreamFixture('llama-cpp-chat-stream-text'));
    const failure = new RangeError('display closed');
    const error = await model({ server: 'llama-cpp' })
      .generate({ ...ask, onTextDelta: () => { throw failure; } })
      .catch((caught: unknown) => caught);
    expect(error).toBe(failure);
  });
});

describe('OpenAICompatibleModel: failures', () => {
  it('retries a 503 after the Retry-After delay, then succeeds', async () => {
    replay.server.on(CHAT, { extraHeaders: { 'retry-after': '2' }, reply: loadFixture('llama-cpp-error-loading') }, loadFixture('vllm-chat-text'));
    const result = await model({ server: 'llama-cpp' }).generate(ask);
    expect(result.text).toBe('The red key is two cells north of you.');
    expect(replay.sleeps).toEqual([2000]);
    expect(replay.server.requestsTo(CHAT)).toHaveLength(2);
    expect(result.warnings).toEqual(['Succeeded after 2 attempts.']);
  });

  it('backs off exponentially with jitter when no Retry-After is given, and gives up after maxRetries', async () => {
    replay.server.on(CHAT, loadFixture('llama-cpp-error-loading'));
    const error = await model({ server: 'llama-cpp', maxRetries: 3, retryBaseDelayMs: 100 })
      .generate(ask)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect(error).toMatchObject({ retryable: true, details: { status: 503, serverMessage: 'Loading model', attempts: 4 } });
    expect((error as Error).message).toMatch(/llama-server at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions answered 503 Service Unavailable: Loading model/);
    expect(replay.sleeps).toEqual([75, 150, 300]);
  });

  it('does not retry a 400 and surfaces the server message (legacy vLLM / SGLang error body)', async () => {
    replay.server.on(CHAT, loadFixture('vllm-error-context-length'));
    const error = await model({ server: 'vllm' }).generate(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect((error as ModelBackendError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/answered 400 Bad Request: This model's maximum context length is 32768 tokens/);
    expect(replay.server.requestsTo(CHAT)).toHaveLength(1);
  });

  it('surfaces Ollama\'s {"error": {...}} body on a 404', async () => {
    replay.server.on(CHAT, loadFixture('ollama-error-not-found'));
    const error = await model({ server: 'ollama', model: 'llama9' }).generate(ask).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/Ollama at .* answered 404 Not Found: model "llama9" not found, try pulling it first/);
    expect(replay.server.requestsTo(CHAT)).toHaveLength(1);
  });

  it('times out a hung connection with a retryable error, without retrying it', async () => {
    replay.server.on(CHAT, { hang: true });
    const error = await model({ server: 'vllm', timeoutMs: 150 }).generate(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect(error).toMatchObject({ retryable: true });
    expect((error as Error).message).toMatch(/vLLM at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions gave no complete response within 150 ms/);
    expect(replay.server.requestsTo(CHAT)).toHaveLength(1);
  });

  it('names the URL and how to start the server when the connection is refused', async () => {
    const port = await closedPort();
    const error = await new OpenAICompatibleModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', server: 'llama-cpp' })
      .generate(ask)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect((error as Error).message).toBe(
      `Cannot reach llama-server at http://127.0.0.1:${port}/v1/chat/completions (ECONNREFUSED). Is it running there? Start it with: llama-server -m <model.gguf> --port 8080 --jinja`,
    );
  });

  it('rejects a 200 whose body is not JSON', async () => {
    replay.server.on(CHAT, { status: 200, text: '<html>Welcome to nginx</html>' });
    const error = await model().generate(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelBackendError);
    expect((error as Error).message).toMatch(/answered 200 with a body that is not JSON: "<html>Welcome to nginx<\/html>"\. Is baseUrl the OpenAI-compatible root/);
  });

  it('rejects a JSON reply that is not a chat completion', async () => {
    replay.server.on(CHAT, { _source: 'test', status: 200, body: { hello: 'world' } });
    await expect(model().generate(ask)).rejects.toThrow(/not a chat completion \(no choices\[0\]\.message\)/);
  });

  it('honours the abort signal at once while a request is in flight', async () => {
    replay.server.on(CHAT, { hang: true });
    const controller = new AbortController();
    const pending = model({ server: 'vllm' }).generate({ ...ask, signal: controller.signal });
    await waitFor(() => replay.server.requestsTo(CHAT).length === 1);
    controller.abort(new Error('user stop'));
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toEqual(new Error('user stop'));
    expect(replay.sleeps).toEqual([]);
  });

  it('honours an abort while waiting between retries, and never sends an already-aborted request', async () => {
    replay.server.on(CHAT, loadFixture('llama-cpp-error-loading'));
    const controller = new AbortController();
    const waiting = model({ sleep: (_durationMs, signal) => new Promise((_resolve, reject) => signal!.addEventListener('abort', () => reject(signal!.reason))) }).generate({
      ...ask,
      signal: controller.signal,
    });
    await waitFor(() => replay.server.requestsTo(CHAT).length === 1);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    await expect(model().generate({ ...ask, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(replay.server.requestsTo(CHAT)).toHaveLength(1);
  });

  it('leaves nothing attached to a long-lived caller signal once its requests have ended (streamed or not)', async () => {
    replay.server.on(CHAT, loadFixture('vllm-chat-text'), loadFixture('vllm-chat-text'), loadStreamFixture('llama-cpp-chat-stream-text'));
    const runSignal = new AbortController().signal;
    const client = model({ server: 'vllm' });
    for (let call = 0; call < 4; call += 1) await client.generate({ ...ask, signal: runSignal, ...(call >= 2 ? { onTextDelta: () => undefined } : {}) });
    expect(getEventListeners(runSignal, 'abort')).toEqual([]);
    // Node 20's AbortSignal.any() records each combined signal on its sources and never prunes the record:
    // an agent passing one signal to thousands of calls would grow it by one entry per attempt.
    expect(dependantSignalCount(runSignal)).toBe(0);
  });

  it('keeps one abort listener on a signal shared by many concurrent and queued requests (no MaxListenersExceededWarning)', async () => {
    replay.server.on(CHAT, { delayMs: 40, reply: loadFixture('vllm-chat-text') });
    const shared = model({ server: 'vllm', maxConcurrency: 6 });
    const runSignal = new AbortController().signal;
    const results = Array.from({ length: 20 }, () => shared.generate({ ...ask, signal: runSignal }));
    await waitFor(() => replay.server.inFlight === 6);
    expect(getEventListeners(runSignal, 'abort')).toHaveLength(1);
    expect((await Promise.all(results)).every((result) => result.text !== '')).toBe(true);
    expect(getEventListeners(runSignal, 'abort')).toEqual([]);
  });

  it('treats a timeoutMs beyond what a timer can hold (2^31 - 1 ms) as that long, not as 1 ms', async () => {
    replay.server.on(CHAT, { delayMs: 50, reply: loadFixture('vllm-chat-text') });
    const result = await model({ server: 'vllm', timeoutMs: 2 ** 32 }).generate(ask);
    expect(result.text).toBe('The red key is two cells north of you.');
  });

  it('waits out a Retry-After longer than a timer can hold instead of retrying at once', async () => {
    replay.server.on(CHAT, { extraHeaders: { 'retry-after': '3000000' }, reply: loadFixture('llama-cpp-error-loading') }, loadFixture('vllm-chat-text'));
    const { sleep: _recordingSleep, ...connection } = replay.connection();
    const controller = new AbortController();
    const waiting = new OpenAICompatibleModel({ ...connection, model: 'test-model', retryMaxDelayMs: 2 ** 32 }).generate({ ...ask, signal: controller.signal });
    await waitFor(() => replay.server.requestsTo(CHAT).length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(replay.server.requestsTo(CHAT)).toHaveLength(1);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
  });

  it('keeps at most maxConcurrency requests in flight; queued callers can abort', async () => {
    replay.server.on(CHAT, { delayMs: 40, reply: loadFixture('vllm-chat-text') });
    const limited = model({ maxConcurrency: 3 });
    const controller = new AbortController();
    const results = Array.from({ length: 10 }, () => limited.generate(ask));
    let settled = 0;
    for (const result of results) void result.then(() => (settled += 1));
    const queued = limited.generate({ ...ask, signal: controller.signal });
    await waitFor(() => replay.server.inFlight === 3);
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(AbortedError);
    expect(settled).toBe(0);
    expect((await Promise.all(results)).every((result) => result.text !== '')).toBe(true);
    expect(replay.server.maxInFlight).toBe(3);
    expect(replay.server.requestsTo(CHAT)).toHaveLength(10);
    expect(limited.inFlight).toBe(0);
  });
});

describe('OpenAICompatibleModel: probe and discovery', () => {
  it('detects vLLM, its context window, and picks the served model when none is configured', async () => {
    replay.server.on(MODELS, loadFixture('vllm-models'));
    const vllm = model({ model: undefined });
    expect(vllm.modelId).toBe('');
    const probe = await vllm.probe();
    expect(probe).toMatchObject({ server: 'vllm', contextTokens: 32768, models: [{ id: 'Qwen/Qwen2.5-7B-Instruct', ownedBy: 'vllm', contextTokens: 32768 }], warnings: [] });
    expect(vllm.modelId).toBe('Qwen/Qwen2.5-7B-Instruct');
    expect(vllm.provider).toBe('vllm');
    expect(vllm.capabilities).toEqual({ toolCalls: true, jsonSchema: true, logprobs: true, images: false, contextTokens: 32768 });
  });

  it('detects llama-server from owned_by and reads meta.n_ctx_train and input modalities', async () => {
    replay.server.on(MODELS, loadFixture('llama-cpp-models'));
    const probe = await model({ model: undefined }).probe();
    expect(probe).toMatchObject({ server: 'llama-cpp', contextTokens: 32768, capabilities: { images: false } });
  });

  it('detects SGLang and LM Studio; skips LM Studio embedding models when choosing the model', async () => {
    replay.server.on(MODELS, loadFixture('sglang-models'), loadFixture('lmstudio-models'));
    const sglang = await model({ model: undefined }).probe();
    expect(sglang).toMatchObject({ server: 'sglang', contextTokens: 131072 });
    const lmstudio = model({ model: undefined });
    const probe = await lmstudio.probe();
    expect(probe.server).toBe('lmstudio');
    expect(lmstudio.modelId).toBe('qwen2.5-7b-instruct');
    expect(probe).not.toHaveProperty('contextTokens');
  });

  it("detects Ollama, asks /api/show, and warns about Ollama's default context window", async () => {
    replay.server.on(MODELS, loadFixture('ollama-models')).on('POST /api/show', loadFixture('ollama-show'));
    const ollama = model({ model: undefined });
    const probe = await ollama.probe();
    expect(probe.server).toBe('ollama');
    expect(ollama.modelId).toBe('qwen2.5:7b');
    expect(replay.server.requestsTo('POST /api/show')[0]!.body).toEqual({ model: 'qwen2.5:7b' });
    expect(probe.capabilities).toMatchObject({ toolCalls: true, images: false, contextTokens: 4096 });
    expect(probe.warnings[0]).toMatch(/default context \(OLLAMA_CONTEXT_LENGTH.*not its trained 32768/);
  });

  it('warns when the configured model is not served, and lets capability overrides win', async () => {
    replay.server.on(MODELS, loadFixture('vllm-models'));
    const vllm = model({ model: 'other', capabilities: { contextTokens: 8192, images: true } });
    const probe = await vllm.probe();
    expect(probe.warnings).toEqual(['Model "other" is not among those served: Qwen/Qwen2.5-7B-Instruct.']);
    expect(vllm.capabilities).toMatchObject({ contextTokens: 8192, images: true });
  });

  it('discovers the model lazily on the first generate, once for concurrent callers', async () => {
    replay.server.on(MODELS, loadFixture('vllm-models')).on(CHAT, loadFixture('vllm-chat-text'));
    const lazy = model({ model: undefined });
    await Promise.all([lazy.generate(ask), lazy.generate(ask)]);
    expect(replay.server.requestsTo(MODELS)).toHaveLength(1);
    expect(replay.server.requestsTo(CHAT).map((request) => request.body.model)).toEqual(['Qwen/Qwen2.5-7B-Instruct', 'Qwen/Qwen2.5-7B-Instruct']);
    expect(lazy.server).toBe('vllm');
  });

  it("does not fail the other callers waiting on the model lookup when the caller that started it aborts", async () => {
    replay.server.on(MODELS, { delayMs: 80, reply: loadFixture('vllm-models') }).on(CHAT, loadFixture('vllm-chat-text'));
    const lazy = model({ model: undefined });
    const controller = new AbortController();
    const abandoned = lazy.generate({ ...ask, signal: controller.signal });
    const patient = lazy.generate(ask);
    await waitFor(() => replay.server.requestsTo(MODELS).length === 1);
    controller.abort();
    await expect(abandoned).rejects.toBeInstanceOf(AbortedError);
    expect((await patient).text).toBe('The red key is two cells north of you.');
    expect(replay.server.requestsTo(MODELS)).toHaveLength(1);
    expect(lazy.modelId).toBe('Qwen/Qwen2.5-7B-Instruct');
    await expect(model({ model: undefined }).generate({ ...ask, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(replay.server.requestsTo(MODELS)).toHaveLength(1);
  });

  it('connect() probes before returning, and sends the API key', async () => {
    replay.server.on(MODELS, loadFixture('vllm-models'));
    const connected = await OpenAICompatibleModel.connect({ baseUrl: `${replay.server.baseUrl}/`, apiKey: 'secret' });
    expect(connected.modelId).toBe('Qwen/Qwen2.5-7B-Instruct');
    expect(replay.server.requestsTo(MODELS)[0]!.headers.authorization).toBe('Bearer secret');
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => new OpenAICompatibleModel({ baseUrl: 'localhost:8000' })).toThrow(ConfigError);
    expect(() => new OpenAICompatibleModel({ baseUrl: 'http://x/v1', maxConcurrency: 0 })).toThrow(/maxConcurrency must be a number >= 1/);
    expect(() => new OpenAICompatibleModel({ baseUrl: 'http://x/v1', server: 'tgi' as never })).toThrow(/Unknown server "tgi"/);
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Entries Node's AbortSignal.any() keeps on a source signal (an internal set; 0 where this Node has none). */
function dependantSignalCount(signal: AbortSignal): number {
  const key = Object.getOwnPropertySymbols(signal).find((symbol) => symbol.description === 'kDependantSignals');
  const dependants = key === undefined ? undefined : (signal as unknown as Record<symbol, { size?: unknown } | undefined>)[key];
  return typeof dependants?.size === 'number' ? dependants.size : 0;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 500 && !condition(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met in time');
}
