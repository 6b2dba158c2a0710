import type { FormDefinitionSummary, MenuItem } from './apps';
import { apiRequest } from './client';
import type { LocalizedText } from './endpoints';

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** A pack of the server's catalogue (`GET /templates`). */
export interface TemplateSummary {
  key: string;
  name: LocalizedText;
  version: string;
  description?: LocalizedText;
}

/** What a pack holds (`GET /templates/:key`). */
export interface TemplateDetail extends TemplateSummary {
  locales: string[];
  app?: {
    key?: string;
    name?: LocalizedText;
    color?: string;
    icon?: string;
    menu?: MenuItem[];
    description?: LocalizedText;
  };
  forms: Array<Omit<FormDefinitionSummary, 'id' | 'version'>>;
  flows: Array<{ key: string; name: LocalizedText; form?: string }>;
  automations: Array<{ key: string; name: LocalizedText }>;
  dashboards: Array<{ key: string; name: LocalizedText; widgets: number }>;
  roles: Array<{ key: string; name: LocalizedText; description?: LocalizedText }>;
  demoData: Record<string, number>;
}

/** The answer of `POST /workspaces/:ws/apps/import`: the new ids by key. */
export interface ImportedApp {
  appId: string;
  forms: Record<string, string>;
  records: number;
}

/** How far an import got (`apps:importProgress`, sent while the import request runs). */
export interface PackImportProgress {
  progressKey: string;
  /** `demo`: seeding a generated demo, `done` of `total` steps; `failed`: the import was undone. */
  phase: 'checking' | 'forms' | 'records' | 'finishing' | 'demo' | 'failed';
  done: number;
  total: number;
  /** With `failed`: the error the import's answer carries, in the request's language. */
  error?: { code: string; message: string };
}

/** Calls of the template catalogue. */
export const templatesApi = {
  list: (signal?: AbortSignal) => apiRequest<TemplateSummary[]>('GET', '/templates', opts(signal)),
  get: (key: string, signal?: AbortSignal) =>
    apiRequest<TemplateDetail>('GET', `/templates/${encodeURIComponent(key)}`, opts(signal)),
  /** Imports a catalogue pack as a new app; progress goes to this user's sockets under `progressKey`. */
  use: (
    workspaceId: string,
    body: { template: string; demoData: boolean; appKey?: string; progressKey: string },
  ) =>
    apiRequest<ImportedApp>('POST', `/workspaces/${encodeURIComponent(workspaceId)}/apps/import`, { body }),
};
