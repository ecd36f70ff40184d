// OpenAICompatibleEmbedder against a loopback server replaying each server's /v1/embeddings wire format.
// Shapes (see src/fixtures/README.md): vLLM EmbeddingResponse (vllm/entrypoints/pooling/embed/protocol.py),
// llama-server format_embeddings_response_oaicompat (tools/server/server-common.cpp), Ollama ToEmbeddingList
// (openai/openai.go); errors from llama-server's format_error_response, vLLM's docs, Ollama's EmbedWriter.
import { describe, expect, it } from 'vitest';
import { ConfigError, ModelBackendError } from '@worldloop/spec';
import { loadFixture, replayServerPerTest, ReplayServer, type Fixture } from './fixtures/replay-server.js';
import { OpenAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from './openai-compatible-embedder.js';

const EMBEDDINGS = 'POST /v1/embeddings';

const replay = replayServerPerTest();

function embedder(options: Partial<OpenAICompatibleEmbedderOptions> = {}): OpenAICompatibleEmbedder {
  return new OpenAICompatibleEmbedder({ ...replay.connection(), model: 'test-embedder', ...options });
}

/** The fixture's vectors, as the embedder should return them. */
function vectorsOf(fixture: Fixture): Float32Array[] {
  return (fixture.body as { data: { embedding: number[] }[] }).data.map((item) => Float32Array.from(item.embedding));
}

/** The fixture with its `data` list replaced. */
function withData(fixture: Fixture, change: (data: Record<string, unknown>[]) => unknown[]): Fixture {
  const body = fixture.body as { data: Record<string, unknown>[] };
  return { ...fixture, body: { ...body, data: change(body.data) } };
}

async function failure(promise: Promise<unknown>): Promise<ModelBackendError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelBackendError);
  return error as ModelBackendError;
}

describe('OpenAICompatibleEmbedder: each server’s response shape', () => {
  it.each([
    ['vLLM', 'vllm-embeddings', 'vllm'],
    ['llama-server', 'llama-cpp-embeddings', 'llama-cpp'],
    ['Ollama', 'ollama-embeddings', 'ollama'],
  ] as const)('reads %s’s /v1/embeddings body into vectors in input order', async (_name, fixtureName, kind) => {
    const fixture = loadFixture(fixtureName);
    replay.server.on(EMBEDDINGS, fixture);
    const model = embedder({ server: kind });
    const vectors = await model.embed(['the red key', 'a locked door']);
    expect(vectors).toEqual(vectorsOf(fixture));
    expect(model.dimension).toBe(8);
    const [sent] = replay.server.requestsTo(EMBEDDINGS);
    expect(sent!.body).toEqual({ model: 'test-embedder', input: ['the red key', 'a locked door'], encoding_format: 'float' });
    expect(sent!.headers['content-type']).toBe('application/json');
  });

  it('matches vectors to inputs by index when the server answers out of order', async () => {
    const fixture = loadFixture('vllm-embeddings');
    replay.server.on(EMBEDDINGS, withData(fixture, (data) => [...data].reverse()));
    expect(await embedder().embed(['first', 'second'])).toEqual(vectorsOf(fixture));
  });

  it('decodes base64 vectors (encoding_format "base64": little-endian float32)', async () => {
    const fixture = loadFixture('llama-cpp-embeddings');
    const expected = vectorsOf(fixture);
    replay.server.on(
      EMBEDDINGS,
      withData(fixture, (data) => data.map((item, index) => ({ ...item, embedding: Buffer.from(expected[index]!.buffer).toString('base64'), encoding_format: 'base64' }))),
    );
    const vectors = await embedder({ encodingFormat: 'base64' }).embed(['one', 'two']);
    expect(vectors).toEqual(expected);
    expect(replay.server.requestsTo(EMBEDDINGS)[0]!.body.encoding_format).toBe('base64');
  });

  it('sends the API key as a bearer token and the id defaults to the model', async () => {
    replay.server.on(EMBEDDINGS, loadFixture('vllm-embeddings'));
    const model = embedder({ apiKey: 'secret-key', model: 'BAAI/bge-m3' });
    await model.embed(['a', 'b']);
    expect(replay.server.requestsTo(EMBEDDINGS)[0]!.headers.authorization).toBe('Bearer secret-key');
    expect(model.id).toBe('BAAI/bge-m3');
    expect(embedder({ model: 'nomic-embed-text', dimension: 4, requestDimension: true }).id).toBe('nomic-embed-text@4');
    expect(embedder({ id: 'custom/v2' }).id).toBe('custom/v2');
  });
});

describe('OpenAICompatibleEmbedder: dimension', () => {
  it('is unknown until probed: reading it throws a ConfigError that says how to learn it', () => {
    expect(() => embedder().dimension).toThrow(ConfigError);
    expect(() => embedder().dimension).toThrow(/OpenAICompatibleEmbedder\.connect\(options\).*or pass the dimension option/);
    expect(embedder({ dimension: 768 }).dimension).toBe(768);
  });

  it('connect() asks the server once, with one short text', async () => {
    replay.server.on(EMBEDDINGS, withData(loadFixture('ollama-embeddings'), (data) => data.slice(0, 1)));
    const model = await OpenAICompatibleEmbedder.connect({ baseUrl: replay.server.baseUrl, model: 'nomic-embed-text', server: 'ollama' });
    expect(model.dimension).toBe(8);
    expect(await model.probe()).toBe(8);
    const requests = replay.server.requestsTo(EMBEDDINGS);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body.input).toHaveLength(1);
  });

  it('refuses vectors of another length than the declared dimension, naming both', async () => {
    replay.server.on(EMBEDDINGS, loadFixture('vllm-embeddings'), withData(loadFixture('vllm-embeddings'), (data) => data.slice(0, 1)));
    const error = await failure(embedder({ dimension: 1024, server: 'vllm' }).embed(['a', 'b']));
    expect(error.details).toMatchObject({ reason: 'dimension', received: 8, expected: 1024 });
    expect(error.message).toMatch(/vLLM at http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings \(model "test-embedder"\) returned an embedding of 8 dimensions for input 0, but this embedder declares 1024/);
    const probed = await failure(embedder({ dimension: 1024 }).probe());
    expect(probed.details.reason).toBe('dimension');
  });

  it('refuses a response whose vectors differ in length', async () => {
    replay.server.on(EMBEDDINGS, withData(loadFixture('vllm-embeddings'), (data) => [data[0], { ...data[1], embedding: [0.5, 0.5] }]));
    const error = await failure(embedder().embed(['a', 'b']));
    expect(error.details).toMatchObject({ reason: 'dimension', index: 1, received: 2, expected: 8 });
  });

  it('sends dimensions when asked to shorten the vectors', async () => {
    replay.server.on(EMBEDDINGS, withData(loadFixture('vllm-embeddings'), (data) => data.map((item) => ({ ...item, embedding: (item.embedding as number[]).slice(0, 4) }))));
    const vectors = await embedder({ dimension: 4, requestDimension: true }).embed(['a', 'b']);
    expect(vectors.map((vector) => vector.length)).toEqual([4, 4]);
    expect(replay.server.requestsTo(EMBEDDINGS)[0]!.body).toMatchObject({ dimensions: 4 });
  });
});

describe('OpenAICompatibleEmbedder: batches', () => {
  it('splits inputs into batches of batchSize, sent concurrently, and keeps input order', async () => {
    const fixture = loadFixture('vllm-embeddings');
    replay.server.on(EMBEDDINGS, { delayMs: 100, reply: fixture });
    const [first, second] = vectorsOf(fixture);
    const vectors = await embedder({ batchSize: 2, dimension: 8 }).embed(['t0', 't1', 't2', 't3', 't4', 't5']);
    expect(vectors).toEqual([first, second, first, second, first, second]);
    const inputs = replay.server.requestsTo(EMBEDDINGS).map((request) => request.body.input as string[]);
    expect(inputs.map((input) => input.join()).sort()).toEqual(['t0,t1', 't2,t3', 't4,t5']);
    expect(replay.server.maxInFlight).toBe(3);
  });

  it('sends a shorter last batch, and no more requests at once than maxConcurrency', async () => {
    const two = loadFixture('llama-cpp-embeddings');
    const one = withData(two, (data) => data.slice(1).map((item) => ({ ...item, index: 0 })));
    replay.server.on(EMBEDDINGS, two, two, one);
    const [first, second] = vectorsOf(two);
    const vectors = await embedder({ batchSize: 2, maxConcurrency: 1 }).embed(['t0', 't1', 't2', 't3', 't4']);
    expect(vectors).toEqual([first, second, first, second, second]);
    expect(replay.server.requestsTo(EMBEDDINGS).map((request) => request.body.input)).toEqual([['t0', 't1'], ['t2', 't3'], ['t4']]);
    expect(replay.server.maxInFlight).toBe(1);
  });

  it('gives empty texts a vector of zeros without sending them, and embeds nothing for no texts', async () => {
    const fixture = loadFixture('ollama-embeddings');
    replay.server.on(EMBEDDINGS, fixture);
    const [first, second] = vectorsOf(fixture);
    const vectors = await embedder({ dimension: 8 }).embed(['', 'red key', '  \n', 'blue door']);
    expect(vectors).toEqual([new Float32Array(8), first, new Float32Array(8), second]);
    expect(replay.server.requestsTo(EMBEDDINGS).map((request) => request.body.input)).toEqual([['red key', 'blue door']]);
    expect(await embedder({ dimension: 8 }).embed([])).toEqual([]);
    expect(replay.server.requestsTo(EMBEDDINGS)).toHaveLength(1);
  });

  it('probes the dimension for a batch of only empty texts', async () => {
    replay.server.on(EMBEDDINGS, withData(loadFixture('ollama-embeddings'), (data) => data.slice(0, 1)));
    expect(await embedder().embed(['', ' '])).toEqual([new Float32Array(8), new Float32Array(8)]);
    expect(replay.server.requestsTo(EMBEDDINGS)).toHaveLength(1);
  });
});

describe('OpenAICompatibleEmbedder: bad responses and refusals', () => {
  it('says so when the server returns fewer vectors than inputs', async () => {
    replay.server.on(EMBEDDINGS, loadFixture('vllm-embeddings'));
    const error = await failure(embedder().embed(['a', 'b', 'c']));
    expect(error.details).toMatchObject({ reason: 'vector-count', received: 2, expected: 3 });
    expect(error.message).toMatch(/returned 2 vectors for 3 inputs/);
  });

  it('refuses Ollama’s empty embedding list (data: null)', async () => {
    replay.server.on(EMBEDDINGS, loadFixture('ollama-embeddings-empty'));
    const error = await failure(embedder({ server: 'ollama' }).embed(['a']));
    expect(error.details.reason).toBe('no-data');
    expect(error.message).toMatch(/^Ollama at .*\/v1\/embeddings \(model "test-embedder"\) answered without a "data" list of embeddings \(\{"object":"","data":null/);
  });

  it('refuses repeated indices, non-numbers and non-finite values', async () => {
    const fixture = loadFixture('vllm-embeddings');
    replay.server.on(
      EMBEDDINGS,
      withData(fixture, (data) => [data[0], { ...data[1], index: 0 }]),
      withData(fixture, (data) => [data[0], { ...data[1], embedding: [0.1, 'NaN'] }]),
      withData(fixture, (data) => [data[0], { ...data[1], embedding: Buffer.from(new Float32Array([0.1, Number.POSITIVE_INFINITY]).buffer).toString('base64') }]),
      withData(fixture, (data) => [data[0], { ...data[1], index: 7 }]),
    );
    const model = embedder({ maxConcurrency: 1 });
    expect((await failure(model.embed(['a', 'b']))).message).toMatch(/two vectors for input 0/);
    expect((await failure(model.embed(['a', 'b']))).message).toMatch(/holds "NaN" at position 1; embeddings are lists of numbers/);
    expect((await failure(model.embed(['a', 'b']))).message).toMatch(/holds Infinity at position 1; embeddings must be finite numbers/);
    expect((await failure(model.embed(['a', 'b']))).details).toMatchObject({ reason: 'vector-index', index: 7 });
  });

  it('refuses a body that is not JSON', async () => {
    replay.server.on(EMBEDDINGS, { status: 200, text: '<html>proxy login</html>' });
    const error = await failure(embedder().embed(['a']));
    expect(error.message).toMatch(/not JSON.*Is baseUrl the OpenAI-compatible root/);
  });

  it('does not retry llama-server without --embeddings (501) and says how to start it', async () => {
    replay.server.on(EMBEDDINGS, loadFixture('llama-cpp-error-embeddings-disabled'));
    const error = await failure(embedder({ server: 'llama-cpp' }).embed(['a']));
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ status: 501, attempts: 1 });
    expect(error.message).toMatch(/llama-server at .* answered 501 Not Implemented: This server does not support embeddings\. Start it with `--embeddings` Restart llama-server with --embeddings and a pooling type/);
    expect(error.cause).toBeInstanceOf(ModelBackendError);
    expect(replay.server.requestsTo(EMBEDDINGS)).toHaveLength(1);
    expect(replay.sleeps).toEqual([]);
  });

  it('explains llama-server’s refusal of pooling none (400, not retried)', async () => {
    replay.server.on(EMBEDDINGS, loadFixture('llama-cpp-error-pooling-none'));
    const error = await failure(embedder({ server: 'llama-cpp' }).embed(['a']));
    expect(error.details).toMatchObject({ status: 400, attempts: 1 });
    expect(error.message).toMatch(/Pooling type 'none' is not OAI compatible.*Restart llama-server with --pooling mean, cls or last/);
  });

  it('explains vLLM’s refusal of dimensions for a model without Matryoshka support', async () => {
    replay.server.on(EMBEDDINGS, loadFixture('vllm-error-matryoshka'));
    const error = await failure(embedder({ server: 'vllm', model: 'BAAI/bge-m3', dimension: 256, requestDimension: true }).embed(['a']));
    expect(error.message).toMatch(/does not support matryoshka representation.*drop the requestDimension option/);
  });

  it('explains Ollama’s refusal to embed with a chat model', async () => {
    replay.server.on(EMBEDDINGS, loadFixture('ollama-error-embeddings-unsupported'));
    const error = await failure(embedder({ server: 'ollama' }).embed(['a']));
    expect(error.details).toMatchObject({ status: 501, attempts: 1 });
    expect(error.message).toMatch(/use an embedding model \(ollama pull nomic-embed-text\)/);
  });

  it('retries a 503 while the model loads, then succeeds', async () => {
    replay.server.on(EMBEDDINGS, loadFixture('llama-cpp-error-loading'), loadFixture('llama-cpp-embeddings'));
    const vectors = await embedder({ server: 'llama-cpp', retryBaseDelayMs: 100 }).embed(['a', 'b']);
    expect(vectors).toHaveLength(2);
    expect(replay.sleeps).toEqual([75]);
    expect(replay.server.requestsTo(EMBEDDINGS)).toHaveLength(2);
  });

  it('names the embedding start command when nothing listens', async () => {
    const closed = await ReplayServer.start();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const error = await failure(new OpenAICompatibleEmbedder({ baseUrl, model: 'm', server: 'llama-cpp' }).embed(['a']));
    expect(error.message).toMatch(/Cannot reach llama-server .*ECONNREFUSED.*llama-server -m <embedding model\.gguf> --embeddings --pooling mean/);
  });
});

describe('OpenAICompatibleEmbedder: options', () => {
  it.each([
    [{ model: '' }, /needs the embedding model's name/],
    [{ batchSize: 0 }, /batchSize must be a whole number from 1 to 4096, got 0/],
    [{ dimension: 1.5 }, /dimension must be a whole number from 1 to 65536, got 1.5/],
    [{ requestDimension: true }, /requestDimension needs dimension/],
    [{ encodingFormat: 'bytes' as 'float' }, /encodingFormat must be "float" or "base64", got "bytes"/],
    [{ server: 'tgi' as 'vllm' }, /Unknown server "tgi"/],
    [{ baseUrl: 'localhost:8000' }, /must be http or https|is not a URL/],
    [{ maxConcurrency: 0 }, /OpenAICompatibleEmbedder option maxConcurrency must be a number >= 1, got 0/],
  ])('refuses %o with a ConfigError', (options, message) => {
    expect(() => embedder(options)).toThrow(ConfigError);
    expect(() => embedder(options)).toThrow(message);
  });

  it('refuses texts that are not a list of strings', async () => {
    await expect(embedder({ dimension: 8 }).embed(['a', 3 as unknown as string])).rejects.toThrow(/embed takes a list of strings, got a list holding number/);
    await expect(embedder({ dimension: 8 }).embed('a' as unknown as string[])).rejects.toThrow(ConfigError);
  });
});
