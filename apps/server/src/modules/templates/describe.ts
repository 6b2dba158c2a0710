import type { LoadedTemplate } from './catalogue.js';

/** What a pack holds, as the template gallery shows it before anyone imports it. */
export interface TemplateDetail {
  key: string;
  name: unknown;
  version: string;
  description?: unknown;
  locales: unknown[];
  /** The app's settings (name, color, icon, menu), when the pack has them. */
  app?: unknown;
  /** The forms' definitions, for the gallery's preview of each form. */
  forms: unknown[];
  flows: Array<{ key: string; name: unknown; form?: unknown }>;
  automations: Array<{ key: string; name: unknown }>;
  dashboards: Array<{ key: string; name: unknown; widgets: number }>;
  roles: Array<{ key: string; name: unknown; description?: unknown }>;
  /** Demo records the pack ships, by form key (empty when it has none). */
  demoData: Record<string, number>;
}

type Doc = Record<string, unknown>;

function docs(value: unknown): Doc[] {
  return Array.isArray(value)
    ? value.filter((item): item is Doc => item !== null && typeof item === 'object')
    : [];
}

/** Names and counts of a catalogue pack (read with its demo records), without writing anything. */
export function describeTemplate(loaded: LoadedTemplate): TemplateDetail {
  const { pack, records } = loaded;
  const manifest = (pack.manifest ?? {}) as Doc;
  const detail: TemplateDetail = {
    key: String(manifest.key),
    name: manifest.name,
    version: String(manifest.version ?? ''),
    locales: Array.isArray(manifest.locales) ? manifest.locales : [],
    forms: docs(pack.forms),
    flows: docs(pack.flows).map((f) => ({ key: String(f.key), name: f.name, form: f.form })),
    automations: docs(pack.automations).map((a) => ({ key: String(a.key), name: a.name })),
    dashboards: docs(pack.dashboards).map((d) => ({
      key: String(d.key),
      name: d.name,
      widgets: Array.isArray(d.widgets) ? d.widgets.length : 0,
    })),
    roles: docs(pack.roles).map((r) => ({
      key: String(r.key),
      name: r.name,
      ...(r.description === undefined ? {} : { description: r.description }),
    })),
    demoData: Object.fromEntries(
      Object.entries(records ?? {}).map(([form, list]) => [form, Array.isArray(list) ? list.length : 0]),
    ),
  };
  if (manifest.description !== undefined) detail.description = manifest.description;
  if (pack.app !== undefined) detail.app = pack.app;
  return detail;
}
