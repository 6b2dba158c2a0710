import { applyDefaults as withDefaults } from '@formloom/form-runtime';
import type { FormTarget } from './context.js';

/**
 * Fills fields the client left out with their default: a constant, or a formula over what was sent.
 * Runs before validation, so a required field with a default is satisfied by it. The rule itself lives
 * in @formloom/form-runtime, so the browser fills new forms the same way.
 */
export function applyDefaults(target: FormTarget, input: Record<string, unknown>): Record<string, unknown> {
  // CURRENT_USER() in a default names the member writing the record.
  const user = target.caller.userId.toHexString();
  return withDefaults(target.form.definition.fields, target.directory, input, target.now, user);
}
