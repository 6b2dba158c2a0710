import type { ReportResult, ReportRow } from '@formloom/report';
import type { Dashboard, Widget } from '@formloom/schema';
import { apiRequest, authHeaders, errorFromAnswer } from '../../api/client';
import type { FilterNode } from '../../api/records';

export type { Dashboard, ReportResult, ReportRow, Widget };

/** A dashboard as `GET …/dashboards/:dashboard` answers it. */
export interface DashboardView {
  id: string;
  v: number;
  editable: boolean;
  dashboard: Dashboard;
}

/** The values of a dashboard's filter controls, by control key. */
export type ControlValues = Record<string, unknown>;

/** How one widget of a stored dashboard is run: control values, time zone, drill path. */
export interface WidgetRun {
  controls?: ControlValues;
  timeZone?: string;
  drill?: Array<string | number | boolean | null>;
}

/** The record filter behind one cell (click-through). */
export interface CellTarget {
  app: string;
  form: string;
  formKey: string;
  filter: FilterNode;
}

const appPath = (ws: string, app: string) =>
  `/workspaces/${encodeURIComponent(ws)}/apps/${encodeURIComponent(app)}`;
const widgetPath = (ws: string, app: string, dashboard: string, widget: string) =>
  `${appPath(ws, app)}/dashboards/${encodeURIComponent(dashboard)}/widgets/${encodeURIComponent(widget)}`;
const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** The browser's IANA zone: date buckets and periods are counted where the viewer is. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

async function download(
  path: string,
  body: unknown,
  fallback: string,
): Promise<{ blob: Blob; filename: string }> {
  const response = await fetch(`/api/v1${path}`, {
    method: 'POST',
    headers: { ...authHeaders('POST'), 'Content-Type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  if (!response.ok) throw errorFromAnswer(response.status, response.statusText, await response.text());
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallback;
  return { blob: await response.blob(), filename };
}

/** Calls of the dashboards routes (docs/reports.md, "Dashboards") and the report route the designer previews with. */
export const dashboardsApi = {
  get: (ws: string, app: string, dashboard: string, signal?: AbortSignal) =>
    apiRequest<DashboardView>(
      'GET',
      `${appPath(ws, app)}/dashboards/${encodeURIComponent(dashboard)}`,
      opts(signal),
    ),
  /** Creates the dashboard and adds it to the end of the app's menu (one write on the server). */
  create: (ws: string, app: string, dashboard: Dashboard) =>
    apiRequest<DashboardView>('POST', `${appPath(ws, app)}/dashboards?menu=true`, { body: dashboard }),
  /** Removes the dashboard and its entries in the app's menu. */
  remove: (ws: string, app: string, id: string) =>
    apiRequest<void>('DELETE', `${appPath(ws, app)}/dashboards/${encodeURIComponent(id)}?menu=true`),
  update: (ws: string, app: string, id: string, dashboard: Dashboard, v: number) =>
    apiRequest<DashboardView>('PUT', `${appPath(ws, app)}/dashboards/${encodeURIComponent(id)}`, {
      body: { dashboard, v },
    }),
  query: (ws: string, app: string, dashboard: string, widget: string, run: WidgetRun, signal?: AbortSignal) =>
    apiRequest<ReportResult>('POST', `${widgetPath(ws, app, dashboard, widget)}/query`, {
      body: run,
      ...opts(signal),
    }),
  cell: (ws: string, app: string, dashboard: string, widget: string, run: WidgetRun, cell: ReportRow) =>
    apiRequest<CellTarget>('POST', `${widgetPath(ws, app, dashboard, widget)}/cell`, {
      body: { ...run, cell },
    }),
  export: (ws: string, app: string, dashboard: string, widget: string, run: WidgetRun) =>
    download(`${widgetPath(ws, app, dashboard, widget)}/export`, run, `${widget}.xlsx`),
  /** A widget not saved yet (the designer's live preview), through the same access layer. */
  preview: (
    ws: string,
    app: string,
    widget: Widget,
    run: { timeZone: string; filters?: FilterNode[]; drill?: WidgetRun['drill'] },
    signal?: AbortSignal,
  ) =>
    apiRequest<ReportResult>('POST', `/workspaces/${encodeURIComponent(ws)}/reports/query`, {
      body: {
        widget,
        appId: app,
        timeZone: run.timeZone,
        ...(run.filters && run.filters.length > 0 ? { filters: run.filters } : {}),
        ...(run.drill && run.drill.length > 0 ? { drill: run.drill } : {}),
      },
      ...opts(signal),
    }),
};

/** Saves a downloaded file through the browser. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
