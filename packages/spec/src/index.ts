// Public surface of @worldloop/spec: contracts and errors, plus the checks the contracts define.
export * from './action-space.js';
export * from './agent-events.js';
export * from './embedder.js';
export * from './environment.js';
export * from './errors.js';
export * from './guard.js';
export * from './json.js';
export * from './language-model.js';
export * from './memory-store.js';
export * from './observation.js';
export * from './policy.js';
export * from './tool.js';
export * from './trajectory.js';
export * from './world-model.js';
export * from './reflector.js';
export * from './environment-checks.js';
