// Public surface of @worldloop/world-model: world models, planners that imagine with them, the
// offline default agent, and world-model evaluation.
export * from './imagining-world-model.js';
export * from './feature-state-key.js';
export * from './simulator-world-model.js';
export * from './tabular-world-model.js';
export * from './language-world-model.js';
export * from './random-world-model.js';
export * from './trajectory-transitions.js';
export * from './world-model-environment.js';
export * from './planner.js';
export * from './random-argmax.js';
export * from './shuffled-indices.js';
export * from './lookahead-planner.js';
export * from './mcts-planner.js';
export * from './world-model-planner-policy.js';
export * from './agent-situations.js';
export * from './imagine-tool.js';
export * from './behaviour-policy.js';
export * from './real-trajectory.js';
export * from './world-model-accuracy.js';
export * from './offline-agent.js';
export * from './policy-success.js';
export * from './world-model-comparison.js';
