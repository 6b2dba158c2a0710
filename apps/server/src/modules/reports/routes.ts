import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError } from '../../lib/errors.js';
import { callerOf } from '../apps/caller.js';
import { auditExport } from '../audit/service.js';
import { watchRecordWrites } from './cache.js';
import { widgetWorkbook } from './export.js';
import { queryReport, type ReportRequest, reportCell, reportWithForm } from './service.js';

/** Largest request body of a report query: a widget and a few filters are a few KiB. */
const BODY_LIMIT = 64 * 1024;

/** What every report route takes: a widget and how to run it (docs/reports.md). */
export const ReportBody = {
  // Checked against the meta-model by the service, so errors point into the widget.
  widget: Type.Record(Type.String(), Type.Unknown()),
  filters: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 20 })),
  appId: Type.Optional(Type.String({ maxLength: 24 })),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  drill: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 5 })),
};

const Cell = Type.Record(Type.String(), Type.Unknown(), { maxProperties: 5 });

function reportRequest(body: {
  widget: Record<string, unknown>;
  filters?: unknown[];
  appId?: string;
  timeZone?: string;
  drill?: unknown[];
}): ReportRequest {
  const { widget, filters, appId, timeZone, drill } = body;
  return {
    widget,
    ...(filters === undefined ? {} : { filters }),
    ...(appId === undefined ? {} : { appId }),
    ...(timeZone === undefined ? {} : { timeZone }),
    ...(drill === undefined ? {} : { drill }),
  };
}

/** The locale of exported column headers: Chinese when the caller's language is, English otherwise. */
export function exportLocale(request: FastifyRequest): 'en' | 'zh-CN' {
  const accept = request.headers['accept-language'];
  return typeof accept === 'string' && /^\s*zh/i.test(accept) ? 'zh-CN' : 'en';
}

/**
 * Sends a widget's result as XLSX: the caller needs `export` on the widget's form (as for record exports),
 * and the export is audited like one.
 */
export async function sendWidgetExport(
  app: AppInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  report: ReportRequest,
) {
  const caller = callerOf(request);
  const { result, target } = await reportWithForm(app.store.connection, caller, report);
  if (!target.access.canExport) throw appError('FORBIDDEN', 'record.mayNotExport');
  const key = (report.widget as { key?: unknown }).key;
  const file = await widgetWorkbook(
    typeof key === 'string' ? key : target.form.key,
    result,
    exportLocale(request),
  );
  await auditExport(app.store.connection, request, caller.ws, {
    form: target.form.key,
    app: target.form.app.toHexString(),
    format: 'xlsx',
    count: file.rows,
    widget: typeof key === 'string' ? key : null,
  });
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${encodeURIComponent(file.filename)}"`)
    .send(file.body);
}

/** Report queries: a widget over the records the caller may view (docs/reports.md). */
export async function reportRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;
  // Answers are kept until a record of their form is written (cache.ts).
  const stop = watchRecordWrites(connection);
  app.addHook('onClose', async () => stop());
  const params = Type.Object({ ws: Type.String() });

  app.post(
    '/workspaces/:ws/reports/query',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['reports'],
        summary:
          "Run a widget's query over the records the caller may view; fields hidden from the caller cannot be named",
        params,
        body: Type.Object(ReportBody, { additionalProperties: false }),
      },
    },
    async (request) => queryReport(connection, callerOf(request), reportRequest(request.body)),
  );

  app.post(
    '/workspaces/:ws/reports/export',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['reports'],
        summary: "A widget's result as an XLSX file (needs export on its form; audited)",
        params,
        body: Type.Object(ReportBody, { additionalProperties: false }),
      },
    },
    async (request, reply) => sendWidgetExport(app, request, reply, reportRequest(request.body)),
  );

  app.post(
    '/workspaces/:ws/reports/cell',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['reports'],
        summary: 'The record filter behind one cell of a widget, for the record list (click-through)',
        params,
        body: Type.Object({ ...ReportBody, cell: Cell }, { additionalProperties: false }),
      },
    },
    async (request) =>
      reportCell(connection, callerOf(request), { ...reportRequest(request.body), cell: request.body.cell }),
  );
}
