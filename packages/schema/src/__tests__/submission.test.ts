import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileSubmissionSchema,
  type Field,
  type Form,
  stripComputed,
  validateForm,
  validateSubmission,
} from '../index.js';

const label = { en: 'L' };
const ID = '65a1b2c3d4e5f60718293a4b';
const FILE = { id: ID, name: 'a.pdf', size: 10, mime: 'application/pdf' };
const IMG = { id: ID, name: 'a.png', size: 10, mime: 'image/png' };

function formOf(...fields: Field[]): Form {
  const form: Form = { key: 'f', name: label, fields };
  expect(validateForm(form)).toEqual([]);
  return form;
}

// Compiling the form schema takes a moment on a loaded machine; do it once, outside the timed tests.
beforeAll(() => {
  validateForm({});
}, 120_000);

/** Each client-settable field type: a definition, values it takes, values it refuses. */
const cases: Array<{ field: Field; good: unknown[]; bad: unknown[] }> = [
  { field: { key: 'v', type: 'text', label }, good: ['a', '', null], bad: [1, 'x'.repeat(1001), true] },
  {
    field: { key: 'v', type: 'text', label, validation: { minLength: 2, maxLength: 4, pattern: '^[A-Z]+$' } },
    good: ['AB', 'ABCD'],
    bad: ['A', 'ABCDE', 'ab'],
  },
  { field: { key: 'v', type: 'textarea', label }, good: ['line\nline'], bad: [['a'], 'x'.repeat(50_001)] },
  { field: { key: 'v', type: 'number', label }, good: [0, -3.5, 1e6], bad: ['1', Number.NaN, {}] },
  {
    field: { key: 'v', type: 'number', label, precision: 0, validation: { min: 1, max: 10 } },
    good: [1, 10],
    bad: [0, 11, 1.5],
  },
  {
    field: { key: 'v', type: 'money', label, currency: 'CNY' },
    good: [0.1 + 0.2, 1999.99, 12345678.91, 98765432109.99, 1373.1 * 100, -5],
    bad: [1.005, 0.001, 12345678.915, '10.00', Number.POSITIVE_INFINITY],
  },
  { field: { key: 'v', type: 'money', label, currency: 'JPY', precision: 0 }, good: [100], bad: [100.5] },
  { field: { key: 'v', type: 'percent', label }, good: [0.15, 0.1525, 1.2], bad: [0.15255, '15%'] },
  {
    field: { key: 'v', type: 'date', label },
    good: ['2026-02-28', '2024-02-29'],
    bad: ['2026-02-30', '2026-1-1', '2026-01-01T00:00:00Z', 20260101],
  },
  {
    field: { key: 'v', type: 'date', label, validation: { min: '2026-01-01', max: '2026-12-31' } },
    good: ['2026-06-01'],
    bad: ['2025-12-31', '2027-01-01'],
  },
  {
    field: { key: 'v', type: 'datetime', label },
    good: ['2026-01-31T09:30:00Z', '2026-01-31T09:30:00.123+08:00'],
    bad: ['2026-01-31T09:30:00', '2026-01-31', 'yesterday'],
  },
  {
    field: { key: 'v', type: 'select', label, options: [{ value: 'a' }, { value: 'b' }] },
    good: ['a', 'b', null],
    bad: ['c', ['a'], 1],
  },
  {
    field: { key: 'v', type: 'radio', label, options: [{ value: 'a' }] },
    good: ['a'],
    bad: ['A'],
  },
  {
    field: {
      key: 'v',
      type: 'multiselect',
      label,
      options: [{ value: 'a' }, { value: 'b' }],
      validation: { max: 1 },
    },
    good: [[], ['a']],
    bad: ['a', ['c'], ['a', 'b'], ['a', 'a']],
  },
  {
    field: { key: 'v', type: 'checkbox', label, options: [{ value: 'a' }, { value: 'b' }] },
    good: [['a', 'b']],
    bad: [['a', 'a'], [true]],
  },
  { field: { key: 'v', type: 'switch', label }, good: [true, false], bad: ['true', 1, 0] },
  { field: { key: 'v', type: 'member', label }, good: [ID], bad: ['me', [ID], '65a1b2c3d4e5f60718293a4'] },
  {
    field: { key: 'v', type: 'member', label, multiple: true },
    good: [[ID], []],
    bad: [ID, [ID, ID], ['x']],
  },
  { field: { key: 'v', type: 'department', label }, good: [ID], bad: [12] },
  { field: { key: 'v', type: 'department', label, multiple: true }, good: [[ID]], bad: [[1]] },
  { field: { key: 'v', type: 'email', label }, good: ['a@example.com'], bad: ['a@', 'not an email'] },
  {
    field: { key: 'v', type: 'phone', label },
    good: ['+86 138-0013-8000', '(010) 1234 5678'],
    bad: ['12', 'call me', '+'],
  },
  {
    field: { key: 'v', type: 'url', label },
    good: ['https://example.com/a?b=1', 'http://x.io'],
    bad: ['javascript:alert(1)', 'ftp://example.com', 'example.com'],
  },
  { field: { key: 'v', type: 'rating', label }, good: [0, 5], bad: [6, 2.5, -1] },
  { field: { key: 'v', type: 'rating', label, max: 10 }, good: [10], bad: [11] },
  {
    field: { key: 'v', type: 'address', label },
    good: [{ province: 'Zhejiang', city: 'Hangzhou', detail: 'No. 1', lat: 30.2, lng: 120.1 }, {}],
    bad: [{ street: 'x' }, 'Hangzhou', { lat: 91 }],
  },
  {
    field: { key: 'v', type: 'attachment', label, maxFiles: 2 },
    good: [[FILE], [FILE, IMG]],
    bad: [[FILE, FILE, FILE], [{ id: ID }], FILE, [{ ...FILE, size: -1 }]],
  },
  { field: { key: 'v', type: 'image', label }, good: [[IMG]], bad: [[FILE]] },
  { field: { key: 'v', type: 'signature', label }, good: [IMG], bad: [[IMG], FILE] },
  {
    field: { key: 'v', type: 'relation', label, form: 'f' },
    good: [ID],
    bad: ['abc', [ID]],
  },
  { field: { key: 'v', type: 'relation', label, form: 'f', multiple: true }, good: [[ID]], bad: [ID] },
];

describe('submission schema per field type', () => {
  for (const { field, good, bad } of cases) {
    const name = `${field.type} ${JSON.stringify(field).slice(40, 110)}`;
    it(`${name} accepts good values`, () => {
      const form = formOf(field);
      for (const v of good) expect(validateSubmission(form, { v }), JSON.stringify(v)).toEqual([]);
    });
    it(`${name} refuses bad values at /v`, () => {
      const form = formOf(field);
      for (const v of bad) {
        const issues = validateSubmission(form, { v });
        expect(issues.length, JSON.stringify(v)).toBeGreaterThan(0);
        for (const i of issues) expect(i.path.startsWith('/v'), JSON.stringify(i)).toBe(true);
      }
    });
  }
});

describe('submission schema rules', () => {
  const form = formOf(
    { key: 'name', type: 'text', label, required: true },
    { key: 'tags', type: 'multiselect', label, required: true, options: [{ value: 'x' }] },
    { key: 'total', type: 'formula', label, expression: 'SUM(items.lineTotal)' },
    { key: 'no', type: 'serial', label, pattern: [{ text: 'Q-' }, { seq: 4 }] },
    {
      key: 'items',
      type: 'subform',
      label,
      columns: [
        { key: 'qty', type: 'number', label, required: true, validation: { min: 1 } },
        { key: 'unitPrice', type: 'money', label, currency: 'CNY' },
        { key: 'lineTotal', type: 'formula', label, expression: 'qty * unitPrice' },
      ],
    },
    { key: 'gone', type: 'text', label, hidden: true },
  );

  it('requires non-empty values for required fields', () => {
    expect(validateSubmission(form, {})).toEqual([
      { code: 'schema.required', path: '/name', params: { missingProperty: 'name' } },
      { code: 'schema.required', path: '/tags', params: { missingProperty: 'tags' } },
    ]);
    const issues = validateSubmission(form, { name: '', tags: [] });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['schema.minLength', '/name'],
      ['schema.minItems', '/tags'],
    ]);
    expect(validateSubmission(form, { name: null, tags: ['x'] }).map((i) => i.code)).toEqual(['schema.type']);
  });

  it('reports subform errors with row paths like /items/3/qty', () => {
    const rows = [{ qty: 1 }, { qty: 2, unitPrice: 3 }, { qty: 3 }, { qty: 0, unitPrice: 'x' }];
    const issues = validateSubmission(form, { name: 'a', tags: ['x'], items: rows });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['schema.minimum', '/items/3/qty'],
      ['schema.type', '/items/3/unitPrice'],
    ]);
    const missing = validateSubmission(form, { name: 'a', tags: ['x'], items: [{ unitPrice: 1, _id: ID }] });
    expect(missing.map((i) => i.path)).toEqual(['/items/0/qty']);
  });

  it('rejects unknown and removed fields, and names computed ones', () => {
    const issues = validateSubmission(form, {
      name: 'a',
      tags: ['x'],
      bogus: 1,
      gone: 'x',
      total: 5,
      items: [{ qty: 1, lineTotal: 9, extra: 1 }],
    });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['schema.additionalProperties', '/bogus'],
      ['schema.additionalProperties', '/gone'],
      ['submission.computed', '/total'],
      ['submission.computed', '/items/0/lineTotal'],
      ['schema.additionalProperties', '/items/0/extra'],
    ]);
  });

  it('stripComputed drops computed values, also in rows, and keeps the rest', () => {
    const data = { name: 'a', tags: ['x'], total: 5, no: 'Q-1', items: [{ qty: 1, lineTotal: 9 }], bogus: 1 };
    expect(stripComputed(form, data)).toEqual({ name: 'a', tags: ['x'], items: [{ qty: 1 }], bogus: 1 });
    const clean = stripComputed(form, { ...data, bogus: undefined });
    delete clean.bogus;
    expect(validateSubmission(form, clean)).toEqual([]);
  });

  it('partial mode (PATCH) requires nothing at the top but keeps row rules', () => {
    expect(validateSubmission(form, {}, { partial: true })).toEqual([]);
    expect(validateSubmission(form, { items: [{}] }, { partial: true }).map((i) => i.path)).toEqual([
      '/items/0/qty',
    ]);
  });

  it('does not coerce: the data object is left as it was', () => {
    const data = { name: 'a', tags: ['x'], items: [{ qty: '2' }] };
    const before = JSON.stringify(data);
    expect(validateSubmission(form, data).map((i) => i.code)).toEqual(['schema.type']);
    expect(JSON.stringify(data)).toBe(before);
  });

  it('compiles to plain draft 2020-12 without computed or hidden fields', () => {
    const schema = compileSubmissionSchema(form) as { $schema: string; properties: Record<string, unknown> };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties)).toEqual(['name', 'tags', 'items']);
  });
});

describe('cascading options', () => {
  const form = formOf(
    { key: 'province', type: 'select', label, options: [{ value: 'zj' }, { value: 'gd' }] },
    {
      key: 'city',
      type: 'select',
      label,
      dependsOn: 'province',
      options: [
        { value: 'hangzhou', parents: ['zj'] },
        { value: 'ningbo', parents: ['zj'] },
        { value: 'guangzhou', parents: ['gd'] },
        { value: 'other' },
      ],
    },
    {
      key: 'cities',
      type: 'multiselect',
      label,
      dependsOn: 'province',
      options: [
        { value: 'hangzhou', parents: ['zj'] },
        { value: 'guangzhou', parents: ['gd'] },
      ],
    },
  );

  it('accepts options offered under the parent value', () => {
    expect(validateSubmission(form, { province: 'zj', city: 'ningbo', cities: ['hangzhou'] })).toEqual([]);
    expect(validateSubmission(form, { province: 'gd', city: 'other' })).toEqual([]);
  });

  it('refuses options of another parent value', () => {
    const issues = validateSubmission(form, { province: 'gd', city: 'hangzhou', cities: ['hangzhou'] });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['schema.enum', '/city'],
      ['schema.enum', '/cities/0'],
    ]);
    expect(issues[0]?.params.allowedValues).toEqual(['guangzhou', 'other', null]);
  });

  it('checks the cascade definition against the parent options', () => {
    const bad: Form = {
      key: 'f',
      name: label,
      fields: [
        { key: 'province', type: 'select', label, options: [{ value: 'zj' }] },
        {
          key: 'city',
          type: 'select',
          label,
          dependsOn: 'province',
          options: [{ value: 'x', parents: ['gx'] }],
        },
        {
          key: 'town',
          type: 'select',
          label,
          dependsOn: 'nowhere',
          options: [{ value: 'y' }, { value: 'y' }],
        },
        { key: 'sw', type: 'switch', label },
        { key: 'c2', type: 'radio', label, dependsOn: 'sw', options: [{ value: 'z' }] },
      ],
    };
    expect(validateForm(bad).map((i) => [i.code, i.path])).toEqual([
      ['option.parent', '/fields/1/options/0/parents/0'],
      ['option.duplicate', '/fields/2/options/1'],
      ['ref.field', '/fields/2/dependsOn'],
      ['ref.fieldType', '/fields/4/dependsOn'],
    ]);
  });
});
