// Public surface of @worldloop/testkit: conformance suites and test doubles.
export * from './environment-conformance.js';
export * from './line-world-environment.js';
export * from './scripted-policy.js';
