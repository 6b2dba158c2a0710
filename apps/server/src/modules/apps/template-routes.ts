import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { appError } from '../../lib/errors.js';
import { auditExport, recordAudit } from '../audit/service.js';
import { listTemplates, loadTemplate } from '../templates/catalogue.js';
import { callerOf, parseId } from './caller.js';
import { exportApp } from './pack-export.js';
import { type ImportRequest, importPack } from './pack-import.js';

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
  },
  { additionalProperties: false },
);

/** Template packs: the server's catalogue, importing a pack as a new app, exporting an app as a pack. */
export async function templateRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;

  app.get(
    '/templates',
    { schema: { tags: ['apps'], summary: 'The template packs this server offers' } },
    async () => listTemplates(app.config.templatesDir),
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
        throw appError('VALIDATION_FAILED', 'Give either a template key or a pack', [
          {
            path: body.pack === undefined ? '/template' : '/pack',
            message: 'exactly one of template and pack',
          },
        ]);
      }
      let input: ImportRequest;
      if (body.template !== undefined) {
        const demoData = body.demoData === true;
        const found = await loadTemplate(app.config.templatesDir, body.template, { demoData });
        if (!found) throw appError('NOT_FOUND', `No template "${body.template}"`);
        input = { pack: found.records ? { ...found.pack, records: found.records } : found.pack, demoData };
      } else {
        input = { pack: body.pack, demoData: body.demoData === true };
      }
      if (body.appKey !== undefined) input.appKey = body.appKey;
      const result = await importPack(connection, caller, input, {
        onRollback: (report) =>
          recordAudit(connection, request, {
            ws: caller.ws,
            action: 'apps.importFailed',
            details: { ...(body.template ? { template: body.template } : {}), removed: report },
          }),
      });
      await recordAudit(connection, request, {
        ws: caller.ws,
        action: 'apps.imported',
        target: { kind: 'app', id: result.appId },
        details: {
          importId: result.importId,
          records: result.records,
          ...(body.template ? { template: body.template } : {}),
        },
      });
      const { importId: _importId, ...answer } = result;
      return reply.status(201).send(answer);
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
