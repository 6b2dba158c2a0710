import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import {
  builtinFieldTypes,
  createFieldTypeRegistry,
  defineFieldType,
  FORMULA_VALUE_TYPES,
  fieldTypes,
  Registry,
} from '../index.js';

describe('Registry', () => {
  it('throws on a duplicate key and keeps the first entry', () => {
    const r = new Registry<number>('thing').register('a', 1);
    expect(() => r.register('a', 2)).toThrow('thing "a" is already registered');
    expect(r.get('a')).toBe(1);
    expect(r.keys()).toEqual(['a']);
  });

  it('require() throws on an unknown key', () => {
    expect(() => new Registry<number>('thing').require('zz')).toThrow('unknown thing "zz"');
  });
});

describe('field-type registry', () => {
  it('holds every built-in type once, with a component and a config schema', () => {
    expect(fieldTypes.keys()).toHaveLength(builtinFieldTypes.length);
    for (const def of fieldTypes.values()) {
      expect(def.component).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(def.schema.properties.type).toMatchObject({ const: def.type });
      // Computed types never accept client values; the others must say how they do.
      expect(def.submission === undefined).toBe(def.computed);
    }
  });

  it('marks formula, lookup, rollup, serial and system as computed', () => {
    const computed = fieldTypes
      .values()
      .filter((d) => d.computed)
      .map((d) => d.type);
    expect(computed.sort()).toEqual(['formula', 'lookup', 'rollup', 'serial', 'system']);
  });

  it('refuses a second definition of a built-in type', () => {
    const again = defineFieldType({
      type: 'text',
      config: {},
      computed: false,
      component: 'Other',
      formulaType: () => 'text',
      submission: () => ({ type: 'string' }),
    });
    expect(() => createFieldTypeRegistry([...builtinFieldTypes, again])).toThrow(
      'field type "text" is already registered',
    );
  });

  it('accepts a new type with its own config schema', () => {
    const color = defineFieldType({
      type: 'color',
      config: { palette: Type.Optional(Type.Array(Type.String())) },
      computed: false,
      component: 'ColorPicker',
      formulaType: () => 'text',
      submission: () => ({ type: 'string', pattern: '^#[0-9a-f]{6}$' }),
    });
    const r = createFieldTypeRegistry([...builtinFieldTypes, color]);
    expect(r.require('color').schema.required).toContain('key');
  });

  it('maps each built-in type to a known formula value type', () => {
    const ctx = { findForm: () => undefined, scope: [], typeOf: () => 'any' as const };
    const sample: Record<string, Record<string, unknown>> = {
      money: { currency: 'CNY' },
      member: { multiple: true },
      system: { source: 'createdAt' },
      formula: { expression: '1', resultType: 'number' },
    };
    const seen: Record<string, string> = {};
    for (const def of fieldTypes.values()) {
      const field = { key: 'f', label: { en: 'F' }, type: def.type, ...(sample[def.type] ?? {}) } as never;
      const t = def.formulaType(field, ctx);
      expect(FORMULA_VALUE_TYPES).toContain(t);
      seen[def.type] = t;
    }
    expect(seen).toMatchObject({
      text: 'text',
      money: 'money',
      percent: 'percent',
      date: 'date',
      datetime: 'datetime',
      select: 'select',
      checkbox: 'multiselect',
      switch: 'boolean',
      member: 'member[]',
      system: 'datetime',
      formula: 'number',
      subform: 'any',
      serial: 'text',
    });
  });
});

describe('registry-driven compilation and formula kinds', () => {
  it('compiles submissions of a newly registered type through a custom registry', async () => {
    const { compileSubmissionSchema, validateSubmission } = await import('../index.js');
    const color = defineFieldType({
      type: 'color',
      config: {},
      computed: false,
      component: 'ColorPicker',
      formulaType: () => 'text',
      submission: () => ({ type: 'string', pattern: '^#[0-9a-f]{6}$' }),
    });
    const registry = createFieldTypeRegistry([...builtinFieldTypes, color]);
    const form = { key: 'f', fields: [{ key: 'c', type: 'color', label: { en: 'C' } }] };
    expect(compileSubmissionSchema(form, { registry })).toMatchObject({
      properties: { c: { pattern: '^#[0-9a-f]{6}$' } },
    });
    expect(validateSubmission(form, { c: '#00ff00' }, { registry })).toEqual([]);
    expect(validateSubmission(form, { c: 'green' }, { registry }).map((i) => i.code)).toEqual([
      'schema.pattern',
    ]);
    expect(() => validateSubmission(form, { c: '#00ff00' })).toThrow('unknown field type "color"');
  });

  it('derives lookup and rollup kinds from the fields they reach', async () => {
    const { formulaFieldMap } = await import('../index.js');
    const label = { en: 'L' };
    const orders = {
      key: 'orders',
      fields: [
        { key: 'amount', type: 'money', label, currency: 'CNY' },
        { key: 'placedOn', type: 'date', label },
        { key: 'rating', type: 'percent', label },
      ],
    };
    const client = {
      key: 'client',
      fields: [
        { key: 'orders', type: 'relation', label, form: 'orders', multiple: true },
        { key: 'first', type: 'relation', label, form: 'orders' },
        { key: 'amounts', type: 'lookup', label, relation: 'orders', field: 'amount' },
        { key: 'firstOn', type: 'lookup', label, relation: 'first', field: 'placedOn' },
        { key: 'lastOn', type: 'rollup', label, form: 'orders', field: 'placedOn', aggregate: 'max' },
        { key: 'spent', type: 'rollup', label, form: 'orders', field: 'amount', aggregate: 'sum' },
        { key: 'avgRating', type: 'rollup', label, form: 'orders', field: 'rating', aggregate: 'avg' },
        { key: 'sumRating', type: 'rollup', label, form: 'orders', field: 'rating', aggregate: 'sum' },
        { key: 'n', type: 'rollup', label, form: 'orders', aggregate: 'count' },
        { key: 'ghost', type: 'lookup', label, relation: 'nothing', field: 'x' },
      ],
    };
    const findForm = (key: string) => (key === 'orders' ? orders : undefined);
    expect(formulaFieldMap(client, { findForm })).toEqual({
      orders: 'text[]',
      'orders.amount': 'money[]',
      'orders.placedOn': 'date[]',
      'orders.rating': 'percent[]',
      first: 'text',
      'first.amount': 'money',
      'first.placedOn': 'date',
      'first.rating': 'percent',
      amounts: 'money[]',
      firstOn: 'date',
      lastOn: 'date',
      spent: 'money',
      avgRating: 'percent',
      sumRating: 'number',
      n: 'number',
      ghost: 'any',
    });
  });
});
