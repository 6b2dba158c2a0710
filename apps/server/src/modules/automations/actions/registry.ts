import { automationActions, Registry } from '@formloom/schema';
import type { RunContext } from '../context.js';
import type { Effect } from '../model.js';

/** One action of a run being executed. */
export interface ActionRun {
  ctx: RunContext;
  index: number;
  /** `<run key>:<index>`: the idempotency key of the action's effects (items add `:<item id>`). */
  key: string;
  /** JSON pointer of the action in the automation, for error details. */
  path: string;
}

/** Executes one action type; its config has passed that type's schema. Answers what it did. */
export type ActionExecutor = (run: ActionRun, config: Record<string, unknown>) => Promise<Effect[]>;

/** The executors of the automation-action registry, one per key of `automationActions` (packages/schema). */
export const actionExecutors = new Registry<ActionExecutor>('automation action executor');

/** Registers an executor for a registered action type. */
export function registerExecutor<C>(
  type: string,
  executor: (run: ActionRun, config: C) => Promise<Effect[]>,
): void {
  if (!automationActions.has(type)) throw new Error(`"${type}" is not in the automation-action registry`);
  actionExecutors.register(type, executor as unknown as ActionExecutor);
}

/** Throws when a registered action type has no executor (checked when the module loads). */
export function assertComplete(): void {
  const missing = automationActions.keys().filter((key) => !actionExecutors.has(key));
  if (missing.length > 0) throw new Error(`automation actions without an executor: ${missing.join(', ')}`);
}
