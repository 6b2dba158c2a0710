import { apiRequest } from '../../api/client';
import type { AppSummary, FormSummary } from '../../api/endpoints';
import type { FormJson } from './model/form-tree';

/** A form as the designer loads it: working and published definitions with the version guard. */
export interface FormDetail {
  id: string;
  app: string;
  key: string;
  version: number;
  v: number;
  definition: FormJson;
  published: FormJson;
}

/** What changed between two definitions (server's `versions/diff`). */
export interface DefinitionDiff {
  form: string[];
  fields: Array<{ key: string; change: 'added' | 'removed' | 'changed'; properties?: string[] }>;
}

/** What a publish would do to stored records (`publish/preview`). */
export interface PublishPreview {
  version: number;
  records: number;
  diff: DefinitionDiff;
  hidden: string[];
  conversions: Array<{ field: string; from: string; to: string; converted: number; failed: number }>;
  required: Array<{ field: string; empty: number }>;
  recompute: boolean;
}

/** One published version. */
export interface VersionEntry {
  version: number;
  publishedAt: string;
  fields: number;
}

/** A stored record as the write answers it. */
export interface StoredRecord {
  id: string;
  data: Record<string, unknown>;
  v: number;
}

/** App settings as the builder reads and changes them. */
export interface AppDetail extends AppSummary {
  description?: Record<string, string>;
  menu?: MenuEntry[];
}

/** An entry of an app's menu. */
export type MenuEntry =
  | { kind: 'form'; form: string; label?: Record<string, string> }
  | { kind: 'dashboard'; dashboard: string; label?: Record<string, string> }
  | { kind: 'group'; label: Record<string, string>; items: MenuEntry[] };

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;
const enc = encodeURIComponent;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** The routes the designers and the app builder use. */
export const designerApi = {
  form: (w: string, form: string, signal?: AbortSignal) =>
    apiRequest<FormDetail>('GET', `${ws(w)}/forms/${enc(form)}`, opts(signal)),
  appForms: (w: string, app: string, signal?: AbortSignal) =>
    apiRequest<Array<FormSummary & { fields: FormJson['fields'] }>>(
      'GET',
      `${ws(w)}/apps/${enc(app)}/forms`,
      opts(signal),
    ),
  createForm: (w: string, app: string, definition: FormJson) =>
    apiRequest<FormDetail>('POST', `${ws(w)}/apps/${enc(app)}/forms`, { body: definition }),
  saveForm: (w: string, form: string, definition: FormJson, v: number) =>
    apiRequest<{ form: FormDetail }>('PUT', `${ws(w)}/forms/${enc(form)}`, { body: { definition, v } }),
  previewPublish: (w: string, form: string) =>
    apiRequest<PublishPreview>('POST', `${ws(w)}/forms/${enc(form)}/publish/preview`, { body: {} }),
  publish: (w: string, form: string) =>
    apiRequest<{ form: FormDetail }>('POST', `${ws(w)}/forms/${enc(form)}/publish`, { body: {} }),
  versions: (w: string, form: string, signal?: AbortSignal) =>
    apiRequest<VersionEntry[]>('GET', `${ws(w)}/forms/${enc(form)}/versions`, opts(signal)),
  diff: (w: string, form: string, from: number | 'draft', to: number | 'draft', signal?: AbortSignal) =>
    apiRequest<DefinitionDiff>(
      'GET',
      `${ws(w)}/forms/${enc(form)}/versions/diff?from=${from}&to=${to}`,
      opts(signal),
    ),
  hasRecords: async (w: string, form: string, signal?: AbortSignal) =>
    (
      await apiRequest<{ items: unknown[] }>(
        'GET',
        `${ws(w)}/forms/${enc(form)}/records?limit=1`,
        opts(signal),
      )
    ).items.length > 0,
  createRecord: (w: string, form: string, data: Record<string, unknown>) =>
    apiRequest<StoredRecord>('POST', `${ws(w)}/forms/${enc(form)}/records`, { body: { data } }),
  app: (w: string, app: string, signal?: AbortSignal) =>
    apiRequest<AppDetail>('GET', `${ws(w)}/apps/${enc(app)}`, opts(signal)),
  createApp: (w: string, key: string, name: Record<string, string>) =>
    apiRequest<AppDetail>('POST', `${ws(w)}/apps`, { body: { key, name } }),
  updateApp: (w: string, app: string, change: Partial<Pick<AppDetail, 'name' | 'menu'>>) =>
    apiRequest<AppDetail>('PATCH', `${ws(w)}/apps/${enc(app)}`, { body: change }),
  deleteApp: (w: string, app: string) => apiRequest<undefined>('DELETE', `${ws(w)}/apps/${enc(app)}`),
  exportApp: (w: string, app: string) =>
    apiRequest<Record<string, unknown>>('GET', `${ws(w)}/apps/${enc(app)}/export`),
  importPack: (w: string, pack: unknown, appKey?: string) =>
    apiRequest<{ appId: string }>('POST', `${ws(w)}/apps/import`, {
      body: { pack, ...(appKey ? { appKey } : {}) },
    }),
};
