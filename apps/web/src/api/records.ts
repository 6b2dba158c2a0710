import { apiRequest, authHeaders, errorFromAnswer } from './client';

const formPath = (ws: string, form: string) =>
  `/workspaces/${encodeURIComponent(ws)}/forms/${encodeURIComponent(form)}`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** A record as the server answers it for the caller (hidden fields left out). */
export interface RecordView {
  id: string;
  form: string;
  formVersion: number;
  data: Record<string, unknown>;
  owner: string;
  dept: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  v: number;
  flow?: unknown;
  deletedAt?: string;
}

/** A page of records. */
export interface RecordPage {
  items: RecordView[];
  nextCursor: string | null;
}

/** A node of the filter DSL (API.md). */
export type FilterNode =
  | { field: string; op: string; value?: unknown }
  | { and: FilterNode[] }
  | { or: FilterNode[] };

/** Query of the record list. */
export interface ListQuery {
  filter?: FilterNode;
  /** `amount`, `-amount,_createdAt`. */
  sort?: string;
  /** Words searched in the form's text fields. */
  q?: string;
  limit?: number;
  cursor?: string;
  fields?: string[];
  deleted?: boolean;
}

function listParams(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.filter) params.set('filter', JSON.stringify(query.filter));
  if (query.sort) params.set('sort', query.sort);
  if (query.q?.trim()) params.set('q', query.q.trim());
  if (query.limit) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  if (query.fields?.length) params.set('fields', query.fields.join(','));
  if (query.deleted) params.set('deleted', 'true');
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Calls of the records routes of one form. */
export const recordsApi = {
  list: (ws: string, form: string, query: ListQuery = {}, signal?: AbortSignal) =>
    apiRequest<RecordPage>('GET', `${formPath(ws, form)}/records${listParams(query)}`, opts(signal)),
  get: (ws: string, form: string, id: string, signal?: AbortSignal) =>
    apiRequest<RecordView>('GET', `${formPath(ws, form)}/records/${encodeURIComponent(id)}`, opts(signal)),
  /**
   * Creates a record. `idempotencyKey` makes a repeat of the same submission (an offline queue sending
   * again after a lost answer) return the record the first one created instead of a second record.
   */
  create: (ws: string, form: string, data: Record<string, unknown>, idempotencyKey?: string) =>
    apiRequest<RecordView>('POST', `${formPath(ws, form)}/records`, {
      body: { data },
      ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
    }),
  /** Updates a record; `bulk` marks it as part of a bulk edit (automations fire only if they include those). */
  update: (ws: string, form: string, id: string, data: Record<string, unknown>, v: number, bulk = false) =>
    apiRequest<RecordView>(
      'PATCH',
      `${formPath(ws, form)}/records/${encodeURIComponent(id)}${bulk ? '?bulk=true' : ''}`,
      { body: { data, v } },
    ),
  remove: (ws: string, form: string, id: string, bulk = false) =>
    apiRequest<RecordView>(
      'DELETE',
      `${formPath(ws, form)}/records/${encodeURIComponent(id)}${bulk ? '?bulk=true' : ''}`,
    ),
  restore: (ws: string, form: string, id: string) =>
    apiRequest<RecordView>('POST', `${formPath(ws, form)}/records/${encodeURIComponent(id)}/restore`),
};

/** A saved view of a form's records (`GET .../views`). */
export interface SavedView {
  id: string;
  name: string;
  config: { columns: string[]; filter: FilterNode | null; sort: string | null; q: string | null };
  updatedAt: string;
}

/** One entry of a record's history, with field-by-field changes. */
export interface HistoryEntry {
  v: number;
  action: string;
  by: string | null;
  at: string;
  changes: Array<{ key: string; from?: unknown; to?: unknown }>;
}

/** A comment on a record. */
export interface CommentView {
  id: string;
  author: string;
  text: string;
  mentions: string[];
  createdAt: string;
}

/** A comment that mentions the caller. */
export interface MentionView {
  id: string;
  form: string;
  record: string;
  author: string;
  createdAt: string;
  text: string | null;
}

/** What an import file holds, before anything is written. */
export interface ImportPreview {
  headers: string[];
  sample: Array<Record<string, string>>;
  total: number;
  guesses: Record<string, string>;
  fields: Array<{
    key: string;
    label: Record<string, string> | string;
    type: string;
    required: boolean;
    unique: boolean;
  }>;
}

/** A background import's state (`GET .../imports/:job`, and `import:progress` without errors). */
export interface ImportJob {
  jobId: string;
  form: string;
  status: 'running' | 'done' | 'failed';
  dryRun: boolean;
  mode: 'allOrNothing' | 'skip';
  phase: 'validating' | 'writing' | 'undoing';
  total: number;
  done: number;
  created: number;
  updated: number;
  skipped: number;
  errorCount: number;
  errors?: Array<{ row: number; details: Array<{ path: string; message: string }> }>;
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> } | null;
  undoable: boolean;
  undone: { at: string; kept: number } | null;
  createdAt: string;
  finishedAt: string | null;
}

/** Body of an import. */
export interface ImportRequest {
  format: 'csv' | 'xlsx';
  content: string;
  mapping?: Record<string, string>;
  dryRun?: boolean;
  mode?: 'allOrNothing' | 'skip';
  upsertBy?: string;
}

const wsPath = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;

/** Views, history, comments, exports and imports of a form's records. */
export const recordExtrasApi = {
  views: (ws: string, form: string, signal?: AbortSignal) =>
    apiRequest<SavedView[]>('GET', `${formPath(ws, form)}/views`, opts(signal)),
  createView: (ws: string, form: string, body: Pick<SavedView, 'name' | 'config'>) =>
    apiRequest<SavedView>('POST', `${formPath(ws, form)}/views`, { body }),
  updateView: (ws: string, form: string, id: string, body: Pick<SavedView, 'name' | 'config'>) =>
    apiRequest<SavedView>('PUT', `${formPath(ws, form)}/views/${encodeURIComponent(id)}`, { body }),
  deleteView: (ws: string, form: string, id: string) =>
    apiRequest<undefined>('DELETE', `${formPath(ws, form)}/views/${encodeURIComponent(id)}`),
  history: (ws: string, form: string, id: string, signal?: AbortSignal) =>
    apiRequest<HistoryEntry[]>(
      'GET',
      `${formPath(ws, form)}/records/${encodeURIComponent(id)}/history`,
      opts(signal),
    ),
  comments: (ws: string, form: string, id: string, signal?: AbortSignal) =>
    apiRequest<CommentView[]>(
      'GET',
      `${formPath(ws, form)}/records/${encodeURIComponent(id)}/comments`,
      opts(signal),
    ),
  addComment: (ws: string, form: string, id: string, text: string) =>
    apiRequest<CommentView>('POST', `${formPath(ws, form)}/records/${encodeURIComponent(id)}/comments`, {
      body: { text },
    }),
  mentions: (ws: string, signal?: AbortSignal) =>
    apiRequest<MentionView[]>('GET', `${wsPath(ws)}/mentions`, opts(signal)),
  /** Downloads the records of a view as a file (saved by the browser). */
  async exportView(
    ws: string,
    form: string,
    format: 'csv' | 'xlsx',
    query: ListQuery,
  ): Promise<{ blob: Blob; filename: string }> {
    const params = new URLSearchParams({ format });
    if (query.filter) params.set('filter', JSON.stringify(query.filter));
    if (query.q?.trim()) params.set('q', query.q.trim());
    if (query.sort) params.set('sort', query.sort);
    if (query.fields?.length) params.set('fields', query.fields.join(','));
    const response = await fetch(`/api/v1${formPath(ws, form)}/records/export?${params}`, {
      headers: authHeaders('GET'),
      credentials: 'same-origin',
    });
    if (!response.ok) throw errorFromAnswer(response.status, response.statusText, await response.text());
    const disposition = response.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `export.${format}`;
    return { blob: await response.blob(), filename };
  },
  previewImport: (ws: string, form: string, body: Pick<ImportRequest, 'format' | 'content'>) =>
    apiRequest<ImportPreview>('POST', `${formPath(ws, form)}/records/import/preview`, { body }),
  /** Starts a background import; progress comes as `import:progress` and from {@link importJob}. */
  startImport: (ws: string, form: string, body: ImportRequest) =>
    apiRequest<{ jobId: string }>('POST', `${formPath(ws, form)}/records/import`, {
      body: { ...body, async: true },
    }),
  importJob: (ws: string, job: string, signal?: AbortSignal) =>
    apiRequest<ImportJob>('GET', `${wsPath(ws)}/imports/${encodeURIComponent(job)}`, opts(signal)),
  undoImport: (ws: string, job: string) =>
    apiRequest<{ undone: number; kept: number }>(
      'POST',
      `${wsPath(ws)}/imports/${encodeURIComponent(job)}/undo`,
    ),
};
