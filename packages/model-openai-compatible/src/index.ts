// Public surface of @worldloop/model-openai-compatible: one LanguageModel and one Embedder for OpenAI-compatible servers.
export * from './openai-compatible-model.js';
export * from './openai-compatible-embedder.js';
export type { BackendConnectionOptions } from './backend-connection-options.js';
export * from './server-profile.js';
export * from './server-probe.js';
export * from './concurrency-limiter.js';
export * from './retry-delay.js';
export { toolCallInstructions, toolCallResponseSchema, parseToolCallResponse, type ParsedToolCallResponse } from './json-schema-tool-mode.js';
export { buildChatRequestBody, type ChatRequestBody, type ChatRequestBodyOptions, type ToolRequestMode } from './chat-request-body.js';
export { chatCompletionResult, type ChatCompletionContext, type ChatCompletionResult } from './chat-completion-result.js';
