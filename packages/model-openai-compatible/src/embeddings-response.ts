// Reads the body of `POST /embeddings` (`{"object": "list", "data": [{"index", "embedding"}], ...}`) into
// vectors in input order. Anything short of one finite vector of the right length per input is a ModelBackendError.
import { ModelBackendError, type JsonValue } from '@worldloop/spec';

/** What the reader checks a response against. */
export interface EmbeddingsResponseExpectation {
  /** Inputs sent: the response must hold exactly one vector per input. */
  readonly inputCount: number;
  /** Length every vector must have; when undefined, every vector must have the length of the first. */
  readonly dimension: number | undefined;
  /** Names the request in messages: `vLLM at http://.../v1/embeddings (model "bge-m3")`. */
  readonly source: string;
}

/**
 * The vectors of an embeddings response, ordered by their `index` (servers may answer out of order).
 * Accepts `embedding` as an array of numbers or as base64 of little-endian float32 (`encoding_format:
 * "base64"`). Throws ModelBackendError (details: reason) when the body has no `data` list, holds fewer
 * or more vectors than inputs, repeats or skips an index, or holds a vector that is not finite numbers
 * or has the wrong length.
 */
export function readEmbeddingsResponse(body: JsonValue, expectation: EmbeddingsResponseExpectation): Float32Array[] {
  const { inputCount, source } = expectation;
  const data = isRecord(body) ? body.data : undefined;
  if (!Array.isArray(data)) {
    throw invalid(
      'no-data',
      `${source} answered without a "data" list of embeddings (${preview(body)}); is the model an embedding model, served for embeddings?`,
      { body },
    );
  }
  if (data.length !== inputCount) {
    throw invalid(
      'vector-count',
      `${source} returned ${data.length} ${data.length === 1 ? 'vector' : 'vectors'} for ${inputCount} ${inputCount === 1 ? 'input' : 'inputs'}; an embeddings server returns one per input. It may have dropped inputs it could not embed (too long for its context?).`,
      { received: data.length, expected: inputCount },
    );
  }
  const vectors: (Float32Array | undefined)[] = new Array(inputCount);
  let dimension = expectation.dimension;
  data.forEach((item, position) => {
    const index = isRecord(item) ? item.index : undefined;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= inputCount) {
      throw invalid('vector-index', `${source} sent data[${position}] with index ${JSON.stringify(index)}; expected a whole number from 0 to ${inputCount - 1}.`, { position, index });
    }
    if (vectors[index] !== undefined) {
      throw invalid('vector-index', `${source} sent two vectors for input ${index}; each input gets exactly one.`, { index });
    }
    const vector = toVector((item as Record<string, JsonValue>).embedding, `${source}: the embedding of input ${index}`);
    if (dimension === undefined) dimension = vector.length;
    if (vector.length !== dimension) {
      throw invalid(
        'dimension',
        `${source} returned an embedding of ${vector.length} dimensions for input ${index}, but ${expectation.dimension === undefined ? 'the first one has' : 'this embedder declares'} ${dimension}; set the dimension option to what the model makes (or drop it and let the embedder detect it), or serve the model it was set for.`,
        { index, received: vector.length, expected: dimension },
      );
    }
    vectors[index] = vector;
  });
  return vectors as Float32Array[];
}

function toVector(value: JsonValue | undefined, what: string): Float32Array {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 0 || bytes.length % 4 !== 0) {
      throw invalid('vector-values', `${what} is a base64 string of ${bytes.length} bytes, not a whole number of float32 values.`, {});
    }
    const vector = new Float32Array(bytes.length / 4);
    for (let index = 0; index < vector.length; index++) vector[index] = bytes.readFloatLE(index * 4);
    return checkedFinite(vector, what);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid('vector-values', `${what} is ${preview(value)}, not a non-empty list of numbers.`, {});
  }
  const vector = new Float32Array(value.length);
  value.forEach((number, index) => {
    if (typeof number !== 'number') throw invalid('vector-values', `${what} holds ${preview(number)} at position ${index}; embeddings are lists of numbers.`, { position: index });
    vector[index] = number;
  });
  return checkedFinite(vector, what);
}

function checkedFinite(vector: Float32Array, what: string): Float32Array {
  const bad = vector.findIndex((number) => !Number.isFinite(number));
  if (bad >= 0) throw invalid('vector-values', `${what} holds ${vector[bad]} at position ${bad}; embeddings must be finite numbers.`, { position: bad });
  return vector;
}

function invalid(reason: string, message: string, details: Record<string, unknown>): ModelBackendError {
  return new ModelBackendError(message, { details: { reason, ...details } });
}

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: JsonValue | undefined): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
