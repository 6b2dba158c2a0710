import { readFileSync } from 'node:fs';
import { formulaMessages } from '@formloom/formula';
import { describeReportIssue, type ReportIssue } from '@formloom/report';
import { issueMessages } from '@formloom/schema';
import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { catalogueTemplates, issueText, localizedText, pickLocale, render, t } from './index.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogue', () => {
  it('has the same keys and the same placeholders in zh-CN as in English', () => {
    const zh = catalogueTemplates['zh-CN'];
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders(zh[key as keyof typeof en]), key).toEqual(placeholders(text));
      expect(zh[key as keyof typeof en].trim(), key).not.toBe('');
    }
  });

  it('has no English-only text: every message of the server and of the packages it words reads in Chinese', () => {
    const chinese = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;
    // Texts that are no words: the JSON literal `true` a filter operand must be, and a detail passed through.
    const NO_WORDS = new Set(['value.true', 'detail.verbatim']);
    const englishOnly: string[] = [];
    for (const [key, text] of Object.entries(catalogueTemplates['zh-CN'])) {
      if (!NO_WORDS.has(key) && (!chinese.test(text) || text === en[key as keyof typeof en]))
        englishOnly.push(`server ${key}: ${text}`);
    }
    for (const [code, text] of Object.entries(formulaMessages['zh-CN']))
      if (!chinese.test(text as string)) englishOnly.push(`formula ${code}: ${text}`);
    // Issue texts are functions of their params: called with a value for every param.
    const params = new Proxy({}, { get: (_, name) => (name === 'allowed' ? ['a', 'b'] : 'x') });
    for (const [code, word] of Object.entries(issueMessages['zh-CN'])) {
      const text = (word as (p: unknown) => string)(params);
      if (!chinese.test(text)) englishOnly.push(`schema ${code}: ${text}`);
    }
    const reportTypes = readFileSync(
      new URL('../../../../../packages/report/src/types.ts', import.meta.url),
      'utf8',
    );
    const reportCodes = [...new Set(reportTypes.match(/'report\.\w+'/g) ?? [])].map((c) => c.slice(1, -1));
    expect(reportCodes.length).toBeGreaterThan(10);
    for (const code of reportCodes) {
      const text = describeReportIssue({ code, path: '', params } as unknown as ReportIssue, 'zh-CN');
      if (!chinese.test(text)) englishOnly.push(`report ${code}: ${text}`);
    }
    expect(Object.keys(catalogueTemplates['zh-CN']).length).toBeGreaterThan(300);
    expect(englishOnly).toEqual([]);
  });

  it('renders keys, params, lists and nested texts in each language', () => {
    expect(render('record.notFound', 'en')).toBe('Record not found');
    expect(render('record.notFound', 'zh-CN')).toBe('记录不存在');
    expect(render(t('record.staleVersion', { v: 7 }), 'zh-CN')).toBe(
      '记录已被他人修改（当前版本 7），请刷新后重试',
    );
    const what = [t('department.children', { count: 2 }), t('department.records')];
    expect(render(t('department.notEmpty', { what }), 'en')).toBe(
      'The department still has 2 sub-department(s), records; move them first',
    );
    expect(render(t('department.notEmpty', { what }), 'zh-CN')).toBe(
      '该部门下仍有2 个子部门、记录，请先移走',
    );
  });

  it('words issues of the schema package through its locale files', () => {
    const issue = { code: 'schema.minimum' as const, path: '/amount', params: { limit: 0 } };
    expect(render(issueText(issue), 'en')).toBe('must be at least 0');
    expect(render(issueText(issue), 'zh-CN')).toBe('不能小于 0');
  });

  it('words formula errors with the character they were found at', () => {
    const text = { formula: { code: 'UNKNOWN_FUNCTION' as const, params: { name: 'FOO' }, position: 3 } };
    expect(render(text, 'en')).toBe('Unknown function "FOO". (at character 3)');
    expect(render(text, 'zh-CN')).toBe('未知函数“FOO”。（第 3 个字符处）');
  });

  it("shows a workspace's own text in the asked language, else the other one", () => {
    expect(render(localizedText({ en: 'too big', 'zh-CN': '太大' }), 'zh-CN')).toBe('太大');
    expect(render(localizedText({ 'zh-CN': '太大' }), 'en')).toBe('太大');
  });
});

describe('pickLocale', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-TW,zh;q=0.9', 'zh-CN'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['fr-FR,zh-CN;q=0.5,en;q=0.4', 'zh-CN'],
    ['de, *', 'en'],
    ['zh-CN;q=0, en', 'en'],
    ['EN-gb', 'en'],
    ['zh-Hans-CN;q=0.7, en;q=0.3', 'zh-CN'],
  ])('%s -> %s', (header, locale) => {
    expect(pickLocale(header)).toBe(locale);
  });

  it('ignores an absurdly long header', () => {
    expect(pickLocale(`zh-CN,${'x;q=0.1,'.repeat(100)}`)).toBe('en');
  });
});
