// The tiny GGUF writer's output, read back by an independent reader written here from the GGUF
// spec: header, typed metadata, vocabulary, tensor table, alignment, sizes, determinism, validation.
// (That llama.cpp loads and runs these files is tested in packages/model-llama-cpp.)
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@worldloop/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { halfBillionParameterGgufShape, writeTinyGguf } from './tiny-gguf-writer.js';

const directory = mkdtempSync(join(tmpdir(), 'worldloop-tiny-gguf-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface ReadTensor {
  name: string;
  dimensions: number[];
  type: number;
  offset: number;
}
interface ReadGguf {
  version: number;
  metadata: Map<string, { type: number; value: unknown }>;
  tensors: ReadTensor[];
  dataStart: number;
  buffer: Buffer;
}

/** Reads a GGUF v3 file: every value with its type id, so types are checked, not just values. */
function readGguf(path: string): ReadGguf {
  const buffer = readFileSync(path);
  let position = 0;
  const uint32 = (): number => {
    const value = buffer.readUInt32LE(position);
    position += 4;
    return value;
  };
  const uint64 = (): number => {
    const value = Number(buffer.readBigUInt64LE(position));
    position += 8;
    return value;
  };
  const string = (): string => {
    const length = uint64();
    const value = buffer.toString('utf8', position, position + length);
    position += length;
    return value;
  };
  const scalar = (type: number): unknown => {
    switch (type) {
      case 4:
        return uint32();
      case 5: {
        const value = buffer.readInt32LE(position);
        position += 4;
        return value;
      }
      case 6: {
        const value = buffer.readFloatLE(position);
        position += 4;
        return value;
      }
      case 8:
        return string();
      default:
        throw new Error(`value type ${type} not expected in a tiny GGUF`);
    }
  };
  expect(buffer.toString('latin1', 0, 4)).toBe('GGUF');
  position = 4;
  const version = uint32();
  const tensorCount = uint64();
  const metadataCount = uint64();
  const metadata = new Map<string, { type: number; value: unknown }>();
  for (let index = 0; index < metadataCount; index++) {
    const key = string();
    const type = uint32();
    if (type === 9) {
      const itemType = uint32();
      const count = uint64();
      const items = Array.from({ length: count }, () => scalar(itemType));
      metadata.set(key, { type: 9 * 100 + itemType, value: items });
    } else metadata.set(key, { type, value: scalar(type) });
  }
  const tensors: ReadTensor[] = [];
  for (let index = 0; index < tensorCount; index++) {
    const name = string();
    const dimensionCount = uint32();
    const dimensions = Array.from({ length: dimensionCount }, () => uint64());
    tensors.push({ name, dimensions, type: uint32(), offset: uint64() });
  }
  const dataStart = Math.ceil(position / 32) * 32;
  return { version, metadata, tensors, dataStart, buffer };
}

function float16ToNumber(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const TYPE_BYTES = { 0: (count: number) => count * 4, 1: (count: number) => count * 2, 8: (count: number) => (count / 32) * 34 } as Record<number, (count: number) => number>;

describe('writeTinyGguf', () => {
  it('writes the default ~4M-parameter llama GGUF that reads back field by field', async () => {
    const path = join(directory, 'default.gguf');
    const written = await writeTinyGguf(path);
    const file = readGguf(path);
    expect(file.version).toBe(3);
    expect(written.parameterCount).toBe(4_329_728);
    expect(written.vocabularySize).toBe(260);
    expect(written.bytes).toBe(file.buffer.length);

    const uint32Keys = [
      'general.alignment', 'llama.context_length', 'llama.embedding_length', 'llama.block_count', 'llama.feed_forward_length',
      'llama.attention.head_count', 'llama.attention.head_count_kv', 'llama.rope.dimension_count',
      'tokenizer.ggml.unknown_token_id', 'tokenizer.ggml.bos_token_id', 'tokenizer.ggml.eos_token_id',
    ];
    for (const key of uint32Keys) expect(file.metadata.get(key)?.type, key).toBe(4);
    expect(Object.fromEntries(uint32Keys.map((key) => [key, file.metadata.get(key)!.value]))).toEqual({
      'general.alignment': 32, 'llama.context_length': 4096, 'llama.embedding_length': 256, 'llama.block_count': 4, 'llama.feed_forward_length': 1024,
      'llama.attention.head_count': 4, 'llama.attention.head_count_kv': 4, 'llama.rope.dimension_count': 64,
      'tokenizer.ggml.unknown_token_id': 0, 'tokenizer.ggml.bos_token_id': 1, 'tokenizer.ggml.eos_token_id': 2,
    });
    expect(file.metadata.get('general.architecture')).toEqual({ type: 8, value: 'llama' });
    expect(file.metadata.get('tokenizer.ggml.model')).toEqual({ type: 8, value: 'llama' });
    expect(file.metadata.get('llama.attention.layer_norm_rms_epsilon')?.type).toBe(6);

    const tokens = file.metadata.get('tokenizer.ggml.tokens')!;
    const types = file.metadata.get('tokenizer.ggml.token_type')!;
    expect(tokens.type).toBe(908); // array of strings
    expect(types.type).toBe(905); // array of int32
    const tokenList = tokens.value as string[];
    const typeList = types.value as number[];
    expect(tokenList.slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    expect(typeList.slice(0, 3)).toEqual([2, 3, 3]);
    expect(tokenList[3 + 0x41]).toBe('<0x41>');
    expect(tokenList[3 + 0xab]).toBe('<0xAB>');
    expect(typeList.slice(3, 259).every((type) => type === 6)).toBe(true);
    expect(tokenList[259]).toBe('\u2581');
    expect(typeList[259]).toBe(1);
  });

  it('lays tensors out back to back, each at the running sum of sizes padded to 32 bytes', async () => {
    const path = join(directory, 'layout.gguf');
    const written = await writeTinyGguf(path, { layers: 2, embeddingLength: 64, heads: 4, keyValueHeads: 2, feedForwardLength: 96 });
    const file = readGguf(path);
    expect(file.tensors).toHaveLength(written.tensorCount);
    expect(file.tensors.map((tensor) => tensor.name).slice(0, 10)).toEqual([
      'token_embd.weight', 'blk.0.attn_norm.weight', 'blk.0.attn_q.weight', 'blk.0.attn_k.weight', 'blk.0.attn_v.weight',
      'blk.0.attn_output.weight', 'blk.0.ffn_norm.weight', 'blk.0.ffn_gate.weight', 'blk.0.ffn_down.weight', 'blk.0.ffn_up.weight',
    ]);
    expect(file.tensors.find((tensor) => tensor.name === 'blk.1.attn_k.weight')!.dimensions).toEqual([64, 32]); // 2 of 4 heads of 16
    expect(file.tensors.find((tensor) => tensor.name === 'blk.1.ffn_down.weight')!.dimensions).toEqual([96, 64]);
    expect(file.tensors.at(-1)).toMatchObject({ name: 'output.weight', dimensions: [64, 260] });
    let expected = 0;
    let parameters = 0;
    for (const tensor of file.tensors) {
      expect(tensor.offset, tensor.name).toBe(expected);
      const count = tensor.dimensions.reduce((product, dimension) => product * dimension, 1);
      parameters += count;
      expect(tensor.type, tensor.name).toBe(tensor.name.includes('norm') ? 0 : 1);
      expected = Math.ceil((tensor.offset + TYPE_BYTES[tensor.type]!(count)) / 32) * 32;
    }
    expect(file.dataStart % 32).toBe(0);
    expect(file.buffer.length).toBe(file.dataStart + expected);
    expect(parameters).toBe(written.parameterCount);

    // Norms are ones in F32; weights are small F16 values with the asked spread.
    const norm = file.tensors.find((tensor) => tensor.name === 'output_norm.weight')!;
    expect(file.buffer.readFloatLE(file.dataStart + norm.offset)).toBe(1);
    const query = file.tensors.find((tensor) => tensor.name === 'blk.0.attn_q.weight')!;
    const values = Array.from({ length: 64 * 64 }, (_, index) => float16ToNumber(file.buffer.readUInt16LE(file.dataStart + query.offset + index * 2)));
    const deviation = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0) / values.length);
    expect(deviation).toBeGreaterThan(0.018);
    expect(deviation).toBeLessThan(0.022);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.02 * Math.sqrt(3) + 1e-4);
  });

  it('writes F32, F16 and Q8_0 weights at their exact sizes', async () => {
    const shape = { layers: 1, embeddingLength: 64, heads: 2, feedForwardLength: 128 } as const;
    const sizes: Record<string, number> = {};
    for (const weightType of ['F32', 'F16', 'Q8_0'] as const) {
      const path = join(directory, `type-${weightType}.gguf`);
      const written = await writeTinyGguf(path, { ...shape, weightType });
      const file = readGguf(path);
      const expectedType = { F32: 0, F16: 1, Q8_0: 8 }[weightType];
      expect(file.tensors.find((tensor) => tensor.name === 'blk.0.ffn_up.weight')!.type).toBe(expectedType);
      sizes[weightType] = written.bytes - file.dataStart;
    }
    // Data sections: 2*64*260 + 4*64*64 + 3*64*128 = 74,112 matrix weights and 3*64 norm weights in F32.
    const matrix = 2 * 64 * 260 + 4 * 64 * 64 + 3 * 64 * 128;
    expect(sizes['F32']).toBeGreaterThanOrEqual(matrix * 4 + 3 * 64 * 4);
    expect(sizes['F16']).toBeGreaterThanOrEqual(matrix * 2 + 3 * 64 * 4);
    expect(sizes['Q8_0']).toBeGreaterThanOrEqual((matrix / 32) * 34 + 3 * 64 * 4);
    expect(sizes['Q8_0']!).toBeLessThan(sizes['F16']!);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const digest = async (name: string, seed: number): Promise<string> => {
      const path = join(directory, name);
      await writeTinyGguf(path, { seed, layers: 1, embeddingLength: 64, heads: 2, feedForwardLength: 64 });
      return createHash('sha256').update(readFileSync(path)).digest('hex');
    };
    expect(await digest('a.gguf', 5)).toBe(await digest('b.gguf', 5));
    expect(await digest('c.gguf', 6)).not.toBe(await digest('a.gguf', 5));
  });

  it('refuses shapes llama.cpp would choke on, with ConfigError, before writing', async () => {
    const path = join(directory, 'bad.gguf');
    await expect(writeTinyGguf(path, { embeddingLength: 100, heads: 3 })).rejects.toThrow(/not divisible by heads 3/);
    await expect(writeTinyGguf(path, { heads: 4, keyValueHeads: 3 })).rejects.toThrow(/not divisible by keyValueHeads 3/);
    await expect(writeTinyGguf(path, { embeddingLength: 60, heads: 4 })).rejects.toThrow(/head size 15 must be even/);
    await expect(writeTinyGguf(path, { layers: 0 })).rejects.toThrow(/layers must be a positive integer/);
    await expect(writeTinyGguf(path, { feedForwardLength: 1.5 })).rejects.toBeInstanceOf(ConfigError);
    await expect(writeTinyGguf(path, { weightType: 'Q8_0', feedForwardLength: 100 })).rejects.toThrow(/multiple of 32/);
    await expect(writeTinyGguf(path, { weightScale: 0 })).rejects.toThrow(/weightScale/);
  });

  it('describes the 0.5B benchmark shape (not written here: 717 MB)', () => {
    expect(halfBillionParameterGgufShape).toMatchObject({ embeddingLength: 896, layers: 24, heads: 14, keyValueHeads: 2, feedForwardLength: 4864 });
  });
});
