// Loads llama.cpp's binaries and one GGUF file through node-llama-cpp, after checking the file's header.
// Never compiles llama.cpp unless asked; on failure frees what it loaded and throws a worldloop error.
import { ConfigError, ModelBackendError } from '@worldloop/spec';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';
import { checkGgufFile, type GgufFileSummary } from './gguf-file-check.js';

/** Where the model is and how llama.cpp runs it; shared by the model and the embedder of this package. */
export interface GgufModelLoadOptions {
  /** Path of the `.gguf` file. */
  readonly modelPath: string;
  /** Compute backend. Default `auto` (CUDA, Vulkan or Metal when present, else CPU); `false` forces the CPU. */
  readonly gpu?: 'auto' | 'cuda' | 'vulkan' | 'metal' | false;
  /** Allow node-llama-cpp to compile llama.cpp (minutes) when no usable binary exists. Default false: fail instead. */
  readonly buildFromSource?: boolean;
  /** Least severe llama.cpp log level printed. Default `warn`. */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
  /**
   * CPU threads for evaluation. Default on the CPU: one less than the cores useful for math (at
   * least 1), since node-llama-cpp's own default oversubscribes small machines and crawls; with a
   * GPU, node-llama-cpp's default.
   */
  readonly threads?: number;
}

/** A loaded model with the llama.cpp instance that owns it; dispose the model, then the instance. */
export interface LoadedGgufModel {
  readonly llama: Llama;
  readonly model: LlamaModel;
  /** What the header check read. */
  readonly summary: GgufFileSummary;
  /** Threads to pass to a context (undefined: node-llama-cpp's default). */
  readonly threads: number | undefined;
}

const LOG_LEVELS = { error: LlamaLogLevel.error, warn: LlamaLogLevel.warn, info: LlamaLogLevel.info, debug: LlamaLogLevel.debug } as const;

/**
 * Checks the file (ConfigError for a missing or malformed one, before llama.cpp reads it), loads
 * llama.cpp's binaries for `gpu` and the model (ModelBackendError when either fails). `owner` names
 * the class in messages.
 */
export async function loadGgufModel(owner: string, options: GgufModelLoadOptions): Promise<LoadedGgufModel> {
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new ConfigError(`${owner} option threads must be a positive integer, got ${options.threads}`);
  }
  const summary = await checkGgufFile(options.modelPath);
  let llama: Llama;
  try {
    llama = await getLlama({
      gpu: options.gpu ?? 'auto',
      build: options.buildFromSource ? 'auto' : 'never',
      logLevel: LOG_LEVELS[options.logLevel ?? 'warn'],
    });
  } catch (error) {
    throw new ModelBackendError(
      `Cannot load llama.cpp's binaries for gpu ${JSON.stringify(options.gpu ?? 'auto')}: ${(error as Error).message}. ` +
        'Install the prebuilt for this platform (@node-llama-cpp/<platform>), pass gpu: false, or allow buildFromSource.',
      { cause: error },
    );
  }
  try {
    const model = await llama.loadModel({ modelPath: options.modelPath });
    // On 2 vCPUs node-llama-cpp's default (at least 4 threads) ran ~2 tokens/s against ~1,000 with 1.
    const threads = options.threads ?? (llama.gpu === false ? Math.max(1, llama.cpuMathCores - 1) : undefined);
    return { llama, model, summary, threads };
  } catch (error) {
    await llama.dispose().catch(() => undefined);
    throw new ModelBackendError(`llama.cpp could not load ${options.modelPath}: ${(error as Error).message}`, { cause: error });
  }
}
