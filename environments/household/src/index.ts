// Public surface of @worldloop/household: the environment, its registered specs, the command
// language, the world's rules and vocabulary.
export * from './household-environment.js';
export * from './household-environments.js';
export * from './household-observation.js';
export * from './household-action-space.js';
export * from './household-command.js';
export * from './parse-household-command.js';
export * from './household-task-families.js';
export * from './household-state.js';
export * from './household-world.js';
export * from './generate-household-level.js';
export * from './plan-household-expert.js';
export * from './object-kinds.js';
export * from './receptacle-kinds.js';
export * from './scene-templates.js';
export * from './list-phrase.js';
