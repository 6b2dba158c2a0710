import { automationActions } from '@formloom/schema';
import { blankOf, type Schema } from '../designer/schema-shapes';
import type { ActionJson, AutomationJson } from './automation-api';

/** A new action of a registry type with the required settings its schema asks for. */
export function newAction(type: string): ActionJson {
  const schema = automationActions.get(type)?.config as unknown as Schema | undefined;
  return { type, config: (blankOf(schema, 0) as Record<string, unknown> | undefined) ?? {} };
}

/** The definition as edited: `enabled` lives on the stored automation (its switch), not in the draft. */
export function draftOf(definition: AutomationJson): AutomationJson {
  const { enabled: _enabled, ...rest } = definition;
  return rest;
}
