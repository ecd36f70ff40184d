// Writes a small llama-architecture GGUF with seeded random weights and a byte-level vocabulary,
// so tests can run real llama.cpp inference without downloading weights. Output is noise, not text.
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '@worldloop/spec';

/** Storage type of the weight matrices; norms are always F32. */
export type TinyGgufWeightType = 'F32' | 'F16' | 'Q8_0';

/** Shape and content of a tiny GGUF. Every field has a default; the defaults give ~4.3M parameters. */
export interface TinyGgufOptions {
  /** Width of the residual stream (`llama.embedding_length`). Default 256. */
  readonly embeddingLength?: number;
  /** Transformer blocks (`llama.block_count`). Default 4. */
  readonly layers?: number;
  /** Attention heads (`llama.attention.head_count`). Default 4. */
  readonly heads?: number;
  /** Key/value heads for grouped-query attention; must divide `heads`. Default `heads`. */
  readonly keyValueHeads?: number;
  /** Hidden width of the feed-forward block (`llama.feed_forward_length`). Default 1024. */
  readonly feedForwardLength?: number;
  /** Context length the model declares it was trained on (`llama.context_length`). Default 4096. */
  readonly contextLength?: number;
  /** Storage type of the weight matrices. Default `F16`. */
  readonly weightType?: TinyGgufWeightType;
  /** Seed of the weights: the same options give the same bytes. Default 1. */
  readonly seed?: number;
  /** Standard deviation of the random weights. Default 0.02. */
  readonly weightScale?: number;
  /** Add `▁` (U+2581) as a token so spaces survive tokenize/detokenize. Default true. */
  readonly spaceToken?: boolean;
  /** `general.name`. Default `worldloop-tiny-llama`. */
  readonly name?: string;
}

/** What `writeTinyGguf` wrote. */
export interface TinyGgufFile {
  readonly path: string;
  /** File size in bytes. */
  readonly bytes: number;
  /** Number of weights in all tensors. */
  readonly parameterCount: number;
  /** Tokens in the vocabulary: `<unk>`, `<s>`, `</s>`, 256 byte tokens, and `▁` when asked. */
  readonly vocabularySize: number;
  readonly tensorCount: number;
  /** The shape actually written, defaults filled in. */
  readonly shape: Required<Omit<TinyGgufOptions, 'name' | 'seed' | 'weightScale' | 'spaceToken' | 'weightType'>>;
}

/**
 * The transformer shape of Qwen2.5-0.5B (896 wide, 24 blocks, 14 heads, 2 key/value heads,
 * 4864 feed-forward) with the tiny vocabulary: ~358M weights, ~717 MB in F16. For throughput
 * measurements only; generate it at benchmark time, never commit it.
 */
export const halfBillionParameterGgufShape = {
  embeddingLength: 896,
  layers: 24,
  heads: 14,
  keyValueHeads: 2,
  feedForwardLength: 4864,
  contextLength: 32768,
} as const satisfies TinyGgufOptions;

/**
 * Writes a llama-architecture GGUF (version 3) to `path` and resolves when it is on disk.
 *
 * The file follows what llama.cpp requires (checked with node-llama-cpp 3.21.1): integer
 * hyper-parameters and token ids as uint32, byte tokens `<0x00>`..`<0xFF>` in upper-case hex with
 * token type 6, tensor data aligned to 32 bytes. The shape is validated first and a bad one throws
 * `ConfigError`, because llama.cpp aborts the whole process on some bad shapes instead of throwing.
 * Deterministic: the same options give byte-identical files.
 */
export async function writeTinyGguf(path: string, options: TinyGgufOptions = {}): Promise<TinyGgufFile> {
  const shape = resolveShape(options);
  const weightType = options.weightType ?? 'F16';
  const seed = options.seed ?? 1;
  const weightScale = options.weightScale ?? 0.02;
  if (!(weightScale > 0 && Number.isFinite(weightScale))) {
    throw new ConfigError(`writeTinyGguf: weightScale must be a positive number, got ${weightScale}`);
  }
  if (weightType === 'Q8_0') {
    for (const [field, value] of [['embeddingLength', shape.embeddingLength], ['feedForwardLength', shape.feedForwardLength]] as const) {
      if (value % 32 !== 0) throw new ConfigError(`writeTinyGguf: Q8_0 weights need ${field} to be a multiple of 32, got ${value}`);
    }
  }
  const vocabulary = byteLevelVocabulary(options.spaceToken ?? true);
  const metadata = buildMetadata(shape, vocabulary, options.name ?? 'worldloop-tiny-llama');
  const tensors = planTensors(shape, vocabulary.tokens.length, weightType);

  const header = new ByteWriter();
  header.bytes(Buffer.from('GGUF', 'latin1'));
  header.uint32(3);
  header.uint64(tensors.length);
  header.uint64(metadata.length);
  for (const entry of metadata) writeMetadataEntry(header, entry);
  let offset = 0;
  for (const tensor of tensors) {
    header.string(tensor.name);
    header.uint32(tensor.dimensions.length);
    for (const dimension of tensor.dimensions) header.uint64(dimension);
    header.uint32(GGML_TYPE_IDS[tensor.type]);
    header.uint64(offset);
    tensor.offset = offset;
    offset = alignUp(offset + tensor.byteLength, ALIGNMENT);
  }
  header.padTo(ALIGNMENT);

  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'w');
  try {
    const headerBytes = header.toBuffer();
    await file.write(headerBytes, 0, headerBytes.length, 0);
    let parameterCount = 0;
    for (const [index, tensor] of tensors.entries()) {
      const values = tensorValues(tensor, seed, index, weightScale);
      parameterCount += values.length;
      const data = encodeTensor(values, tensor.type, tensor.dimensions[0]!);
      await file.write(data, 0, data.length, headerBytes.length + tensor.offset);
    }
    const bytes = headerBytes.length + offset;
    // The last tensor's padding is part of the data section: write it so the size is exact.
    await file.truncate(bytes);
    return { path, bytes, parameterCount, vocabularySize: vocabulary.tokens.length, tensorCount: tensors.length, shape };
  } finally {
    await file.close();
  }
}

const ALIGNMENT = 32;
const GGML_TYPE_IDS = { F32: 0, F16: 1, Q8_0: 8 } as const;
const VALUE_TYPE = { uint32: 4, float32: 6, string: 8, array: 9 } as const;
const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

type MetadataValue =
  | { readonly type: 'uint32'; readonly value: number }
  | { readonly type: 'float32'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'string-array'; readonly value: readonly string[] }
  | { readonly type: 'int32-array'; readonly value: readonly number[] };

interface MetadataEntry {
  readonly key: string;
  readonly value: MetadataValue;
}

interface PlannedTensor {
  readonly name: string;
  /** ggml order: innermost (row length) first. */
  readonly dimensions: readonly number[];
  readonly type: keyof typeof GGML_TYPE_IDS;
  readonly byteLength: number;
  /** Norm weights are ones; everything else is random. */
  readonly isNorm: boolean;
  offset: number;
}

function resolveShape(options: TinyGgufOptions): TinyGgufFile['shape'] {
  const heads = options.heads ?? 4;
  const shape = {
    embeddingLength: options.embeddingLength ?? 256,
    layers: options.layers ?? 4,
    heads,
    keyValueHeads: options.keyValueHeads ?? heads,
    feedForwardLength: options.feedForwardLength ?? 1024,
    contextLength: options.contextLength ?? 4096,
  };
  for (const [field, value] of Object.entries(shape)) {
    if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) {
      throw new ConfigError(`writeTinyGguf: ${field} must be a positive integer (uint32), got ${value}`, { details: { field, value } });
    }
  }
  if (shape.embeddingLength % shape.heads !== 0) {
    throw new ConfigError(`writeTinyGguf: embeddingLength ${shape.embeddingLength} is not divisible by heads ${shape.heads}`);
  }
  if (shape.heads % shape.keyValueHeads !== 0) {
    throw new ConfigError(`writeTinyGguf: heads ${shape.heads} is not divisible by keyValueHeads ${shape.keyValueHeads}`);
  }
  if ((shape.embeddingLength / shape.heads) % 2 !== 0) {
    throw new ConfigError(`writeTinyGguf: the head size ${shape.embeddingLength / shape.heads} must be even (rotary embeddings rotate pairs)`);
  }
  return shape;
}

function byteLevelVocabulary(spaceToken: boolean): { tokens: string[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control];
  for (let byte = 0; byte < 256; byte++) {
    // Upper-case hex: llama.cpp aborts on `<0xab>`.
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_TYPE.byte);
  }
  if (spaceToken) {
    tokens.push('\u2581');
    types.push(TOKEN_TYPE.normal);
  }
  return { tokens, types };
}

function buildMetadata(shape: TinyGgufFile['shape'], vocabulary: { tokens: string[]; types: number[] }, name: string): MetadataEntry[] {
  const uint32 = (key: string, value: number): MetadataEntry => ({ key, value: { type: 'uint32', value } });
  return [
    { key: 'general.architecture', value: { type: 'string', value: 'llama' } },
    { key: 'general.name', value: { type: 'string', value: name } },
    uint32('general.alignment', ALIGNMENT),
    uint32('llama.context_length', shape.contextLength),
    uint32('llama.embedding_length', shape.embeddingLength),
    uint32('llama.block_count', shape.layers),
    uint32('llama.feed_forward_length', shape.feedForwardLength),
    uint32('llama.attention.head_count', shape.heads),
    uint32('llama.attention.head_count_kv', shape.keyValueHeads),
    uint32('llama.rope.dimension_count', shape.embeddingLength / shape.heads),
    { key: 'llama.rope.freq_base', value: { type: 'float32', value: 10000 } },
    { key: 'llama.attention.layer_norm_rms_epsilon', value: { type: 'float32', value: 1e-5 } },
    { key: 'tokenizer.ggml.model', value: { type: 'string', value: 'llama' } },
    { key: 'tokenizer.ggml.tokens', value: { type: 'string-array', value: vocabulary.tokens } },
    { key: 'tokenizer.ggml.token_type', value: { type: 'int32-array', value: vocabulary.types } },
    uint32('tokenizer.ggml.unknown_token_id', 0),
    uint32('tokenizer.ggml.bos_token_id', 1),
    uint32('tokenizer.ggml.eos_token_id', 2),
  ];
}

function planTensors(shape: TinyGgufFile['shape'], vocabularySize: number, weightType: TinyGgufWeightType): PlannedTensor[] {
  const width = shape.embeddingLength;
  const keyValueWidth = (width / shape.heads) * shape.keyValueHeads;
  const tensors: PlannedTensor[] = [];
  const add = (name: string, dimensions: number[], isNorm = false): void => {
    const type = isNorm ? 'F32' : weightType;
    tensors.push({ name, dimensions, type, byteLength: tensorByteLength(dimensions, type), isNorm, offset: 0 });
  };
  add('token_embd.weight', [width, vocabularySize]);
  for (let layer = 0; layer < shape.layers; layer++) {
    const block = `blk.${layer}`;
    add(`${block}.attn_norm.weight`, [width], true);
    add(`${block}.attn_q.weight`, [width, width]);
    add(`${block}.attn_k.weight`, [width, keyValueWidth]);
    add(`${block}.attn_v.weight`, [width, keyValueWidth]);
    add(`${block}.attn_output.weight`, [width, width]);
    add(`${block}.ffn_norm.weight`, [width], true);
    add(`${block}.ffn_gate.weight`, [width, shape.feedForwardLength]);
    add(`${block}.ffn_down.weight`, [shape.feedForwardLength, width]);
    add(`${block}.ffn_up.weight`, [width, shape.feedForwardLength]);
  }
  add('output_norm.weight', [width], true);
  add('output.weight', [width, vocabularySize]);
  return tensors;
}

function tensorByteLength(dimensions: readonly number[], type: TinyGgufWeightType): number {
  const count = dimensions.reduce((product, dimension) => product * dimension, 1);
  if (type === 'F32') return count * 4;
  if (type === 'F16') return count * 2;
  return (count / 32) * 34;
}

function tensorValues(tensor: PlannedTensor, seed: number, tensorIndex: number, weightScale: number): Float32Array {
  const count = tensor.dimensions.reduce((product, dimension) => product * dimension, 1);
  const values = new Float32Array(count);
  if (tensor.isNorm) return values.fill(1);
  // Uniform on [-a, a] with a = scale * sqrt(3) has standard deviation `scale`.
  const amplitude = weightScale * Math.sqrt(3);
  const random = mulberry32(seed, tensorIndex);
  for (let index = 0; index < count; index++) values[index] = (random() * 2 - 1) * amplitude;
  return values;
}

/** A small seeded generator, one stream per tensor so the bytes do not depend on write order. */
function mulberry32(seed: number, stream: number): () => number {
  let state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function encodeTensor(values: Float32Array, type: TinyGgufWeightType, rowLength: number): Buffer {
  if (type === 'F32') return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (type === 'F16') {
    const halves = new Uint16Array(values.length);
    for (let index = 0; index < values.length; index++) halves[index] = float32ToFloat16(values[index]!);
    return Buffer.from(halves.buffer);
  }
  // Q8_0: blocks of 32 values, each a float16 scale then 32 signed bytes. Rows are whole blocks.
  const blockCount = values.length / 32;
  const output = Buffer.alloc(blockCount * 34);
  if (rowLength % 32 !== 0) throw new ConfigError(`writeTinyGguf: Q8_0 rows must be a multiple of 32 long, got ${rowLength}`);
  for (let block = 0; block < blockCount; block++) {
    let largest = 0;
    for (let index = 0; index < 32; index++) largest = Math.max(largest, Math.abs(values[block * 32 + index]!));
    const scale = largest / 127;
    output.writeUInt16LE(float32ToFloat16(scale), block * 34);
    for (let index = 0; index < 32; index++) {
      const quantized = scale === 0 ? 0 : Math.round(values[block * 32 + index]! / scale);
      output.writeInt8(Math.max(-127, Math.min(127, quantized)), block * 34 + 2 + index);
    }
  }
  return output;
}

const conversionView = new DataView(new ArrayBuffer(4));

/** IEEE 754 binary32 to binary16, round to nearest even; overflow goes to infinity. */
function float32ToFloat16(value: number): number {
  conversionView.setFloat32(0, value);
  const bits = conversionView.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  let halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let halfMantissa = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (halfMantissa & 1) === 1)) halfMantissa++;
    return sign | halfMantissa;
  }
  let halfMantissa = mantissa >>> 13;
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (halfMantissa & 1) === 1)) {
    halfMantissa++;
    if (halfMantissa === 0x400) {
      halfMantissa = 0;
      halfExponent++;
      if (halfExponent >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (halfExponent << 10) | halfMantissa;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function writeMetadataEntry(writer: ByteWriter, entry: MetadataEntry): void {
  writer.string(entry.key);
  const { value } = entry;
  switch (value.type) {
    case 'uint32':
      writer.uint32(VALUE_TYPE.uint32);
      writer.uint32(value.value);
      return;
    case 'float32':
      writer.uint32(VALUE_TYPE.float32);
      writer.float32(value.value);
      return;
    case 'string':
      writer.uint32(VALUE_TYPE.string);
      writer.string(value.value);
      return;
    case 'string-array':
      writer.uint32(VALUE_TYPE.array);
      writer.uint32(VALUE_TYPE.string);
      writer.uint64(value.value.length);
      for (const item of value.value) writer.string(item);
      return;
    case 'int32-array':
      writer.uint32(VALUE_TYPE.array);
      writer.uint32(5); // int32: token types are int32 in every GGUF llama.cpp writes
      writer.uint64(value.value.length);
      for (const item of value.value) writer.int32(item);
      return;
  }
}

/** Little-endian GGUF header bytes, grown as written. */
class ByteWriter {
  private chunks: Buffer[] = [];
  private length = 0;

  bytes(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  uint32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    this.bytes(buffer);
  }
  int32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32LE(value);
    this.bytes(buffer);
  }
  float32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeFloatLE(value);
    this.bytes(buffer);
  }
  uint64(value: number): void {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    this.bytes(buffer);
  }
  string(value: string): void {
    const encoded = Buffer.from(value, 'utf8');
    this.uint64(encoded.length);
    this.bytes(encoded);
  }
  padTo(alignment: number): void {
    const padding = alignUp(this.length, alignment) - this.length;
    if (padding > 0) this.bytes(Buffer.alloc(padding));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}
