import { describe, expect, it } from 'vitest';
import type { FormDefinitionSummary } from '../../../api/apps';
import { hasTitle, recordName } from './relations';

const form = (fields: FormDefinitionSummary['fields'], titleField?: string): FormDefinitionSummary => ({
  id: 'f1',
  key: 'visits',
  name: { en: 'Visit', 'zh-CN': '拜访' },
  version: 1,
  fields,
  ...(titleField ? { titleField } : {}),
});
const at = '2026-12-04T10:32:00.000Z';
const when = (language: string) =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));

describe('recordName', () => {
  it('is the title field when it has a value, a serial counting as one', () => {
    const serial = form([
      { key: 'minutes', type: 'number', label: {} },
      { key: 'no', type: 'serial', label: {} },
    ]);
    expect(recordName({ data: { no: 'V-0042' }, createdAt: at }, serial, 'en')).toBe('V-0042');
    expect(hasTitle({ data: { no: 'V-0042' } }, 'no')).toBe(true);
  });

  it("is the form's name and creation time without a title field or with the title left empty", () => {
    const untitled = form([{ key: 'minutes', type: 'number', label: {} }]);
    expect(recordName({ data: { minutes: 45 }, createdAt: at }, untitled, 'en')).toBe(
      `Visit · ${when('en')}`,
    );
    expect(recordName({ data: {}, createdAt: at }, untitled, 'zh-CN')).toBe(`拜访 · ${when('zh-CN')}`);
    const titled = form([{ key: 'title', type: 'text', label: {} }], 'title');
    expect(recordName({ data: { title: '' }, createdAt: at }, titled, 'en')).toBe(`Visit · ${when('en')}`);
    expect(hasTitle({ data: { title: '' } }, 'title')).toBe(false);
  });
});
