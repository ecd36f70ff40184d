// Public surface of @worldloop/textcraft: the environment, its registered specs, the world's
// building blocks (recipes, books, generator, curated set) and the expert's planner.
export * from './textcraft-environment.js';
export * from './textcraft-environments.js';
export * from './textcraft-families.js';
export * from './textcraft-observation.js';
export * from './textcraft-action-space.js';
export * from './parse-command.js';
export * from './recipe.js';
export * from './recipe-book.js';
export * from './crafting-task.js';
export * from './crafting-depth.js';
export * from './curated-recipe-book.js';
export * from './generate-crafting-task.js';
export * from './list-crafting-commands.js';
export * from './plan-crafting.js';
export * from './describe-inventory.js';
export * from './item-id.js';
export { SeededRandom } from './seeded-random.js';
