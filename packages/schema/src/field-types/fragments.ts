import type { BaseField, JsonSchemaObject } from './define.js';

/** Custom string formats the compiled submission schemas use (register them when using another validator). */
export const SUBMISSION_FORMATS = {
  /** An ObjectId: 24 hex digits. */
  'object-id': /^[0-9a-fA-F]{24}$/,
  /** A phone number: optional `+`, then digits with spaces, dashes or parentheses; 5 to 20 characters. */
  phone: /^\+?[0-9(][0-9 ()-]{3,18}[0-9]$/,
} as const;

/**
 * Whether `value` has at most `decimals` decimal places, allowing the float noise of arithmetic done by
 * clients (0.1 + 0.2 passes for 2 places, 1.005 does not) at any magnitude.
 */
export function hasMaxDecimals(value: number, decimals: number): boolean {
  const scaled = value * 10 ** decimals;
  if (!Number.isFinite(scaled)) return false;
  return Math.abs(scaled - Math.round(scaled)) <= Math.max(1e-7, Math.abs(scaled) * 4e-16);
}

/** An ObjectId string. */
export const objectId: JsonSchemaObject = { type: 'string', format: 'object-id' };

/** One id or a list of distinct ids, by the field's `multiple` flag. */
export function idOrIds(multiple: boolean | undefined, field: BaseField): JsonSchemaObject {
  return multiple ? withCount({ type: 'array', items: objectId, uniqueItems: true }, field) : objectId;
}

/** Applies `validation.min/max` of a list field as item counts. */
export function withCount(schema: JsonSchemaObject, field: BaseField): JsonSchemaObject {
  const v = field.validation;
  const out = { ...schema };
  if (typeof v?.min === 'number') out.minItems = v.min;
  if (typeof v?.max === 'number') out.maxItems = v.max;
  return out;
}

/** Applies numeric `validation.min/max` and a decimal precision to a number schema. */
export function numberSchema(field: BaseField, decimals: number | undefined): JsonSchemaObject {
  const out: JsonSchemaObject = { type: 'number' };
  if (decimals !== undefined) {
    // Not `multipleOf`: its float division wrongly rejects large amounts (12345678.91 / 0.01) in ajv.
    if (decimals === 0) out.type = 'integer';
    else out.maxDecimals = decimals;
  }
  const v = field.validation;
  if (typeof v?.min === 'number') out.minimum = v.min;
  if (typeof v?.max === 'number') out.maximum = v.max;
  return out;
}

/** Applies length and pattern validation to a string schema, capping the length at `cap`. */
export function stringSchema(field: BaseField, cap: number, extra: JsonSchemaObject = {}): JsonSchemaObject {
  const v = field.validation;
  const out: JsonSchemaObject = { type: 'string', maxLength: Math.min(v?.maxLength ?? cap, cap), ...extra };
  if (v?.minLength !== undefined) out.minLength = v.minLength;
  if (v?.pattern !== undefined) out.pattern = v.pattern;
  return out;
}

/** A reference to a stored file, as attachment, image and signature fields hold. */
export function fileRef(mimePattern?: string): JsonSchemaObject {
  return {
    type: 'object',
    required: ['id', 'name', 'size', 'mime'],
    additionalProperties: false,
    properties: {
      id: objectId,
      name: { type: 'string', minLength: 1, maxLength: 255 },
      size: { type: 'integer', minimum: 0 },
      mime: { type: 'string', maxLength: 255, ...(mimePattern ? { pattern: mimePattern } : {}) },
    },
  };
}
