// The model-backed embedders plugged into SqliteMemoryStore end to end: an OpenAI-compatible
// /v1/embeddings server on loopback, and a GGUF model in process (the testkit's tiny random one).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashedEmbedder, SqliteMemoryStore } from '@worldloop/memory-sqlite';
import { LlamaCppEmbedder } from '@worldloop/model-llama-cpp';
import { OpenAICompatibleEmbedder } from '@worldloop/model-openai-compatible';
import { ConfigError, type NewMemory } from '@worldloop/spec';
import { writeTinyGguf } from '@worldloop/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const namespace = 'agent:scout';
const vectorOnly = { lexical: 0, vector: 1, recency: 0, importance: 0 };
const memories: NewMemory[] = [
  { kind: 'observation', text: 'The red key lies under the table in the kitchen.', namespace },
  { kind: 'observation', text: 'A blue door blocks the corridor to the east.', namespace },
  { kind: 'action-outcome', text: 'Moving north twice reached the garden gate.', namespace },
];

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-model-embedders-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/**
 * A stand-in embedding server: answers `POST /v1/embeddings` in vLLM's wire shape
 * (EmbeddingResponse, vllm/entrypoints/pooling/embed/protocol.py), embedding with the hashed
 * embedder so that similar texts get similar vectors, shortened when `dimensions` is sent.
 */
async function startEmbeddingServer(): Promise<{ server: Server; baseUrl: string; inputs: string[][] }> {
  const hashed = new HashedEmbedder({ dimension: 384 });
  const inputs: string[][] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const body = JSON.parse(text) as { model: string; input: string[]; dimensions?: number };
      inputs.push(body.input);
      const data = body.input.map((input, index) => ({
        index,
        object: 'embedding',
        embedding: Array.from(hashed.embedText(input).slice(0, body.dimensions ?? 384)),
      }));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'embd-test', object: 'list', created: 1735689600, model: body.model, data, usage: { prompt_tokens: 9, total_tokens: 9, completion_tokens: 0, prompt_tokens_details: null } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, inputs };
}

describe('OpenAICompatibleEmbedder in SqliteMemoryStore', () => {
  let embeddingServer: Awaited<ReturnType<typeof startEmbeddingServer>>;
  beforeEach(async () => {
    embeddingServer = await startEmbeddingServer();
  });
  afterEach(async () => {
    embeddingServer.server.closeAllConnections();
    await new Promise<void>((resolve) => embeddingServer.server.close(() => resolve()));
  });

  it('embeds writes and recalls through the server, and the store refuses another dimension at open', async () => {
    const path = join(directory, 'memory.db');
    const embedder = await OpenAICompatibleEmbedder.connect({ baseUrl: embeddingServer.baseUrl, model: 'BAAI/bge-m3', server: 'vllm', batchSize: 2 });
    expect(embedder.dimension).toBe(384);
    const store = SqliteMemoryStore.open(path, { embedder, now: () => 1_735_689_600_000 });
    const written = await store.write(memories);
    // The probe, then the three texts in batches of two.
    expect(embeddingServer.inputs.slice(1).map((input) => input.length).sort()).toEqual([1, 2]);
    const hits = await store.recall({ text: 'where is the red key?', weights: vectorOnly, limit: 3 });
    expect(hits[0]!.record.id).toBe(written[0]!.id);
    expect(hits[0]!.components.vector).toBe(1);
    await store.close();

    // Reopened with the same model and dimension: the same answer.
    const again = SqliteMemoryStore.open(path, { embedder: new OpenAICompatibleEmbedder({ baseUrl: embeddingServer.baseUrl, model: 'BAAI/bge-m3', dimension: 384 }) });
    expect((await again.recall({ text: 'where is the red key?', weights: vectorOnly, limit: 1 }))[0]!.record.id).toBe(written[0]!.id);
    await again.close();

    // A shortened model (another id and dimension) is refused at open, naming both embedders.
    const shortened = new OpenAICompatibleEmbedder({ baseUrl: embeddingServer.baseUrl, model: 'BAAI/bge-m3', dimension: 128, requestDimension: true });
    expect(() => SqliteMemoryStore.open(path, { embedder: shortened })).toThrow(ConfigError);
    expect(() => SqliteMemoryStore.open(path, { embedder: shortened })).toThrow(/holds 384-dimension embeddings \(embedder "BAAI\/bge-m3"\), but the embedder given \("BAAI\/bge-m3@128"\) makes 128-dimension ones/);
  });

  it('cannot open a store before its dimension is known', () => {
    const unknown = new OpenAICompatibleEmbedder({ baseUrl: embeddingServer.baseUrl, model: 'nomic-embed-text' });
    expect(() => SqliteMemoryStore.open(join(directory, 'unknown.db'), { embedder: unknown })).toThrow(/dimension of embedding model "nomic-embed-text" .* is not known yet/);
  });
});

describe('LlamaCppEmbedder in SqliteMemoryStore', () => {
  const modelDirectory = mkdtempSync(join(tmpdir(), 'worldloop-gguf-embedder-'));
  let embedder: LlamaCppEmbedder;
  beforeAll(async () => {
    const modelPath = join(modelDirectory, 'tiny.gguf');
    await writeTinyGguf(modelPath, { seed: 11 });
    embedder = await LlamaCppEmbedder.load({ modelPath, gpu: false, threads: 1, contextTokens: 256, logLevel: 'error' });
  });
  afterAll(async () => {
    await embedder?.close();
    rmSync(modelDirectory, { recursive: true, force: true });
  });

  it('stores the GGUF model’s vectors and recalls a memory by its own text first', async () => {
    const path = join(directory, 'memory.db');
    const store = SqliteMemoryStore.open(path, { embedder, now: () => 1_735_689_600_000 });
    const written = await store.write(memories);
    for (const [index, memory] of memories.entries()) {
      const [best] = await store.recall({ text: memory.text, weights: vectorOnly, limit: 1 });
      expect(best!.record.id).toBe(written[index]!.id);
    }
    await store.close();
    expect(() => SqliteMemoryStore.open(path, { embedder: new HashedEmbedder() })).toThrow(/holds 256-dimension embeddings \(embedder "gguf:tiny\.gguf"\)/);
  });
});
