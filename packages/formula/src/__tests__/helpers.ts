import { compile, type FieldTypeMap } from '../index.js';
import { CASE_NOW } from './cases.js';

/** Evaluates a formula with optional fields at the shared fixed moment. */
export function run(
  formula: string,
  scope: Record<string, unknown> = {},
  fields: FieldTypeMap = {},
): unknown {
  return compile(formula, fields).evaluate(scope, { now: CASE_NOW });
}

/** The error code a formula fails with (compile or evaluate), or undefined when it succeeds. */
export function failure(
  formula: string,
  scope: Record<string, unknown> = {},
  fields: FieldTypeMap = {},
): unknown {
  try {
    run(formula, scope, fields);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}
