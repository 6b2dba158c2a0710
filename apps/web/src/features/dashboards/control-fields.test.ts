import { describe, expect, it } from 'vitest';
import type { FormDefinitionSummary } from '../../api/apps';
import { localized } from '../../i18n/localized';
import { controlLabel } from './control-fields';
import type { Dashboard } from './dashboards-api';

const deals: FormDefinitionSummary = {
  id: 'f1',
  key: 'deals',
  name: { en: 'Deals' },
  version: 1,
  fields: [{ key: 'region', type: 'select', label: { en: 'Region', 'zh-CN': '大区' }, options: [] }],
};
const goals: FormDefinitionSummary = {
  ...deals,
  id: 'f2',
  key: 'goals',
  fields: [{ key: 'area', type: 'select', label: { en: 'Area' }, options: [] }],
};
const forms = new Map([
  ['deals', deals],
  ['goals', goals],
]);
const widget = (form: string) => ({ key: form, type: 'kpi', title: { en: form }, source: { form } });

describe('dashboard filter controls as the viewer reads them', () => {
  const board = { key: 'b', name: { en: 'B' }, widgets: [widget('goals'), widget('deals')] } as Dashboard;
  const label = (control: Parameters<typeof controlLabel>[0], language = 'en') =>
    controlLabel(
      control,
      board,
      (key) => forms.get(key),
      (text, fallback) => localized(text, language) || fallback,
      (key) => `t:${key}`,
    );

  it("reads by its own name, else by its field's label in the first form having it, never by its key", () => {
    expect(label({ key: 'select', type: 'select', field: 'region', label: { en: 'Where' } })).toBe('Where');
    expect(label({ key: 'select', type: 'select', field: 'region' })).toBe('Region');
    expect(label({ key: 'select', type: 'select', field: 'region' }, 'zh-CN')).toBe('大区');
    // The goals widget comes first: its own field (Area) names the control.
    const both = {
      key: 'select',
      type: 'select' as const,
      field: 'region',
      fields: [{ form: 'goals', field: 'area' }],
    };
    expect(label(both)).toBe('Area');
    expect(label({ key: 'period', type: 'period', field: '_createdAt' })).toBe(
      't:dashboards.system._createdAt',
    );
    expect(label({ key: 'odd', type: 'select', field: 'gone' })).toBe('odd');
  });
});
