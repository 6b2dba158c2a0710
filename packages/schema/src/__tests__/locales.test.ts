import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatIssue,
  type Issue,
  issue,
  issueMessages,
  issuesToDetails,
  RULE_CODES,
  SCHEMA_KEYWORDS,
  validateForm,
  validateSubmission,
} from '../index.js';

const label = { en: 'L' };
const form = {
  key: 'f',
  name: label,
  fields: [
    { key: 'amount', type: 'money', label, currency: 'CNY', required: true },
    { key: 'when', type: 'date', label },
    { key: 'kind', type: 'select', label, options: [{ value: 'a' }, { value: 'b' }] },
    { key: 'total', type: 'formula', label, expression: 'amount * 2' },
    {
      key: 'items',
      type: 'subform',
      label,
      columns: [{ key: 'qty', type: 'number', label, validation: { min: 1 } }],
    },
  ],
} as const;

beforeAll(() => {
  validateForm({});
}, 120_000);

describe('formatIssue', () => {
  it('words submission issues in English and Chinese', () => {
    const issues = validateSubmission(form as never, {
      amount: 1.005,
      when: '2026-02-30',
      kind: 'c',
      total: 1,
      items: [{ qty: 0 }],
      extra: true,
    });
    // Order issues by path: ajv reports unknown properties before property errors.
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    const en = issuesToDetails(issues, 'en').sort(byPath);
    const zh = issuesToDetails(issues, 'zh-CN').sort(byPath);
    expect(en).toEqual([
      { path: '/amount', code: 'schema.maxDecimals', message: 'must have at most 2 decimal places' },
      { path: '/extra', code: 'schema.additionalProperties', message: 'unknown property extra' },
      { path: '/items/0/qty', code: 'schema.minimum', message: 'must be at least 1' },
      { path: '/kind', code: 'schema.enum', message: 'must be one of: a, b' },
      {
        path: '/total',
        code: 'submission.computed',
        message: 'total is computed by the server and cannot be set',
      },
      { path: '/when', code: 'schema.format', message: 'must be a date as YYYY-MM-DD' },
    ]);
    expect(zh.map((d) => d.message)).toEqual([
      '最多保留 2 位小数',
      '未知的属性 extra',
      '不能小于 1',
      '只能是以下值之一：a、b',
      'total 由服务器计算，不能提交',
      '应为日期（YYYY-MM-DD）',
    ]);
  });

  it('words required and type errors', () => {
    const [missing] = validateSubmission(form as never, {});
    expect(formatIssue(missing as Issue)).toBe('amount is required');
    expect(formatIssue(missing as Issue, 'zh-CN')).toBe('amount 为必填项');
    const [wrong] = validateSubmission(form as never, { amount: '5' });
    expect(formatIssue(wrong as Issue)).toBe('must be of type number');
    expect(formatIssue(wrong as Issue, 'zh-CN')).toBe('类型应为数字');
  });

  it('has a non-empty message for every code in both locales', () => {
    const codes = [...SCHEMA_KEYWORDS.map((k) => `schema.${k}` as const), ...RULE_CODES];
    for (const code of codes) {
      const i = issue(code, '/x', {
        limit: 3,
        field: 'a',
        form: 'b',
        keyword: 'k',
        type: 'string',
        missingProperty: 'm',
        additionalProperty: 'p',
        allowedValues: ['x', 'y'],
        allowedValue: 'x',
        pattern: '^a$',
        format: 'email',
        multipleOf: 0.01,
        i: 1,
        j: 0,
        key: 'k',
        role: 'r',
        node: 'n',
        dashboard: 'd',
        widget: 'w',
        kinds: 'aggregate, formula',
        action: 'a',
        name: 'n',
        value: 'v',
        count: 2,
        branch: 'b',
        target: 't',
        error: 'e',
        expected: 'member',
        actual: 'text',
        min: 2,
        max: 1,
      });
      for (const locale of ['en', 'zh-CN'] as const) {
        const text = formatIssue(i, locale);
        expect(text.length, `${locale} ${code}`).toBeGreaterThan(3);
        expect(text).not.toContain('undefined');
      }
    }
    expect(Object.keys(issueMessages.en).sort()).toEqual(Object.keys(issueMessages['zh-CN']).sort());
  });
});
