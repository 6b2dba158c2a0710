import type { Dashboard, Widget } from '@formloom/schema';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { toErrorResponse } from '../../lib/error-handler.js';
import { appError } from '../../lib/errors.js';
import { callerOf, parseId } from '../apps/caller.js';
import { loadAppScope } from '../records/form-cache.js';
import { sendWidgetExport } from '../reports/routes.js';
import {
  answerReport,
  type PreparedReport,
  prefetchReports,
  prepareReport,
  queryReport,
  type ReportRequest,
  reportCell,
} from '../reports/service.js';
import { type ControlValues, controlFilters } from './controls.js';
import {
  createDashboard,
  deleteDashboard,
  listDashboards,
  loadDashboard,
  updateDashboard,
} from './service.js';

const AppParams = Type.Object({ ws: Type.String(), app: Type.String() });
const DashboardParams = Type.Object({ ws: Type.String(), app: Type.String(), dashboard: Type.String() });
const WidgetParams = Type.Object({
  ws: Type.String(),
  app: Type.String(),
  dashboard: Type.String(),
  widget: Type.String(),
});
const BODY_LIMIT = 512 * 1024;
// Query strings are not coerced (app-wide ajv option): the flag arrives as text.
const MenuFlag = Type.Object(
  { menu: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
  { additionalProperties: false },
);

/** How a viewer runs one widget of a stored dashboard. */
const WidgetRun = {
  controls: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { maxProperties: 20 })),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  drill: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 5 })),
};

type WidgetRunBody = { controls?: Record<string, unknown>; timeZone?: string; drill?: unknown[] };

/**
 * The report request of one widget of a stored dashboard, for the caller: the dashboard must be one they
 * see, the widget one of it, and the controls' values become filters of the widget's form (and of the forms
 * its target series read).
 */
async function widgetRequest(
  app: AppInstance,
  request: FastifyRequest,
  params: { app: string; dashboard: string; widget: string },
  body: WidgetRunBody,
): Promise<ReportRequest> {
  const connection = app.store.connection;
  const caller = callerOf(request);
  const appId = parseId(params.app, 'App');
  const { view } = await loadDashboard(connection, caller, appId, params.dashboard);
  const dashboard: Dashboard = view.dashboard;
  const widget = dashboard.widgets.find((w) => w.key === params.widget);
  if (!widget) throw appError('NOT_FOUND', 'dashboard.widgetNotFound');
  const controls = dashboard.filters ?? [];
  const values: ControlValues = body.controls ?? {};
  const { directory } = await loadAppScope(connection, caller.ws, appId);
  // The type of a control's field on a form (a record's own times are timestamps), or undefined without it.
  const typeOf = (formKey: string, field: string): string | undefined => {
    if (field.startsWith('_'))
      return field === '_createdAt' || field === '_updatedAt' ? 'timestamp' : 'system';
    const [head, column] = field.split('.');
    const def = directory.byKey(formKey)?.definition.fields.find((f) => f.key === head);
    if (!def) return undefined;
    if (column === undefined) return def.type;
    const columns = Array.isArray(def.columns) ? (def.columns as { key: string; type: string }[]) : [];
    return columns.find((c) => c.key === column)?.type;
  };
  const filtersOf = (formKey: string) =>
    controlFilters(connection, caller.ws, controls, values, formKey, typeOf, body.timeZone);
  const filters = await filtersOf(widget.source.form);
  const others = new Map<string, unknown[]>();
  for (const m of widget.measures ?? []) {
    if (m.target && !others.has(m.target.form)) others.set(m.target.form, await filtersOf(m.target.form));
  }
  const { timeZone, drill } = body;
  return {
    widget: widget as Widget,
    filters,
    appId: appId.toHexString(),
    filtersFor: (formKey) => others.get(formKey) ?? [],
    ...(timeZone === undefined ? {} : { timeZone }),
    ...(drill === undefined ? {} : { drill }),
  };
}

/**
 * Dashboards of an app, stored as the pack format's documents: managers of the app create and change them;
 * members see those of apps they hold a role of (docs/reports.md, "Dashboards"). Widget data is answered
 * per widget through the report route's access layer, with the dashboard's filter controls applied.
 */
export async function dashboardRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;

  app.get(
    '/workspaces/:ws/apps/:app/dashboards',
    {
      schema: {
        tags: ['dashboards'],
        summary: 'The dashboards of an app the caller sees',
        params: AppParams,
      },
    },
    async (request) => listDashboards(connection, callerOf(request), parseId(request.params.app, 'App')),
  );

  app.get(
    '/workspaces/:ws/apps/:app/dashboards/:dashboard',
    { schema: { tags: ['dashboards'], summary: 'One dashboard (by id or key)', params: DashboardParams } },
    async (request) =>
      (
        await loadDashboard(
          connection,
          callerOf(request),
          parseId(request.params.app, 'App'),
          request.params.dashboard,
        )
      ).view,
  );

  app.post(
    '/workspaces/:ws/apps/:app/dashboards',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['dashboards'],
        summary:
          "Create a dashboard (managers of the app); `?menu=true` also adds it to the end of the app's menu",
        params: AppParams,
        querystring: MenuFlag,
        body: Type.Record(Type.String(), Type.Unknown()),
      },
    },
    async (request, reply) => {
      const created = await createDashboard(
        connection,
        callerOf(request),
        parseId(request.params.app, 'App'),
        request.body,
        request.query.menu === 'true',
      );
      return reply.status(201).send(created);
    },
  );

  app.put(
    '/workspaces/:ws/apps/:app/dashboards/:dashboard',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['dashboards'],
        summary:
          'Replace a dashboard made at version v (managers of the app); 409 when someone saved meanwhile',
        params: DashboardParams,
        body: Type.Object(
          { dashboard: Type.Record(Type.String(), Type.Unknown()), v: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) =>
      updateDashboard(
        connection,
        callerOf(request),
        parseId(request.params.app, 'App'),
        request.params.dashboard,
        request.body,
      ),
  );

  app.delete(
    '/workspaces/:ws/apps/:app/dashboards/:dashboard',
    {
      schema: {
        tags: ['dashboards'],
        summary:
          "Remove a dashboard (managers of the app); 409 while the app's menu links to it, unless `?menu=true` removes those entries too",
        params: DashboardParams,
        querystring: MenuFlag,
      },
    },
    async (request, reply) => {
      await deleteDashboard(
        connection,
        callerOf(request),
        parseId(request.params.app, 'App'),
        request.params.dashboard,
        request.query.menu === 'true',
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/workspaces/:ws/apps/:app/dashboards/:dashboard/query',
    {
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['dashboards'],
        summary:
          "Every widget's data at once (or those `widgets` names), with the dashboard's filter controls; a widget that fails answers its error in place",
        params: DashboardParams,
        body: Type.Object(
          {
            ...WidgetRun,
            widgets: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { view } = await loadDashboard(
        connection,
        caller,
        parseId(request.params.app, 'App'),
        request.params.dashboard,
      );
      const { widgets: wanted, ...body } = request.body;
      const keys = wanted ?? view.dashboard.widgets.map((w) => w.key);
      const results: Record<string, unknown> = {};
      const failed = (key: string, error: unknown) => {
        const { status, body: failure } = toErrorResponse(error);
        if (status >= 500) throw error;
        results[key] = { status, ...failure };
      };
      // Every widget checked and compiled for the caller first; then the queries of widgets over one form
      // run as one scan (each with its own access scope and filters), and each widget is shaped from them.
      const ready: { key: string; report: ReportRequest; prepared: PreparedReport }[] = [];
      for (const key of keys) {
        try {
          const report = await widgetRequest(app, request, { ...request.params, widget: key }, body);
          ready.push({ key, report, prepared: await prepareReport(connection, caller, report) });
        } catch (error) {
          failed(key, error);
        }
      }
      const prefetched = await prefetchReports(
        connection,
        ready.map((r) => r.prepared),
      );
      for (const { key, report, prepared } of ready) {
        try {
          results[key] = (await answerReport(connection, prepared, report, prefetched)).result;
        } catch (error) {
          failed(key, error);
        }
      }
      // In the dashboard's order, failures in place.
      return { widgets: Object.fromEntries(keys.map((k) => [k, results[k]])) };
    },
  );

  const run = {
    bodyLimit: 16 * 1024,
    params: WidgetParams,
    body: Type.Object(WidgetRun, { additionalProperties: false }),
  };
  app.post(
    '/workspaces/:ws/apps/:app/dashboards/:dashboard/widgets/:widget/query',
    {
      bodyLimit: run.bodyLimit,
      schema: {
        tags: ['dashboards'],
        summary: "A widget's data, with the dashboard's filter controls",
        params: run.params,
        body: run.body,
      },
    },
    async (request) =>
      queryReport(
        connection,
        callerOf(request),
        await widgetRequest(app, request, request.params, request.body),
      ),
  );
  app.post(
    '/workspaces/:ws/apps/:app/dashboards/:dashboard/widgets/:widget/export',
    {
      bodyLimit: run.bodyLimit,
      schema: {
        tags: ['dashboards'],
        summary: "A widget's data as XLSX (needs export on its form)",
        params: run.params,
        body: run.body,
      },
    },
    async (request, reply) =>
      sendWidgetExport(app, request, reply, await widgetRequest(app, request, request.params, request.body)),
  );
  app.post(
    '/workspaces/:ws/apps/:app/dashboards/:dashboard/widgets/:widget/cell',
    {
      bodyLimit: run.bodyLimit,
      schema: {
        tags: ['dashboards'],
        summary: 'The record filter behind one cell of a widget (click-through)',
        params: run.params,
        body: Type.Object(
          { ...WidgetRun, cell: Type.Record(Type.String(), Type.Unknown(), { maxProperties: 5 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) =>
      reportCell(connection, callerOf(request), {
        ...(await widgetRequest(app, request, request.params, request.body)),
        cell: request.body.cell,
      }),
  );
}
