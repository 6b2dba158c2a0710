import { type Static, type TSchema, Type } from 'typebox';
import { LocalizedText } from './common.js';
import { automationFilterDef } from './documents/automation-actions.js';
import { columnFieldDefinition } from './field.js';
import { FieldDefault, FieldValidation } from './field-types/define.js';
import { FilterCondition, RollupCondition, recursiveFilter } from './filter.js';

/**
 * Definitions every root document schema carries in `$defs`. Recursive filters and the 28 column field
 * types are written once and referenced (`#/$defs/...`) instead of being copied into every place that
 * holds them, which keeps the schemas small and ajv's compile time short.
 */
export const schemaDefs = {
  formloomText: LocalizedText,
  formloomFieldDefault: FieldDefault,
  formloomFieldValidation: FieldValidation,
  formloomColumnField: columnFieldDefinition,
  formloomFilter: recursiveFilter(FilterCondition, 'formloomFilter'),
  formloomRollupFilter: recursiveFilter(RollupCondition, 'formloomRollupFilter'),
  formloomAutomationFilter: automationFilterDef,
};

/** Makes `schema` a root schema: the same schema (and TS type) with {@link schemaDefs} attached. */
export function withDefs<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T>>({ ...schema, $defs: schemaDefs });
}
