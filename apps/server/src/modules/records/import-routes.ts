import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { requestLocale } from '../../lib/error-handler.js';
import { callerOf, parseId } from '../apps/caller.js';
import { recordAudit } from '../audit/service.js';
import type { FormTarget } from './context.js';
import { type ImportRequest, importRecords, renderReport } from './import.js';
import { getImportJob, ImportJobs } from './import-jobs.js';
import { previewImport } from './import-preview.js';
import { undoImportJob } from './import-writes.js';

const FormParams = Type.Object({ ws: Type.String(), form: Type.String() });

/** How a route opens the form of its request with the caller's access. */
export type OpenTarget = (
  request: { params: { form: string } } & Parameters<typeof callerOf>[0],
) => Promise<FormTarget>;

/**
 * Importing records: the file's preview (columns, guesses), the import itself (synchronous, or a
 * background job reporting progress), the job's state, and undoing a finished import.
 */
export async function recordImportRoutes(app: AppInstance, target: OpenTarget): Promise<void> {
  const connection = app.store.connection;
  // Background imports stop (and all-or-nothing ones are undone) before the store goes away.
  const imports = new ImportJobs(connection, app.log);
  app.addHook('preClose', async () => imports.close());

  app.post(
    '/workspaces/:ws/forms/:form/records/import',
    {
      schema: {
        tags: ['records'],
        summary:
          'Import CSV or XLSX rows (dry run, all-or-nothing or skip bad rows, upsert by a unique field); ' +
          'with async (or a file over 512 KiB) it answers 202 with a job to poll',
        params: FormParams,
        body: Type.Object(
          {
            format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
            content: Type.String(),
            mapping: Type.Optional(Type.Record(Type.String(), Type.String())),
            dryRun: Type.Optional(Type.Boolean()),
            mode: Type.Optional(Type.Union([Type.Literal('allOrNothing'), Type.Literal('skip')])),
            upsertBy: Type.Optional(Type.String()),
            async: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const body = request.body as ImportRequest;
      const form = await target(request);
      const locale = requestLocale(request);
      if (ImportJobs.wanted(body)) return reply.status(202).send(await imports.start(form, body, locale));
      return renderReport(await importRecords(form, body), locale);
    },
  );

  app.post(
    '/workspaces/:ws/forms/:form/records/import/preview',
    {
      schema: {
        tags: ['records'],
        summary:
          "An import file's columns, first rows and the fields each column would go into (writes nothing)",
        params: FormParams,
        body: Type.Object(
          { format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]), content: Type.String() },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => previewImport(await target(request), request.body),
  );

  app.post(
    '/workspaces/:ws/imports/:job/undo',
    {
      schema: {
        tags: ['records'],
        summary: 'Take back a finished import: remove the records it created, restore the ones it updated',
        params: Type.Object({ ws: Type.String(), job: Type.String() }),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const result = await undoImportJob(connection, caller, parseId(request.params.job, 'Import'));
      await recordAudit(connection, request, {
        ws: caller.ws,
        action: 'records.importUndone',
        target: { kind: 'import', id: request.params.job.toLowerCase() },
        details: { ...result },
      });
      return result;
    },
  );

  app.get(
    '/workspaces/:ws/imports/:job',
    {
      schema: {
        tags: ['records'],
        summary: 'Progress and result of a background import (its starter and workspace admins only)',
        params: Type.Object({ ws: Type.String(), job: Type.String() }),
      },
    },
    async (request) =>
      getImportJob(
        connection,
        callerOf(request),
        parseId(request.params.job, 'Import'),
        requestLocale(request),
      ),
  );
}
