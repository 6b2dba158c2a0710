export type { EngineOptions, LastPlan } from './core.js';
export { createEngine, type EngineWithInternals } from './engine.js';
export type { CommandContext, Engine } from './types.js';
