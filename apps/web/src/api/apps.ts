import { apiRequest } from './client';
import type { AppRole, FormFieldSummary, LocalizedText } from './endpoints';

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** A form or dashboard entry of an app's menu. */
export type MenuLeaf =
  | { kind: 'form'; form: string; label?: LocalizedText }
  | { kind: 'dashboard'; dashboard: string; label?: LocalizedText };

/** An entry of an app's menu (`App.menu` of the meta-model): a leaf, or a titled group of leaves. */
export type MenuItem = MenuLeaf | { kind: 'group'; label: LocalizedText; items: MenuLeaf[] };

/** An app as `GET /workspaces/:ws/apps[/:app]` answers it. */
export interface AppDetail {
  id: string;
  key: string;
  name: LocalizedText;
  description?: LocalizedText;
  icon?: string;
  color?: string;
  menu?: MenuItem[];
  roles: AppRole[];
  createdAt: string;
}

/** A field of a published form, with whatever type-specific settings it has. */
export interface FieldDefinition extends FormFieldSummary {
  required?: boolean;
  readOnly?: boolean;
  hidden?: boolean;
  description?: LocalizedText;
  columns?: FieldDefinition[];
  [setting: string]: unknown;
}

/** A section of a form's layout. */
export interface LayoutSection {
  title?: LocalizedText;
  columns?: number;
  fields: string[];
}

/** A published form of an app, as `GET /workspaces/:ws/apps/:app/forms` lists it. */
export interface FormDefinitionSummary {
  id: string;
  key: string;
  name: LocalizedText;
  version: number;
  fields: FieldDefinition[];
  description?: LocalizedText;
  layout?: { sections: LayoutSection[] };
  titleField?: string;
}

/** What the caller may do with one form (`GET .../apps/:app/access`). */
export interface FormAccess {
  id: string;
  submit: boolean;
  view: boolean;
  edit: boolean;
  delete: boolean;
  export: boolean;
  manage: boolean;
  hidden: string[];
  readOnly: string[];
}

/** The caller's permissions across an app. */
export interface AppAccess {
  manageApp: boolean;
  forms: Record<string, FormAccess>;
}

/** A dashboard of an app the caller sees (`GET …/apps/:app/dashboards`). */
export interface DashboardSummary {
  id: string;
  key: string;
  v: number;
  name: LocalizedText;
  description?: LocalizedText;
  widgets: number;
}

/** Body of `POST /workspaces/:ws/apps`. */
export interface NewApp {
  key: string;
  name: LocalizedText;
  description?: LocalizedText;
  color?: string;
}

/** Calls of the apps routes. */
export const appsApi = {
  list: (workspaceId: string, signal?: AbortSignal) =>
    apiRequest<AppDetail[]>('GET', `${ws(workspaceId)}/apps`, opts(signal)),
  get: (workspaceId: string, appId: string, signal?: AbortSignal) =>
    apiRequest<AppDetail>('GET', `${ws(workspaceId)}/apps/${encodeURIComponent(appId)}`, opts(signal)),
  forms: (workspaceId: string, appId: string, signal?: AbortSignal) =>
    apiRequest<FormDefinitionSummary[]>(
      'GET',
      `${ws(workspaceId)}/apps/${encodeURIComponent(appId)}/forms`,
      opts(signal),
    ),
  access: (workspaceId: string, appId: string, signal?: AbortSignal) =>
    apiRequest<AppAccess>('GET', `${ws(workspaceId)}/apps/${encodeURIComponent(appId)}/access`, opts(signal)),
  /** The dashboards the caller sees: the menu's names for them, and which of its entries they may open. */
  dashboards: (workspaceId: string, appId: string, signal?: AbortSignal) =>
    apiRequest<DashboardSummary[]>(
      'GET',
      `${ws(workspaceId)}/apps/${encodeURIComponent(appId)}/dashboards`,
      opts(signal),
    ),
  /** Owners and admins; 409 with `/key` when the key is taken. */
  create: (workspaceId: string, body: NewApp) =>
    apiRequest<AppDetail>('POST', `${ws(workspaceId)}/apps`, { body }),
};
