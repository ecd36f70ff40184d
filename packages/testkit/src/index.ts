// Public surface of @worldloop/testkit: conformance suites and test doubles.
export * from './environment-conformance.js';
export * from './line-world-environment.js';
export * from './scripted-policy.js';
export * from './tiny-gguf-writer.js';
export * from './generate-result.js';
export * from './model-latency.js';
export * from './fixed-model-latency.js';
export * from './batching-model-latency.js';
export * from './scripted-language-model.js';
export * from './recorded-language-model.js';
export * from './in-memory-memory-store.js';
export * from './memory-store-conformance.js';
export * from './gated-child-process.js';
export * from './print-line-sync.js';
export * from './stub-trajectory-store.js';
