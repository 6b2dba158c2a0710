import type { ValidateFunction } from 'ajv/dist/2020.js';
import { run, sharedAjv } from './ajv.js';
import { type AnyFieldTypeDef, fieldTypes } from './field.js';
import type { BaseField, JsonSchemaObject, SubmissionContext } from './field-types/define.js';
import { objectId } from './field-types/fragments.js';
import { type Issue, issue } from './issues.js';
import type { Registry } from './registry.js';

/** A form as the compiler reads it: its key and fields. */
export interface SubmissionForm {
  readonly key: string;
  readonly fields: readonly BaseField[];
}

/** Options of {@link compileSubmissionSchema}. */
export interface SubmissionOptions {
  /** For PATCH: no top-level field is required (subform rows, sent whole, still are). */
  readonly partial?: boolean;
  /** Field-type registry (default: the built-in types). */
  readonly registry?: Registry<AnyFieldTypeDef>;
}

/** Required values must be non-empty, not merely present: `""` and `[]` are no answer. */
function requireValue(schema: JsonSchemaObject): JsonSchemaObject {
  if (schema.type === 'string') return { ...schema, minLength: Math.max(1, Number(schema.minLength ?? 0)) };
  if (schema.type === 'array') return { ...schema, minItems: Math.max(1, Number(schema.minItems ?? 0)) };
  return schema;
}

/** Optional values may be `null` (cleared); `enum` must list null too, other keywords ignore it. */
function allowNull(schema: JsonSchemaObject): JsonSchemaObject {
  const out: JsonSchemaObject = { ...schema, type: [schema.type, 'null'] };
  if (Array.isArray(schema.enum)) out.enum = [...schema.enum, null];
  return out;
}

function compileObject(
  fields: readonly BaseField[],
  registry: Registry<AnyFieldTypeDef>,
  requireFields: boolean,
  extra: Record<string, JsonSchemaObject> = {},
): JsonSchemaObject {
  const ctx: SubmissionContext = {
    compileRow: (columns) => compileObject(columns, registry, true, { _id: objectId }),
  };
  const properties: Record<string, JsonSchemaObject> = { ...extra };
  const required: string[] = [];
  const rules: JsonSchemaObject[] = [];
  for (const field of fields) {
    const def = registry.require(field.type);
    // Computed fields are written by the server; hidden (removed) fields take no new data.
    if (def.computed || !def.submission || field.hidden) continue;
    const fragment = def.submission(field, ctx);
    if (field.required && requireFields) {
      required.push(field.key);
      properties[field.key] = requireValue(fragment);
    } else {
      properties[field.key] = allowNull(fragment);
    }
    rules.push(...(def.rowRules?.(field) ?? []));
  }
  const out: JsonSchemaObject = { type: 'object', additionalProperties: false, properties };
  if (required.length > 0) out.required = required;
  if (rules.length > 0) out.allOf = rules;
  return out;
}

/**
 * The JSON Schema (draft 2020-12) of a record's `data` for `form`: every field the client may set, with
 * strict types (no coercion), required fields, bounds, lengths, patterns, option values (cascades
 * included), formats and precision; subform rows as arrays of row objects (each may carry an `_id`).
 * Unknown keys are rejected. Computed fields (formula, lookup, rollup, serial, system) are left out, so
 * a client value for one is rejected too: call {@link stripComputed} first to ignore such values instead.
 * Uses the formats `date`, `date-time`, `email`, `uri` (ajv-formats) and `object-id`, `phone`
 * (`SUBMISSION_FORMATS`), `formatMinimum`/`formatMaximum` for date bounds, and the keyword
 * `maxDecimals` for precision; `addFormloomVocabulary(ajv)` registers the non-standard ones.
 */
export function compileSubmissionSchema(
  form: SubmissionForm,
  options: SubmissionOptions = {},
): JsonSchemaObject {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...compileObject(form.fields, options.registry ?? fieldTypes, !options.partial),
  };
}

const cache = new WeakMap<SubmissionForm, Map<string, ValidateFunction>>();

/** Compiles (once per form object and mode) the validator of a form's submissions. */
function validatorFor(form: SubmissionForm, options: SubmissionOptions): ValidateFunction {
  let byMode = cache.get(form);
  if (!byMode) {
    byMode = new Map();
    cache.set(form, byMode);
  }
  const mode = `${options.partial ? 'partial' : 'full'}`;
  let validate = options.registry ? undefined : byMode.get(mode);
  if (!validate) {
    const { $schema: _ignored, ...schema } = compileSubmissionSchema(form, options);
    validate = sharedAjv().compile(schema);
    if (!options.registry) byMode.set(mode, validate);
  }
  return validate;
}

/**
 * Validates a record's `data` against {@link compileSubmissionSchema}; issues carry JSON-pointer paths
 * into `data` (`/items/3/qty`). A value for a computed field is reported as `submission.computed`.
 * Formula validations, visibility rules and uniqueness need the server and are not checked here.
 */
export function validateSubmission(
  form: SubmissionForm,
  data: unknown,
  options: SubmissionOptions = {},
): Issue[] {
  const registry = options.registry ?? fieldTypes;
  const issues = run(validatorFor(form, options), data);
  // Computed keys only name issues (the form's are kept per definition, fieldIndex): a valid submission
  // built the set for nothing on every write.
  if (issues.length === 0) return issues;
  const top = fieldIndex(form.fields, registry).computed;
  return issues.map((i) => {
    if (i.code !== 'schema.additionalProperties') return i;
    const key = String(i.params.additionalProperty);
    const parts = i.path.split('/').slice(1);
    const sub = parts.length === 3 ? form.fields.find((f) => f.key === parts[0]) : undefined;
    const columns = (sub as { columns?: readonly BaseField[] } | undefined)?.columns;
    const isComputed =
      parts.length === 1 ? top.has(key) : columns ? fieldIndex(columns, registry).computed.has(key) : false;
    return isComputed ? issue('submission.computed', i.path, { field: key }) : i;
  });
}

const indexes = new WeakMap<
  readonly BaseField[],
  { registry: Registry<AnyFieldTypeDef>; byKey: Map<string, BaseField>; computed: Set<string> }
>();

/** A form's fields by key and the keys of its computed ones, built once per fields array and registry. */
function fieldIndex(fields: readonly BaseField[], registry: Registry<AnyFieldTypeDef>) {
  let index = indexes.get(fields);
  if (!index || index.registry !== registry) {
    index = {
      registry,
      byKey: new Map(fields.map((f) => [f.key, f])),
      computed: new Set(fields.filter((f) => registry.get(f.type)?.computed).map((f) => f.key)),
    };
    indexes.set(fields, index);
  }
  return index;
}

/**
 * A copy of `data` without values for computed fields (also inside subform rows), which is how the server
 * ignores what a client sends for them. Other keys are kept, so unknown keys still fail validation.
 */
export function stripComputed(
  form: SubmissionForm,
  data: Readonly<Record<string, unknown>>,
  registry: Registry<AnyFieldTypeDef> = fieldTypes,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const { byKey, computed } = fieldIndex(form.fields, registry);
  for (const [key, value] of Object.entries(data)) {
    const field = byKey.get(key);
    if (computed.has(key)) continue;
    const columns = (field as { columns?: readonly BaseField[] } | undefined)?.columns;
    if (field?.type === 'subform' && columns && Array.isArray(value)) {
      const sub = { key: `${form.key}.${key}`, fields: columns };
      out[key] = value.map((row) =>
        typeof row === 'object' && row !== null && !Array.isArray(row)
          ? stripComputed(sub, row as Record<string, unknown>, registry)
          : row,
      );
    } else {
      out[key] = value;
    }
  }
  return out;
}
