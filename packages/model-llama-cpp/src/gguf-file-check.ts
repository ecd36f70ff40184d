// Checks a GGUF file's header in JavaScript before llama.cpp sees it: llama.cpp aborts the whole
// process (GGML_ASSERT, std::out_of_range) on some malformed files, so known cases are refused here.
import { open, stat } from 'node:fs/promises';
import { ConfigError } from '@worldloop/spec';
import { readGgufFileInfo } from 'node-llama-cpp';

/** What the check read from the file. */
export interface GgufFileSummary {
  /** `general.architecture`: `llama`, `qwen2`, ... */
  readonly architecture: string;
  /** `<architecture>.context_length`, when the file says. */
  readonly trainContextTokens: number | undefined;
  /** Whether the file carries a chat template (`tokenizer.chat_template`). */
  readonly hasChatTemplate: boolean;
  /** Size of the file in bytes. */
  readonly bytes: number;
}

// Dense transformer architectures whose loader divides by the head count and sizes the
// feed-forward block from the file: a missing key aborts the process instead of failing the load.
const DENSE_ATTENTION_ARCHITECTURES = new Set(['llama', 'mistral', 'qwen2', 'qwen3', 'gemma', 'gemma2', 'gemma3', 'phi3', 'granite']);

/**
 * Refuses, with `ConfigError` naming the file and the problem, what would crash or confuse
 * llama.cpp: a missing, unreadable or empty path or a directory, a file that does not start with the `GGUF` magic,
 * a header that does not parse or is cut short, no `general.architecture`, a dense attention model without a
 * positive `block_count`, `embedding_length`, `attention.head_count` or `feed_forward_length`
 * (or whose width does not split into its heads), and a llama tokenizer with lower-case byte
 * tokens (`<0xab>`). Reads only the header. Passing the check does not promise the load succeeds;
 * it promises a failing load throws instead of killing the process, for the cases known here.
 */
export async function checkGgufFile(path: string): Promise<GgufFileSummary> {
  let bytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ConfigError(`Model path ${path} is not a file: point modelPath at a .gguf file`);
    bytes = info.size;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`Model file ${path} does not exist or cannot be read: check modelPath`, { cause: error });
  }
  if (bytes === 0) throw new ConfigError(`Model file ${path} is empty (0 bytes): download or write it again`, { details: { path, bytes } });
  const buffer = Buffer.alloc(4);
  let bytesRead: number;
  try {
    const handle = await open(path, 'r');
    try {
      ({ bytesRead } = await handle.read(buffer, 0, 4, 0));
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new ConfigError(`Model file ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  // Only the bytes the file has: a file shorter than the magic is named by what it holds.
  const magic = buffer.subarray(0, bytesRead);
  if (bytesRead < 4 && 'GGUF'.startsWith(magic.toString('latin1'))) {
    throw new ConfigError(`Model file ${path} is cut short: it has ${bytesRead} bytes, fewer than a GGUF header needs; download or write it again`, { details: { path, bytes: bytesRead } });
  }
  if (magic.toString('latin1') !== 'GGUF') {
    throw new ConfigError(`Model file ${path} is not a GGUF file (it starts with bytes ${magic.toString('hex')}, not "GGUF"): convert it with llama.cpp's convert_hf_to_gguf.py`, {
      details: { path, magic: magic.toString('hex') },
    });
  }
  let metadata: Record<string, unknown>;
  let headerEnd: number;
  try {
    const info = await readGgufFileInfo(path, { logWarnings: false, sourceType: 'filesystem' });
    metadata = info.metadata as unknown as Record<string, unknown>;
    headerEnd = info.infoEndOffset ?? 0;
  } catch (error) {
    throw new ConfigError(`Model file ${path} has a GGUF header that does not parse: ${(error as Error).message}`, { cause: error });
  }
  // node-llama-cpp's reader reads past the end of a cut file as zeros instead of failing.
  if (headerEnd > bytes) {
    throw new ConfigError(`Model file ${path} is cut short: its GGUF header alone needs ${headerEnd} bytes and the file has ${bytes}; download or write it again`);
  }
  const general = record(metadata['general']);
  const architecture = general['architecture'];
  if (typeof architecture !== 'string' || architecture.length === 0) {
    throw new ConfigError(`Model file ${path} has no general.architecture in its GGUF metadata`);
  }
  const hyperParameters = record(metadata[architecture]);
  if (DENSE_ATTENTION_ARCHITECTURES.has(architecture)) {
    const attention = record(hyperParameters['attention']);
    const required: [string, unknown][] = [
      ['block_count', hyperParameters['block_count']],
      ['embedding_length', hyperParameters['embedding_length']],
      ['feed_forward_length', hyperParameters['feed_forward_length']],
      ['attention.head_count', attention['head_count']],
    ];
    for (const [key, value] of required) {
      if (!isPositive(value)) {
        throw new ConfigError(`Model file ${path} lacks a positive ${architecture}.${key} (found ${describe(value)}); llama.cpp would abort the process loading it`, {
          details: { path, key: `${architecture}.${key}`, value: describe(value) },
        });
      }
    }
    const width = hyperParameters['embedding_length'];
    const heads = attention['head_count'];
    if (typeof width === 'number' && typeof heads === 'number' && attention['key_length'] === undefined && width % heads !== 0) {
      throw new ConfigError(`Model file ${path}: ${architecture}.embedding_length ${width} does not split into ${heads} heads; llama.cpp would abort loading it`);
    }
  }
  const tokenizer = record(record(metadata['tokenizer'])['ggml']);
  if (tokenizer['model'] === 'llama' && Array.isArray(tokenizer['tokens'])) {
    const lowerCase = (tokenizer['tokens'] as unknown[]).find((token) => typeof token === 'string' && /^<0x(?=[0-9a-f]*[a-f])[0-9a-f]{2}>$/.test(token));
    if (lowerCase !== undefined) {
      throw new ConfigError(`Model file ${path} has the byte token ${String(lowerCase)} in lower-case hex; llama.cpp needs <0xAB> and would abort the process`);
    }
  }
  const contextLength = hyperParameters['context_length'];
  const hasChatTemplate = typeof record(metadata['tokenizer'])['chat_template'] === 'string';
  return { architecture, trainContextTokens: isPositive(contextLength) ? Number(contextLength) : undefined, hasChatTemplate, bytes };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function isPositive(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.some((item) => isPositive(item));
  return (typeof value === 'number' || typeof value === 'bigint') && Number(value) > 0;
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : typeof value === 'bigint' ? `${value}` : JSON.stringify(value);
}
