// checkGgufFile refuses, in JavaScript, the files that would make llama.cpp abort the process
// (checked by hand: a missing feed_forward_length or head_count hits GGML_ASSERT at load, a
// lower-case byte token throws std::out_of_range at the first tokenize). llama.cpp never sees them here.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@worldloop/spec';
import { writeTinyGguf } from '@worldloop/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGgufFile } from './gguf-file-check.js';

const directory = mkdtempSync(join(tmpdir(), 'worldloop-gguf-check-'));
const goodPath = join(directory, 'good.gguf');
let good: Buffer;

beforeAll(async () => {
  await writeTinyGguf(goodPath, { layers: 1, embeddingLength: 64, heads: 2, feedForwardLength: 64, contextLength: 1024 });
  good = readFileSync(goodPath);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A copy of the good file with `from` overwritten by `to` (same length, so offsets hold). */
function patched(name: string, from: string, to: string): string {
  expect(to.length).toBe(from.length);
  const bytes = Buffer.from(good);
  const at = bytes.indexOf(Buffer.from(from, 'latin1'));
  expect(at).toBeGreaterThan(0);
  bytes.write(to, at, 'latin1');
  const path = join(directory, name);
  writeFileSync(path, bytes);
  return path;
}

describe('checkGgufFile', () => {
  it('summarises a good file', async () => {
    expect(await checkGgufFile(goodPath)).toEqual({ architecture: 'llama', trainContextTokens: 1024, hasChatTemplate: false, bytes: good.length });
  });

  it('refuses a missing path, a directory and a file that is not GGUF', async () => {
    await expect(checkGgufFile(join(directory, 'nope.gguf'))).rejects.toThrow(/does not exist or cannot be read/);
    const folder = join(directory, 'folder.gguf');
    mkdirSync(folder);
    await expect(checkGgufFile(folder)).rejects.toThrow(/is not a file/);
    const text = join(directory, 'text.gguf');
    writeFileSync(text, '{"not": "gguf"}');
    await expect(checkGgufFile(text)).rejects.toThrow(/is not a GGUF file \(it starts with bytes 7b226e6f/);
  });

  it('says a file is empty or cut inside the magic rather than name bytes it does not have', async () => {
    const empty = join(directory, 'empty.gguf');
    writeFileSync(empty, '');
    await expect(checkGgufFile(empty)).rejects.toThrow(/Model file .*empty\.gguf is empty \(0 bytes\): download or write it again/);
    const stub = join(directory, 'stub.gguf');
    writeFileSync(stub, 'GG');
    await expect(checkGgufFile(stub)).rejects.toThrow(/stub\.gguf is cut short: it has 2 bytes/);
    const other = join(directory, 'other.gguf');
    writeFileSync(other, 'ab');
    await expect(checkGgufFile(other)).rejects.toThrow(/other\.gguf is not a GGUF file \(it starts with bytes 6162, not "GGUF"\)/);
  });

  it('refuses a file cut inside its header', async () => {
    for (const length of [100, 3000]) {
      const path = join(directory, `cut-${length}.gguf`);
      writeFileSync(path, good.subarray(0, length));
      await expect(checkGgufFile(path)).rejects.toThrow(new RegExp(`is cut short: its GGUF header alone needs \\d+ bytes and the file has ${length}`));
    }
  });

  it.each([
    ['llama.feed_forward_length', 'llama.feed_forward_lengtX', /lacks a positive llama\.feed_forward_length \(found nothing\)/],
    ['llama.attention.head_count\u0004', 'llama.attention.head_counX\u0004', /lacks a positive llama\.attention\.head_count/],
    ['llama.block_count', 'llama.block_counX', /lacks a positive llama\.block_count/],
    ['general.architecture', 'general.architecturX', /has no general\.architecture/],
    ['<0xAB>', '<0xab>', /byte token <0xab> in lower-case hex/],
  ])('refuses a file where %j became %j', async (from, to, message) => {
    const path = patched(`patched-${to.replace(/\W/g, '')}.gguf`, from, to);
    const failure = checkGgufFile(path);
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(message);
  });
});
