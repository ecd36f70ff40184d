// Public surface of @worldloop/agentgym: environments served over the AgentGym HTTP protocol.
export * from './agentgym-environment.js';
export * from './agentgym-environment-spec.js';
export * from './agentgym-action-space.js';
export * from './agentgym-http-transport.js';
export * from './available-actions-text.js';
export * from './environment-server-error.js';
