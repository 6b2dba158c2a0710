import type { Connection } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError, t } from '../../lib/errors.js';
import { auditExport, recordAudit } from '../audit/service.js';
import { seedGalleryDemo } from '../demo/gallery.js';
import { publishUserNotice } from '../realtime/bus.js';
import { listTemplates, loadTemplate } from '../templates/catalogue.js';
import { describeTemplate } from '../templates/describe.js';
import { type Caller, callerOf, parseId } from './caller.js';
import { exportApp } from './pack-export.js';
import { type ImportRequest, importPack, type PackImportProgress } from './pack-import.js';

/** Progress notices of one import go out at most this often (and at every phase change). */
const PROGRESS_INTERVAL_MS = 200;

const ImportBody = Type.Object(
  {
    /** Key of a pack of the server's template catalogue (`GET /templates`). */
    template: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** A whole template pack, e.g. what `GET .../export` gave. */
    pack: Type.Optional(Type.Object({}, { additionalProperties: true })),
    /** Also write the pack's demo records. */
    demoData: Type.Optional(Type.Boolean()),
    /** The new app's key, when the pack's is taken in this workspace. */
    appKey: Type.Optional(Type.String()),
    /**
     * A name the client picks for this import: progress goes to the caller's sockets as
     * `apps:importProgress` `{ progressKey, phase, done, total }` while the request runs.
     */
    progressKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  },
  { additionalProperties: false },
);

/**
 * Sends an import's progress to the caller's sockets (docs/realtime.md), throttled: each phase change at
 * once, record counts at most every {@link PROGRESS_INTERVAL_MS}.
 */
function progressNotices(connection: Connection, caller: Caller, progressKey: string) {
  let last = 0;
  let phase = '';
  return (progress: PackImportProgress) => {
    const now = Date.now();
    if (progress.phase === phase && now - last < PROGRESS_INTERVAL_MS) return;
    phase = progress.phase;
    last = now;
    publishUserNotice(connection, {
      ws: caller.ws.toHexString(),
      user: caller.userId.toHexString(),
      event: 'apps:importProgress',
      payload: { progressKey, ...progress },
    });
  };
}

/** Template packs: the server's catalogue, importing a pack as a new app, exporting an app as a pack. */
export async function templateRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;

  app.get(
    '/templates',
    { schema: { tags: ['apps'], summary: 'The template packs this server offers' } },
    async () => listTemplates(app.config.templatesDir),
  );

  app.get(
    '/templates/:key',
    {
      schema: {
        tags: ['apps'],
        summary: 'What a template pack holds: forms, flows, automations, dashboards, roles, demo records',
        params: Type.Object({ key: Type.String({ maxLength: 64 }) }),
      },
    },
    async (request) => {
      const found = await loadTemplate(app.config.templatesDir, request.params.key, { demoData: true });
      if (!found) throw appError('NOT_FOUND', t('template.notFound', { key: request.params.key }));
      return describeTemplate(found);
    },
  );

  app.post(
    '/workspaces/:ws/apps/import',
    {
      schema: {
        tags: ['apps'],
        summary: 'Import a template pack (from the catalogue, or given whole) as a new app',
        params: Type.Object({ ws: Type.String() }),
        body: ImportBody,
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      if ((body.template === undefined) === (body.pack === undefined)) {
        throw appError('VALIDATION_FAILED', 'template.eitherOr', [
          {
            path: body.pack === undefined ? '/template' : '/pack',
            message: 'detail.templateOrPack',
          },
        ]);
      }
      let input: ImportRequest;
      // A catalogue template whose demo is a generator (no demo records): seeded once the app exists.
      let generated = false;
      if (body.template !== undefined) {
        const demoData = body.demoData === true;
        const found = await loadTemplate(app.config.templatesDir, body.template, { demoData });
        if (!found) throw appError('NOT_FOUND', t('template.notFound', { key: body.template }));
        input = { pack: found.records ? { ...found.pack, records: found.records } : found.pack, demoData };
        generated = demoData && !found.records;
      } else {
        input = { pack: body.pack, demoData: body.demoData === true };
      }
      if (body.appKey !== undefined) input.appKey = body.appKey;
      const result = await importPack(connection, caller, input, {
        ...(body.progressKey ? { onProgress: progressNotices(connection, caller, body.progressKey) } : {}),
        onRollback: (report) =>
          recordAudit(connection, request, {
            ws: caller.ws,
            action: 'apps.importFailed',
            details: { ...(body.template ? { template: body.template } : {}), removed: report },
          }),
      });
      // Its people are new members, which only a person may add (as for POST .../members).
      const auth = request.auth;
      const demo =
        generated && body.template && auth?.kind === 'session'
          ? await seedGalleryDemo(app, {
              template: body.template,
              ws: caller.ws.toHexString(),
              importer: { token: auth.token, userId: auth.userId },
              into: result,
            })
          : undefined;
      const records = result.records + (demo?.records ?? 0);
      await recordAudit(connection, request, {
        ws: caller.ws,
        action: 'apps.imported',
        target: { kind: 'app', id: result.appId },
        details: {
          importId: result.importId,
          records,
          ...(body.template ? { template: body.template } : {}),
        },
      });
      const { importId: _importId, ...answer } = result;
      return reply.status(201).send({
        ...answer,
        records,
        ...(demo ? { demo: { password: demo.password, accounts: demo.accounts } } : {}),
      });
    },
  );

  app.get(
    '/workspaces/:ws/apps/:app/export',
    {
      schema: {
        tags: ['apps'],
        summary: 'The app as a template pack (with `data=true`: and the records the caller may view)',
        params: Type.Object({ ws: Type.String(), app: Type.String() }),
        querystring: Type.Object(
          { data: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const appId = parseId(request.params.app, 'App');
      const data = request.query.data === 'true';
      const { pack, records } = await exportApp(connection, caller, appId, { data });
      await recordAudit(connection, request, {
        ws: caller.ws,
        action: 'apps.exported',
        target: { kind: 'app', id: appId.toHexString() },
        details: { data, records },
      });
      if (data)
        await auditExport(connection, request, caller.ws, {
          app: appId.toHexString(),
          format: 'pack',
          count: records,
        });
      return pack;
    },
  );
}
