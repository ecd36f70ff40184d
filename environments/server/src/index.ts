// Public surface of @worldloop/environment-server: serve any EnvironmentSpec over the AgentGym protocol.
export * from './environment-server.js';
export * from './environment-instances.js';
export * from './request-error.js';
