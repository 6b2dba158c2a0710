import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { recordAudit } from '../audit/service.js';
import { listForms } from '../forms/service.js';
import { formSummary } from '../forms/views.js';
import { appAccessRoutes } from './access-routes.js';
import { deleteApp, updateApp } from './app-admin.js';
import { callerOf, parseId } from './caller.js';
import { appRoleRoutes } from './role-routes.js';
import { appView, createApp, getApp, listApps } from './service.js';
import { templateRoutes } from './template-routes.js';

const WsParams = Type.Object({ ws: Type.String() });
const AppParams = Type.Object({ ws: Type.String(), app: Type.String() });

/** Apps of a workspace: create, list, read, the published forms of an app, template import and export. */
export async function appRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;
  await templateRoutes(app);
  await appRoleRoutes(app);
  await appAccessRoutes(app);

  app.post(
    '/workspaces/:ws/apps',
    {
      schema: {
        tags: ['apps'],
        summary: 'Create an app (owners and admins)',
        params: WsParams,
        body: Type.Object(
          { key: Type.String(), name: Type.Unknown(), roles: Type.Optional(Type.Array(Type.Unknown())) },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const doc = await createApp(connection, callerOf(request), request.body as never);
      return reply.status(201).send(appView(doc));
    },
  );

  app.get(
    '/workspaces/:ws/apps',
    { schema: { tags: ['apps'], summary: 'The apps of a workspace', params: WsParams } },
    async (request) => (await listApps(connection, callerOf(request).ws)).map(appView),
  );

  app.get(
    '/workspaces/:ws/apps/:app',
    { schema: { tags: ['apps'], summary: 'One app', params: AppParams } },
    async (request) => {
      const caller = callerOf(request);
      return appView(await getApp(connection, caller.ws, parseId(request.params.app, 'App')));
    },
  );

  app.get(
    '/workspaces/:ws/apps/:app/forms',
    { schema: { tags: ['apps'], summary: 'The published forms of an app', params: AppParams } },
    async (request) => {
      const caller = callerOf(request);
      const forms = await listForms(connection, caller.ws, parseId(request.params.app, 'App'));
      return forms.map(formSummary);
    },
  );

  app.patch(
    '/workspaces/:ws/apps/:app',
    {
      schema: {
        tags: ['apps'],
        summary:
          "Change an app's name, description, icon, color or menu (app managers; null clears); audited",
        params: AppParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.Unknown()),
            description: Type.Optional(Type.Unknown()),
            icon: Type.Optional(Type.Unknown()),
            color: Type.Optional(Type.Unknown()),
            menu: Type.Optional(Type.Unknown()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { before, after } = await updateApp(
        connection,
        caller,
        parseId(request.params.app, 'App'),
        request.body,
      );
      const changed = Object.keys(request.body);
      await recordAudit(connection, request, {
        ws: caller.ws,
        action: 'app.updated',
        target: { kind: 'app', id: after._id.toHexString() },
        details: {
          app: after.key,
          before: Object.fromEntries(changed.map((k) => [k, before[k as keyof typeof before] ?? null])),
          after: Object.fromEntries(changed.map((k) => [k, after[k as keyof typeof after] ?? null])),
        },
      });
      return appView(after);
    },
  );

  app.delete(
    '/workspaces/:ws/apps/:app',
    {
      schema: {
        tags: ['apps'],
        summary: 'Delete an app with its forms, records, tasks and history (owners and admins); audited',
        params: AppParams,
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { app: deleted, removed } = await deleteApp(
        connection,
        caller,
        parseId(request.params.app, 'App'),
      );
      await recordAudit(connection, request, {
        ws: caller.ws,
        action: 'app.deleted',
        target: { kind: 'app', id: deleted._id.toHexString() },
        details: { app: deleted.key, name: deleted.name, removed },
      });
      return reply.status(204).send();
    },
  );
}
