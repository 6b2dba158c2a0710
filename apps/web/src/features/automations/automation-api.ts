import { apiRequest } from '../../api/client';
import type { Localized } from '../designer/model/form-tree';

/** An automation definition as packs and the API hold it (docs/automations.md). */
export interface AutomationJson {
  key: string;
  name: Localized;
  description?: Localized;
  enabled?: boolean;
  trigger: { type: string; form?: string; [setting: string]: unknown };
  includeBulkWrites?: boolean;
  conditions?: string[];
  actions: ActionJson[];
}

/** One action: a key of the action registry and the config its schema validates. */
export interface ActionJson {
  type: string;
  name?: Localized;
  /** A formula: the action runs only when it yields true (else the run log shows it skipped). */
  when?: string;
  config: Record<string, unknown>;
}

/** A stored automation. */
export interface StoredAutomation {
  id: string;
  app: string;
  key: string;
  enabled: boolean;
  v: number;
  definition: AutomationJson;
  createdAt: string;
  updatedAt: string;
}

/** What one action did (records written, people told, a webhook's answer). */
export interface RunEffect {
  kind: string;
  form?: string;
  record?: string;
  detail?: Record<string, unknown>;
}

/** One action's outcome in a run. */
export interface RunAction {
  index: number;
  type: string;
  status: 'done' | 'failed';
  effects: RunEffect[];
  error?: { code: string; message: string };
  durationMs: number;
}

/** Where a run stands. */
export type RunStatus = 'running' | 'succeeded' | 'retrying' | 'failed' | 'skipped';

/** One entry of the run log. */
export interface AutomationRun {
  id: string;
  status: RunStatus;
  reason?: string;
  trigger: { type: string; via: string; form?: string; record?: string; occurrence?: string };
  input?: Record<string, unknown>;
  attempts: number;
  actions: RunAction[];
  error?: { code: string; message: string };
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

/** Answer of a manual run. */
export interface RunResult {
  runId: string;
  status: RunStatus;
  effects: RunEffect[];
  error?: { code: string; message: string };
}

/** A record as a record picker lists it. */
export interface RecordItem {
  id: string;
  data: Record<string, unknown>;
  createdAt?: string;
}

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;
const enc = encodeURIComponent;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** The automation routes (docs/automations.md), for app managers. */
export const automationApi = {
  list: (w: string, app: string, signal?: AbortSignal) =>
    apiRequest<StoredAutomation[]>('GET', `${ws(w)}/apps/${enc(app)}/automations`, opts(signal)),
  get: (w: string, id: string, signal?: AbortSignal) =>
    apiRequest<StoredAutomation>('GET', `${ws(w)}/automations/${enc(id)}`, opts(signal)),
  create: (w: string, app: string, definition: AutomationJson) =>
    apiRequest<StoredAutomation>('POST', `${ws(w)}/apps/${enc(app)}/automations`, { body: { definition } }),
  update: (w: string, id: string, definition: AutomationJson, v: number) =>
    apiRequest<StoredAutomation>('PUT', `${ws(w)}/automations/${enc(id)}`, { body: { definition, v } }),
  remove: (w: string, id: string) => apiRequest<undefined>('DELETE', `${ws(w)}/automations/${enc(id)}`),
  setEnabled: (w: string, id: string, enabled: boolean) =>
    apiRequest<StoredAutomation>(
      'POST',
      `${ws(w)}/automations/${enc(id)}/${enabled ? 'enable' : 'disable'}`,
      {
        body: {},
      },
    ),
  run: (w: string, id: string, body: { record?: string; input?: Record<string, unknown> }) =>
    apiRequest<RunResult>('POST', `${ws(w)}/automations/${enc(id)}/run`, { body }),
  runs: (w: string, id: string, cursor?: string, signal?: AbortSignal) =>
    apiRequest<{ items: AutomationRun[]; nextCursor: string | null }>(
      'GET',
      `${ws(w)}/automations/${enc(id)}/runs?limit=20${cursor ? `&cursor=${enc(cursor)}` : ''}`,
      opts(signal),
    ),
  /** The newest records of a form (for a record picker), `q` searching their texts. */
  records: (w: string, form: string, q = '', signal?: AbortSignal) =>
    apiRequest<{ items: RecordItem[] }>(
      'GET',
      `${ws(w)}/forms/${enc(form)}/records?limit=30${q.trim() ? `&q=${enc(q.trim().slice(0, 200))}` : ''}`,
      opts(signal),
    ),
};
