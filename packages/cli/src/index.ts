// Public surface of @worldloop/cli: the command as a function, for embedding and tests.
export * from './cli-io.js';
export * from './main.js';
