import { type Static, Type } from 'typebox';
import { Formula, KeyRef } from '../common.js';
import { RollupFilter } from '../filter.js';
import { checkFilterFields, walkConditions } from '../filter-walk.js';
import { type Issue, issue, pointer } from '../issues.js';
import { ui } from '../ui-hints.js';
import {
  type BaseField,
  defineFieldType,
  type FieldCheckContext,
  FORMULA_VALUE_TYPES,
  type FormulaTypeContext,
  type FormulaValueType,
  listOf,
} from './define.js';
import { idOrIds } from './fragments.js';

function findInScope(ctx: FieldCheckContext, key: string, at: string, out: Issue[]): BaseField | undefined {
  const f = ctx.scope.find((x) => x.key === key);
  if (!f) out.push(issue('ref.field', at, { form: ctx.form.key, field: key }));
  return f;
}

function findInForm(ctx: FieldCheckContext, formKey: string, key: string, at: string, out: Issue[]) {
  const form = ctx.findForm(formKey);
  if (!form) return undefined;
  const f = form.fields.find((x) => x.key === key);
  if (!f) out.push(issue('ref.field', at, { form: formKey, field: key }));
  return f;
}

function checkForm(ctx: FieldCheckContext, formKey: string, at: string, out: Issue[]): boolean {
  if (!ctx.knowsAllForms) return false;
  if (ctx.findForm(formKey)) return true;
  out.push(issue('ref.form', at, { form: formKey }));
  return false;
}

/**
 * Checks conditions over the records of `formKey` (rollups, auto-links): their fields against that form,
 * their `$field` / `$recordPeriod` operands against the scope of the field holding them.
 */
function checkHostConditions(
  ctx: FieldCheckContext,
  formKey: string,
  conditions: unknown,
  at: string,
  out: Issue[],
): void {
  const target = ctx.findForm(formKey);
  if (target && conditions) out.push(...checkFilterFields(target, conditions as never, at));
  walkConditions(conditions as never, at, (c, p) => {
    const operands = Array.isArray(c.value) ? c.value : [c.value];
    operands.forEach((v) => {
      for (const ref of operandFields(v)) findInScope(ctx, ref, pointer(p, 'value'), out);
    });
  });
}

/**
 * Records of another form: one, or several with `multiple`; `displayField` is shown for each. With
 * `autoLink` (conditions over the related form's records, `$field` operands reading this record) the server
 * links the most recently created matching record (every one, up to 1,000, when `multiple`) whenever a
 * record is saved with the relation empty.
 */
export const relationType = defineFieldType({
  type: 'relation',
  config: {
    form: KeyRef({ ref: 'form' }),
    multiple: Type.Optional(Type.Boolean()),
    displayField: Type.Optional(KeyRef({ ref: 'field', of: 'form:form' })),
    autoLink: Type.Optional(
      Type.Unsafe<Static<typeof RollupFilter>>({
        ...RollupFilter,
        ...ui({ widget: 'filter', of: 'form:form' }),
      }),
    ),
  },
  computed: false,
  component: 'RecordPicker',
  formulaType: (field) => (field.multiple ? 'text[]' : 'text'),
  submission: (field) => idOrIds(field.multiple, field),
  check: (field, ctx) => {
    const out: Issue[] = [];
    if (!checkForm(ctx, field.form, pointer(ctx.path, 'form'), out)) return out;
    if (field.displayField !== undefined) {
      findInForm(ctx, field.form, field.displayField, pointer(ctx.path, 'displayField'), out);
    }
    if (field.autoLink !== undefined)
      checkHostConditions(ctx, field.form, field.autoLink, pointer(ctx.path, 'autoLink'), out);
    return out;
  },
});

/** Reads field `field` of the record a relation field (`relation`) of this scope points to. */
export const lookupType = defineFieldType({
  type: 'lookup',
  config: {
    relation: KeyRef({ ref: 'field', of: 'scope', types: ['relation'] }),
    field: KeyRef({ ref: 'field', of: 'relation:relation' }),
  },
  computed: true,
  component: 'LookupValue',
  formulaType: (field, ctx: FormulaTypeContext): FormulaValueType => {
    const rel = ctx.scope.find((f) => f.key === field.relation) as
      | { form?: string; multiple?: boolean }
      | undefined;
    const target = rel?.form ? ctx.findForm(rel.form)?.fields.find((f) => f.key === field.field) : undefined;
    // Through a multiple relation the lookup yields one value per related record.
    if (!target || !rel?.form) return 'any';
    const kind = ctx.typeOf(target, rel.form);
    return rel.multiple ? listOf(kind) : kind;
  },
  check: (field, ctx) => {
    const out: Issue[] = [];
    const rel = findInScope(ctx, field.relation, pointer(ctx.path, 'relation'), out);
    if (rel && rel.type !== 'relation') {
      out.push(
        issue('ref.fieldType', pointer(ctx.path, 'relation'), {
          field: rel.key,
          expected: 'relation',
          actual: rel.type,
        }),
      );
    } else if (rel && ctx.knowsAllForms) {
      findInForm(ctx, String(rel.form), field.field, pointer(ctx.path, 'field'), out);
    }
    return out;
  },
});

/** Aggregates a field over the records of another form that match `conditions`. */
export const rollupType = defineFieldType({
  type: 'rollup',
  config: {
    form: KeyRef({ ref: 'form' }),
    /** The aggregated field of `form`; optional for `count`. */
    field: Type.Optional(KeyRef({ ref: 'field', of: 'form:form' })),
    aggregate: Type.Enum(['sum', 'count', 'avg', 'min', 'max', 'countDistinct']),
    conditions: Type.Optional(
      Type.Unsafe<Static<typeof RollupFilter>>({
        ...RollupFilter,
        ...ui({ widget: 'filter', of: 'form:form' }),
      }),
    ),
    precision: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  },
  computed: true,
  component: 'ComputedValue',
  starter: { aggregate: 'count' },
  formulaType: (field, ctx) => {
    if (field.aggregate === 'count' || field.aggregate === 'countDistinct') return 'number';
    const target = field.field
      ? ctx.findForm(field.form)?.fields.find((f) => f.key === field.field)
      : undefined;
    const kind = target ? ctx.typeOf(target, field.form) : 'number';
    if ((kind === 'date' || kind === 'datetime') && field.aggregate !== 'sum' && field.aggregate !== 'avg')
      return kind;
    return kind === 'money' || (kind === 'percent' && field.aggregate !== 'sum') ? kind : 'number';
  },
  check: (field, ctx) => {
    const out: Issue[] = [];
    if (field.aggregate !== 'count' && field.field === undefined) {
      out.push(issue('schema.required', ctx.path, { missingProperty: 'field' }));
    }
    if (!checkForm(ctx, field.form, pointer(ctx.path, 'form'), out)) return out;
    if (field.field !== undefined) findInForm(ctx, field.form, field.field, pointer(ctx.path, 'field'), out);
    // `$field` operands name fields of the record that holds the rollup.
    checkHostConditions(ctx, field.form, field.conditions, pointer(ctx.path, 'conditions'), out);
    return out;
  },
});

function operandFields(v: unknown): string[] {
  if (typeof v !== 'object' || v === null) return [];
  const o = v as { $field?: string; $recordPeriod?: { start: string; unit: unknown } };
  if (o.$field !== undefined) return [o.$field];
  if (o.$recordPeriod) return [o.$recordPeriod.start, ...operandFields(o.$recordPeriod.unit)];
  return [];
}

/** A value computed by a formula over the record's other fields. */
export const formulaType = defineFieldType({
  type: 'formula',
  config: {
    expression: Formula,
    /** Declared result type; the formula package checks it against the inferred one. */
    resultType: Type.Optional(Type.Enum(FORMULA_VALUE_TYPES)),
    precision: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  },
  computed: true,
  component: 'ComputedValue',
  starter: { resultType: 'number' },
  formulaType: (field) => field.resultType ?? 'any',
  expressions: (field) => [{ path: '/expression', expression: field.expression }],
});

/** One part of a serial-number pattern: literal text, a date part, or the sequence. */
export const SerialPart = Type.Union([
  Type.Object({ text: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false }),
  Type.Object(
    { date: Type.Enum(['YYYY', 'YY', 'MM', 'DD', 'YYYYMM', 'YYYYMMDD', 'YYMMDD']) },
    { additionalProperties: false },
  ),
  Type.Object({ seq: Type.Integer({ minimum: 1, maximum: 12 }) }, { additionalProperties: false }),
]);

/**
 * A number assigned by the server on create, atomic and gap-free per form: e.g. parts
 * `[{text:'Q-'}, {date:'YYYYMM'}, {text:'-'}, {seq:4}]` give `Q-202601-0007`. The sequence restarts each
 * `reset` period (default never).
 */
export const serialType = defineFieldType({
  type: 'serial',
  config: {
    pattern: Type.Array(SerialPart, {
      minItems: 1,
      maxItems: 10,
      contains: Type.Object({ seq: Type.Integer() }, { required: ['seq'] }),
      maxContains: 1,
    }),
    reset: Type.Optional(Type.Enum(['never', 'day', 'month', 'year'])),
  },
  computed: true,
  component: 'SerialValue',
  starter: { pattern: [{ seq: 4 }] },
  formulaType: () => 'text',
});

/** Record properties shown as fields: who created or owns the record, its department, its times. */
export const systemType = defineFieldType({
  type: 'system',
  config: { source: Type.Enum(['creator', 'owner', 'department', 'createdAt', 'updatedAt']) },
  computed: true,
  component: 'SystemValue',
  starter: { source: 'createdAt' },
  formulaType: (field) => {
    switch (field.source) {
      case 'creator':
      case 'owner':
        return 'member';
      case 'department':
        return 'text';
      default:
        return 'datetime';
    }
  },
});
