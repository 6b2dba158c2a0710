import { beforeAll, describe, expect, it } from 'vitest';
import { validateField } from '../index.js';

const label = { en: 'L', 'zh-CN': '标' };
const base = { key: 'f', label };
const opts = [{ value: 'a' }, { value: 'b', label: { en: 'B' }, color: '#ff0000' }];

beforeAll(() => {
  validateField({});
}, 120_000);

/** Per field type: configs that must pass, and configs that must fail with exactly these issues. */
const cases: Array<{ good: object[]; bad: Array<[object, Array<[string, string]>]> }> = [
  {
    good: [
      { type: 'text', placeholder: 'name', required: true, unique: true, indexed: true, readOnly: false },
    ],
    bad: [
      [{ type: 'text', options: opts }, [['schema.additionalProperties', '/options']]],
      [{ type: 'text', key: 'Amount' }, [['schema.pattern', '/key']]],
      [{ type: 'text', key: 'a-b' }, [['schema.pattern', '/key']]],
      [{ type: 'text', label: {} }, [['schema.minProperties', '/label']]],
      [{ type: 'text', label: { fr: 'x' } }, [['schema.additionalProperties', '/label/fr']]],
      [{ type: 'text', validation: { pattern: '(' } }, [['schema.format', '/validation/pattern']]],
      [
        { type: 'text', default: { value: 'x', formula: 'y' } },
        [['schema.additionalProperties', '/default/formula']],
      ],
      [{ type: 'nope' }, [['schema.enum', '/type']]],
    ],
  },
  {
    good: [{ type: 'textarea', rows: 5, default: { formula: 'CONCATENATE("a", "b")' } }],
    bad: [[{ type: 'textarea', rows: 0 }, [['schema.minimum', '/rows']]]],
  },
  {
    good: [{ type: 'number', precision: 2, unit: 'kg', validation: { min: 0, max: 10 } }],
    bad: [[{ type: 'number', precision: 11 }, [['schema.maximum', '/precision']]]],
  },
  {
    good: [{ type: 'money', currency: 'CNY', precision: 2, default: { value: 0 } }],
    bad: [
      [{ type: 'money' }, [['schema.required', '/currency']]],
      [{ type: 'money', currency: 'cny' }, [['schema.pattern', '/currency']]],
    ],
  },
  {
    good: [{ type: 'percent', precision: 1 }],
    bad: [[{ type: 'percent', precision: -1 }, [['schema.minimum', '/precision']]]],
  },
  {
    good: [
      { type: 'date', validation: { min: '2026-01-01', formula: 'v > TODAY()', message: { en: 'future' } } },
    ],
    bad: [[{ type: 'date', validation: { min: '2026-13-01' } }, [['schema.format', '/validation/min']]]],
  },
  {
    good: [{ type: 'datetime', visibleWhen: 'x > 1' }],
    bad: [[{ type: 'datetime', visibleWhen: '' }, [['schema.minLength', '/visibleWhen']]]],
  },
  {
    good: [{ type: 'select', options: opts, ordered: true }],
    bad: [
      [{ type: 'select' }, [['schema.required', '/options']]],
      [{ type: 'select', options: [] }, [['schema.minItems', '/options']]],
      [{ type: 'select', options: [{ value: '' }] }, [['schema.minLength', '/options/0/value']]],
      [{ type: 'select', options: [{ value: 'a', color: 'red' }] }, [['schema.pattern', '/options/0/color']]],
    ],
  },
  {
    good: [{ type: 'multiselect', options: opts, dependsOn: 'parent' }],
    bad: [[{ type: 'multiselect', options: opts, dependsOn: 'Parent' }, [['schema.pattern', '/dependsOn']]]],
  },
  {
    good: [{ type: 'radio', options: opts }],
    bad: [[{ type: 'radio', options: 'a,b' }, [['schema.type', '/options']]]],
  },
  {
    good: [{ type: 'checkbox', options: opts }],
    bad: [[{ type: 'checkbox' }, [['schema.required', '/options']]]],
  },
  {
    good: [{ type: 'switch', default: { value: true } }],
    bad: [[{ type: 'switch', options: opts }, [['schema.additionalProperties', '/options']]]],
  },
  {
    good: [{ type: 'member', multiple: true }],
    bad: [[{ type: 'member', multiple: 'yes' }, [['schema.type', '/multiple']]]],
  },
  {
    good: [{ type: 'department' }],
    bad: [[{ type: 'department', form: 'x' }, [['schema.additionalProperties', '/form']]]],
  },
  {
    good: [{ type: 'email', unique: true }],
    bad: [[{ type: 'email', currency: 'CNY' }, [['schema.additionalProperties', '/currency']]]],
  },
  { good: [{ type: 'phone' }], bad: [[{ type: 'phone', required: 'yes' }, [['schema.type', '/required']]]] },
  { good: [{ type: 'url' }], bad: [[{ type: 'url', key: '' }, [['schema.pattern', '/key']]]] },
  { good: [{ type: 'rating', max: 10 }], bad: [[{ type: 'rating', max: 11 }, [['schema.maximum', '/max']]]] },
  {
    good: [{ type: 'address', level: 'city', withDetail: true }],
    bad: [[{ type: 'address', level: 'street' }, [['schema.enum', '/level']]]],
  },
  {
    good: [{ type: 'attachment', maxFiles: 3, maxSize: 1000, accept: ['application/pdf', 'image/*'] }],
    bad: [
      [{ type: 'attachment', maxFiles: 0 }, [['schema.minimum', '/maxFiles']]],
      [{ type: 'attachment', accept: ['pdf'] }, [['schema.pattern', '/accept/0']]],
    ],
  },
  {
    good: [{ type: 'image', maxFiles: 9 }],
    bad: [[{ type: 'image', maxSize: 0 }, [['schema.minimum', '/maxSize']]]],
  },
  {
    good: [{ type: 'signature' }, { type: 'signature', maxSize: 65536 }],
    bad: [
      [{ type: 'signature', multiple: true }, [['schema.additionalProperties', '/multiple']]],
      [{ type: 'signature', maxSize: 0 }, [['schema.minimum', '/maxSize']]],
      [{ type: 'signature', accept: ['image/png'] }, [['schema.additionalProperties', '/accept']]],
    ],
  },
  {
    good: [{ type: 'subform', minRows: 1, maxRows: 50, columns: [{ key: 'qty', type: 'number', label }] }],
    bad: [
      [{ type: 'subform', columns: [] }, [['schema.minItems', '/columns']]],
      [
        {
          type: 'subform',
          columns: [{ key: 'rows', type: 'subform', label, columns: [{ key: 'x', type: 'text', label }] }],
        },
        [['schema.enum', '/columns/0/type']],
      ],
      [
        { type: 'subform', columns: [{ key: 'qty', type: 'money', label }] },
        [['schema.required', '/columns/0/currency']],
      ],
    ],
  },
  {
    good: [{ type: 'relation', form: 'customers', multiple: true, displayField: 'name' }],
    bad: [[{ type: 'relation' }, [['schema.required', '/form']]]],
  },
  {
    good: [{ type: 'lookup', relation: 'customer', field: 'region' }],
    bad: [[{ type: 'lookup', relation: 'customer' }, [['schema.required', '/field']]]],
  },
  {
    good: [
      { type: 'rollup', form: 'contracts', aggregate: 'count' },
      {
        type: 'rollup',
        form: 'contracts',
        field: 'amount',
        aggregate: 'countDistinct',
        conditions: {
          field: 'signedOn',
          op: 'eq',
          value: { $recordPeriod: { start: 'periodStart', unit: 'quarter' } },
        },
      },
    ],
    bad: [
      [{ type: 'rollup', form: 'c', aggregate: 'median' }, [['schema.enum', '/aggregate']]],
      [
        {
          type: 'rollup',
          form: 'c',
          aggregate: 'sum',
          field: 'a',
          conditions: { and: [{ field: 'x', op: 'like', value: 1 }] },
        },
        [['schema.enum', '/conditions/and/0/op']],
      ],
      [
        {
          type: 'rollup',
          form: 'c',
          aggregate: 'sum',
          field: 'a',
          conditions: { field: 'x', op: 'eq', value: { $recordPeriod: { start: 's', unit: 'decade' } } },
        },
        [['schema.enum', '/conditions/value/$recordPeriod/unit']],
      ],
    ],
  },
  {
    good: [{ type: 'formula', expression: 'a + b', resultType: 'money', precision: 2 }],
    bad: [
      [{ type: 'formula' }, [['schema.required', '/expression']]],
      [{ type: 'formula', expression: 'a', resultType: 'decimal' }, [['schema.enum', '/resultType']]],
    ],
  },
  {
    good: [{ type: 'serial', pattern: [{ text: 'Q-' }, { date: 'YYYYMMDD' }, { seq: 4 }], reset: 'day' }],
    bad: [
      [{ type: 'serial', pattern: [{ text: 'Q-' }] }, [['schema.invalid', '/pattern']]],
      [{ type: 'serial', pattern: [{ seq: 2 }, { seq: 3 }] }, [['schema.invalid', '/pattern']]],
      [{ type: 'serial', pattern: [{ date: 'MMYY' }, { seq: 3 }] }, [['schema.enum', '/pattern/0/date']]],
      [{ type: 'serial', pattern: [{ seq: 3 }], reset: 'hourly' }, [['schema.enum', '/reset']]],
    ],
  },
  {
    good: [{ type: 'system', source: 'owner' }],
    bad: [[{ type: 'system', source: 'editor' }, [['schema.enum', '/source']]]],
  },
];

describe('field config validation', () => {
  for (const { good, bad } of cases) {
    const type = (good[0] as { type: string }).type;
    it(`${type}: accepts valid configs`, () => {
      for (const g of good) expect(validateField({ ...base, ...g }), JSON.stringify(g)).toEqual([]);
    });
    it(`${type}: reports invalid configs at the right path`, () => {
      for (const [b, expected] of bad) {
        const issues = validateField({ ...base, ...b }).map((i) => [i.code, i.path]);
        expect(issues, JSON.stringify(b)).toEqual(expected);
      }
    });
  }

  it('covers every built-in field type', async () => {
    const { fieldTypes } = await import('../index.js');
    const covered = new Set(cases.map((c) => (c.good[0] as { type: string }).type));
    expect([...covered].sort()).toEqual(fieldTypes.keys().sort());
  });
});
