import type { Connection } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { requestLocale } from '../../lib/error-handler.js';
import { appError, isAppError, t } from '../../lib/errors.js';
import { type Locale, render } from '../../lib/messages/index.js';
import { auditExport, recordAudit } from '../audit/service.js';
import { type GalleryDemo, galleryDemoGenerator, seedGalleryDemo } from '../demo/gallery.js';
import type { DemoGenerator } from '../demo/plan.js';
import { publishUserNotice } from '../realtime/bus.js';
import { listTemplates, loadTemplate } from '../templates/catalogue.js';
import { describeTemplate } from '../templates/describe.js';
import { type Caller, callerOf, parseId } from './caller.js';
import { exportApp } from './pack-export.js';
import { type ImportRequest, type ImportResult, importPack, type PackImportProgress } from './pack-import.js';

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

/** The last notice of an import that failed: it was undone; `error` is what the answer says. */
export interface ImportFailedNotice {
  phase: 'failed';
  done: number;
  total: number;
  error: { code: string; message: string };
}

/**
 * Sends an import's progress to the caller's sockets (docs/realtime.md), throttled: each phase change at
 * once, counts at most every {@link PROGRESS_INTERVAL_MS}; `failed` ends a failed import's progress with
 * the error's code and message in the request's language.
 */
function progressNotices(connection: Connection, caller: Caller, progressKey: string) {
  let last = 0;
  let current: PackImportProgress = { phase: 'checking', done: 0, total: 0 };
  const send = (payload: PackImportProgress | ImportFailedNotice) =>
    publishUserNotice(connection, {
      ws: caller.ws.toHexString(),
      user: caller.userId.toHexString(),
      event: 'apps:importProgress',
      payload: { progressKey, ...payload },
    });
  const notify = (progress: PackImportProgress) => {
    const now = Date.now();
    const changed = progress.phase !== current.phase;
    current = progress;
    if (!changed && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    send(progress);
  };
  notify.failed = (error: unknown, locale: Locale) => {
    const known = isAppError(error);
    send({
      phase: 'failed',
      done: current.done,
      total: current.total,
      error: {
        code: known ? String(error.code) : 'INTERNAL_ERROR',
        message: render(known ? error.text : 'error.internal', locale),
      },
    });
  };
  return notify;
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
      let generator: DemoGenerator | undefined;
      if (body.template !== undefined) {
        const demoData = body.demoData === true;
        const found = await loadTemplate(app.config.templatesDir, body.template, { demoData });
        if (!found) throw appError('NOT_FOUND', t('template.notFound', { key: body.template }));
        input = { pack: found.records ? { ...found.pack, records: found.records } : found.pack, demoData };
        if (demoData && !found.records) generator = await galleryDemoGenerator(app, body.template);
      } else {
        input = { pack: body.pack, demoData: body.demoData === true };
      }
      if (body.appKey !== undefined) input.appKey = body.appKey;
      // Its people are new accounts and members, which only a person may create (as for POST .../members):
      // they would outlive an API token and its revocation (docs/template-format.md).
      const auth = request.auth;
      if (generator && auth?.kind !== 'session') {
        throw appError('FORBIDDEN', 'app.demoNeedsPerson', [
          { path: '/demoData', message: 'detail.demoAccounts' },
        ]);
      }
      const notify = body.progressKey ? progressNotices(connection, caller, body.progressKey) : undefined;
      let demo: GalleryDemo | undefined;
      const seed =
        generator && auth?.kind === 'session' && body.template
          ? {
              template: body.template,
              generate: generator,
              importer: { token: auth.token, userId: auth.userId },
            }
          : undefined;
      let result: ImportResult;
      try {
        result = await importPack(connection, caller, input, {
          ...(notify ? { onProgress: notify } : {}),
          onRollback: (report) =>
            recordAudit(connection, request, {
              ws: caller.ws,
              action: 'apps.importFailed',
              details: { ...(body.template ? { template: body.template } : {}), removed: report },
            }),
          ...(seed
            ? {
                afterWrite: async (written: ImportResult) => {
                  demo = await seedGalleryDemo(app, {
                    ...seed,
                    ws: caller.ws.toHexString(),
                    into: written,
                    onProgress: (done, total) => notify?.({ phase: 'demo', done, total }),
                  });
                },
              }
            : {}),
        });
      } catch (error) {
        // The web's progress bar ends in a failed state with the message the answer carries.
        notify?.failed(error, requestLocale(request));
        throw error;
      }
      const seeded = demo as GalleryDemo | undefined;
      const records = result.records + (seeded?.records ?? 0);
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
        ...(seeded ? { demo: { password: seeded.password, accounts: seeded.accounts } } : {}),
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
