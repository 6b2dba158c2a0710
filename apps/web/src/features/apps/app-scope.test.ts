import { describe, expect, it } from 'vitest';
import type { AppAccess, AppDetail, DashboardSummary, FormDefinitionSummary } from '../../api/apps';
import { menuEntries } from './app-scope';

const form = (key: string): FormDefinitionSummary => ({
  id: `id-${key}`,
  key,
  name: { en: key.toUpperCase() },
  version: 1,
  fields: [],
});
const access = (manageApp: boolean, forms: string[]): AppAccess => ({
  manageApp,
  forms: Object.fromEntries(
    forms.map((key) => [
      key,
      {
        id: `id-${key}`,
        submit: false,
        view: true,
        edit: false,
        delete: false,
        export: false,
        manage: false,
        hidden: [],
        readOnly: [],
      },
    ]),
  ),
});
const board = (key: string, en: string, zh: string): DashboardSummary => ({
  id: `d-${key}`,
  key,
  v: 1,
  name: { en, 'zh-CN': zh },
  widgets: 1,
});
const app = (menu: AppDetail['menu']): AppDetail => ({
  id: 'app1',
  key: 'crm',
  name: { en: 'CRM' },
  roles: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  ...(menu ? { menu } : {}),
});

describe('menuEntries', () => {
  it("names a dashboard entry by the dashboard's name, a menu label first, never by its key", () => {
    const entries = menuEntries({
      app: app([
        { kind: 'form', form: 'deals' },
        { kind: 'dashboard', dashboard: 'cockpit' },
        {
          kind: 'group',
          label: { en: 'More' },
          items: [{ kind: 'dashboard', dashboard: 'weekly', label: { en: 'Week' } }],
        },
      ]),
      forms: [form('deals')],
      access: access(false, ['deals']),
      dashboards: [board('cockpit', 'Sales cockpit', '销售驾驶舱'), board('weekly', 'Weekly', '周报')],
    });
    expect(entries.map((e) => [e.key, e.label, e.path])).toEqual([
      ['form:deals', { en: 'DEALS' }, '/apps/app1/forms/id-deals'],
      ['dashboard:cockpit', { en: 'Sales cockpit', 'zh-CN': '销售驾驶舱' }, '/apps/app1/dashboards/cockpit'],
      ['dashboard:weekly', { en: 'Week' }, '/apps/app1/dashboards/weekly'],
    ]);
  });

  it('leaves out dashboards the server does not list for the caller, even for managers', () => {
    const entries = menuEntries({
      app: app([
        { kind: 'dashboard', dashboard: 'secret' },
        { kind: 'dashboard', dashboard: 'cockpit' },
      ]),
      forms: [],
      access: access(true, []),
      dashboards: [board('cockpit', 'Cockpit', '驾驶舱')],
    });
    expect(entries.map((e) => e.key)).toEqual(['dashboard:cockpit']);
  });

  it('lists every form the caller may open when the app has no menu', () => {
    const entries = menuEntries({
      app: app(undefined),
      forms: [form('deals'), form('visits')],
      access: access(false, ['visits']),
      dashboards: [],
    });
    expect(entries.map((e) => e.key)).toEqual(['form:visits']);
  });
});
