import { FunctionRegistry } from '../registry.js';
import { contextFunctions } from './context.js';
import { dateFunctions } from './date.js';
import { logicFunctions } from './logic.js';
import { mathFunctions } from './math.js';
import { statisticsFunctions } from './stats.js';
import { textFunctions } from './text.js';
import { tierFunctions } from './tiered.js';

/** A new registry holding every built-in function; extend it with `register`. */
export function createDefaultRegistry(): FunctionRegistry {
  return new FunctionRegistry().registerAll([
    ...mathFunctions,
    ...textFunctions,
    ...dateFunctions,
    ...logicFunctions,
    ...statisticsFunctions,
    ...tierFunctions,
    ...contextFunctions,
  ]);
}

/** The shared built-in registry that compile() uses unless given another. */
export const defaultRegistry: FunctionRegistry = createDefaultRegistry();
