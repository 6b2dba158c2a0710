import { createContext, useContext } from 'react';
import type {
  AppAccess,
  AppDetail,
  DashboardSummary,
  FormAccess,
  FormDefinitionSummary,
  MenuItem,
  MenuLeaf,
} from '../../api/apps';
import type { LocalizedText } from '../../i18n/localized';

/** Everything the pages inside one app share: the app, its published forms and the caller's access. */
export interface AppScope {
  workspaceId: string;
  app: AppDetail;
  forms: readonly FormDefinitionSummary[];
  access: AppAccess;
  /** The app's dashboards the caller sees (the server decides, by role). */
  dashboards: readonly DashboardSummary[];
  formById(id: string): FormDefinitionSummary | undefined;
  formByKey(key: string): FormDefinitionSummary | undefined;
  /** What the caller may do with a form (nothing, for a form they have no role on). */
  accessOf(formKey: string): FormAccess;
  /** Loads app, forms and access again (after a change elsewhere). */
  reload(): void;
}

export const AppScopeContext = createContext<AppScope | null>(null);

/** The app of the page (inside `/apps/:appId`). */
export function useAppScope(): AppScope {
  const scope = useContext(AppScopeContext);
  if (!scope) throw new Error('useAppScope must be used inside an app page');
  return scope;
}

/** An entry of the app's menu as shown: where it leads and what it is called. */
export interface MenuEntry {
  key: string;
  kind: 'form' | 'dashboard';
  path: string;
  label: LocalizedText | undefined;
  /** The form or dashboard key. */
  target: string;
  /** The title of the menu group the entry sits in. */
  group?: LocalizedText;
}

const NO_ACCESS: FormAccess = {
  id: '',
  submit: false,
  view: false,
  edit: false,
  delete: false,
  export: false,
  manage: false,
  hidden: [],
  readOnly: [],
};

/** The access of a form, or none. */
export function formAccessIn(access: AppAccess, formKey: string): FormAccess {
  return access.forms[formKey] ?? NO_ACCESS;
}

/**
 * The menu as the pack's `menu` says (every form in order when it has none), keeping only what the
 * caller can open: forms they may view or submit to, dashboards the server lists for them. A dashboard's
 * entry is called by its menu label, else by the dashboard's name (never its key).
 */
export function menuEntries(scope: Pick<AppScope, 'app' | 'forms' | 'access' | 'dashboards'>): MenuEntry[] {
  const { app, forms, access } = scope;
  const items: MenuItem[] = app.menu ?? forms.map((form) => ({ kind: 'form', form: form.key }));
  const leaves: Array<{ item: MenuLeaf; group?: LocalizedText }> = items.flatMap((item) =>
    item.kind === 'group' ? item.items.map((leaf) => ({ item: leaf, group: item.label })) : [{ item }],
  );
  const entries: MenuEntry[] = [];
  for (const { item, group } of leaves) {
    const inGroup = group === undefined ? {} : { group };
    if (item.kind === 'form') {
      const form = forms.find((f) => f.key === item.form);
      const can = formAccessIn(access, item.form);
      if (!form || (!can.view && !can.submit)) continue;
      entries.push({
        key: `form:${form.key}`,
        kind: 'form',
        path: `/apps/${app.id}/forms/${form.id}`,
        label: item.label ?? form.name,
        target: form.key,
        ...inGroup,
      });
    } else {
      const dashboard = scope.dashboards.find((d) => d.key === item.dashboard);
      if (!dashboard) continue;
      entries.push({
        key: `dashboard:${item.dashboard}`,
        kind: 'dashboard',
        path: `/apps/${app.id}/dashboards/${encodeURIComponent(item.dashboard)}`,
        label: item.label ?? dashboard.name,
        target: item.dashboard,
        ...inGroup,
      });
    }
  }
  return entries;
}

/** Consecutive entries of one menu group together, ungrouped entries each on their own. */
export function groupEntries(
  entries: readonly MenuEntry[],
): Array<{ group?: LocalizedText; entries: MenuEntry[] }> {
  const out: Array<{ group?: LocalizedText; entries: MenuEntry[] }> = [];
  for (const entry of entries) {
    const last = out.at(-1);
    if (entry.group !== undefined && last?.group === entry.group) last.entries.push(entry);
    else out.push({ ...(entry.group === undefined ? {} : { group: entry.group }), entries: [entry] });
  }
  return out;
}
