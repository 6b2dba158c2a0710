import type { MenuItem } from '@formloom/schema';

/** The most entries the meta-model lets a menu hold (`App.menu`). */
export const MENU_MAX = 200;

type Entry = { kind?: unknown; dashboard?: unknown; items?: unknown };

/** Whether a menu entry (or an entry of its group) links to the dashboard `key`. */
export function menuLinks(entry: unknown, key: string): boolean {
  if (!entry || typeof entry !== 'object') return false;
  const item = entry as Entry;
  if (item.kind === 'dashboard' && item.dashboard === key) return true;
  return Array.isArray(item.items) && item.items.some((child) => menuLinks(child, key));
}

/**
 * The app's menu with an entry for the dashboard `key` at its end. An app without a menu shows every form
 * (web `menuEntries`), so its first menu lists those forms before the dashboard: adding a dashboard never
 * hides a form. A menu that links to it already is answered unchanged.
 */
export function menuWith(menu: readonly unknown[] | undefined, formKeys: readonly string[], key: string) {
  const base: unknown[] = menu ? [...menu] : formKeys.map((form) => ({ kind: 'form', form }));
  if (base.some((entry) => menuLinks(entry, key))) return base;
  const entry: MenuItem = { kind: 'dashboard', dashboard: key };
  return [...base, entry];
}

/** The app's menu without the entries linking to the dashboard `key` (also inside groups). */
export function menuWithout(menu: readonly unknown[], key: string): unknown[] {
  return menu
    .filter(
      (entry) => !(entry && (entry as Entry).kind === 'dashboard' && (entry as Entry).dashboard === key),
    )
    .map((entry) => {
      const item = entry as Entry;
      if (!Array.isArray(item.items)) return entry;
      return { ...item, items: item.items.filter((child) => !menuLinks(child, key)) };
    });
}
