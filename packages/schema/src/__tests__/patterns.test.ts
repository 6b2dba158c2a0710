import { describe, expect, it } from 'vitest';
import { type Form, isLinearPattern, validateForm, validateSubmission } from '../index.js';

const label = { en: 'L' };

describe('validation patterns run with RE2 semantics', () => {
  it('refuses at publish, at the field path, what RE2 cannot run (lookarounds, backreferences)', () => {
    for (const pattern of ['(?=a)b', '(a)\\1', '(?<!x)y', '[']) {
      const issues = validateForm({
        key: 'f',
        name: label,
        fields: [
          { key: 'ok', type: 'text', label },
          {
            key: 'rows',
            type: 'subform',
            label,
            columns: [{ key: 'code', type: 'text', label, validation: { pattern } }],
          },
        ],
      });
      expect(issues, pattern).toEqual([
        expect.objectContaining({
          code: 'schema.format',
          path: '/fields/1/columns/0/validation/pattern',
          params: expect.objectContaining({ format: 'linear-regex' }),
        }),
      ]);
    }
    for (const pattern of ['^(a+)+$', '^[A-Z]{3}$', '[\\u4e00-\\u9fa5]+', '(?<year>\\d{4})', '\\p{L}+']) {
      expect(isLinearPattern(pattern), pattern).toBe(true);
    }
  });

  it('matches like RegExp.test, and ^(a+)+$ against 991 characters ends at once', () => {
    const form: Form = {
      key: 'f',
      name: label,
      fields: [
        { key: 'evil', type: 'text', label, validation: { pattern: '^(a+)+$' } },
        { key: 'zh', type: 'text', label, validation: { pattern: '^[\\u4e00-\\u9fa5]+$' } },
      ],
    };
    expect(validateForm(form)).toEqual([]);
    expect(validateSubmission(form, { evil: 'aaaa', zh: '表单' })).toEqual([]);
    // With JavaScript's RegExp this took 3.1 s at 28 characters and doubled with each one more: the
    // test would not finish.
    const issues = validateSubmission(form, { evil: `${'a'.repeat(990)}!`, zh: 'abc' });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['schema.pattern', '/evil'],
      ['schema.pattern', '/zh'],
    ]);
  });
});
