// Public surface of @worldloop/gridworld: the environment, its registered specs and its vocabulary.
export * from './gridworld-environment.js';
export * from './gridworld-environments.js';
export * from './gridworld-vector-environment.js';
export * from './gridworld-observation.js';
export * from './gridworld-action-space.js';
export { targetFeatureNames } from './target-features.js';
export type { GridworldTaskName } from './gridworld-task.js';
export type { Mission, MissionKind } from './mission.js';
export type { ObjectDescription } from './object-description.js';
export * from './object-type.js';
export * from './color.js';
export * from './door-state.js';
export * from './direction.js';
export * from './primitive-action.js';
export * from './parse-action.js';
export { mapLegend } from './render-map.js';
