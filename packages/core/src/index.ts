// Public surface of @worldloop/core: the agent loop, tools, the runner and model-free policies.
export * from './agent.js';
export * from './agent-event-bus.js';
export * from './define-tool.js';
export * from './environment-registry.js';
export * from './expert-policy.js';
export * from './observation-record.js';
export * from './random-policy.js';
export * from './runner.js';
export * from './seeded-random.js';
export * from './tool-registry.js';
export * from './tool-call-text-parser.js';
export * from './token-estimator.js';
export * from './prompt-builder.js';
export * from './action-reply-parser.js';
export * from './llm-policy.js';
