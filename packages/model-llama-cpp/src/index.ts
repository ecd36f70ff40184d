// Public surface of @worldloop/model-llama-cpp: GGUF models in-process through node-llama-cpp.
export * from './llama-cpp-model.js';
export * from './llama-cpp-embedder.js';
export type { GgufModelLoadOptions } from './gguf-model-loader.js';
export * from './gguf-file-check.js';
