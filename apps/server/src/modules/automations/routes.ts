import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { requestLocale } from '../../lib/error-handler.js';
import { appError } from '../../lib/errors.js';
import { callerOf, isAdmin, parseId } from '../apps/caller.js';
import { flowEvents } from '../flows/events.js';
import { onRecordWritten } from '../records/write-hooks.js';
import type { EngineDeps } from './engine.js';
import { registerAutomationJobs } from './jobs.js';
import {
  automationView,
  createAutomation,
  deleteAutomation,
  listAutomations,
  listRuns,
  managedAutomation,
  runNow,
  setEnabled,
  updateAutomation,
} from './service.js';
import { onFlowEnded, onRecordWrite } from './triggers.js';
import { rotateSecret, setAllowList, webhookSettings } from './webhooks/settings.js';

const AppParams = Type.Object({ ws: Type.String(), app: Type.String() });
const IdParams = Type.Object({ ws: Type.String(), id: Type.String() });
const WsParams = Type.Object({ ws: Type.String() });
const Definition = Type.Record(Type.String(), Type.Unknown());

const AllowEntry = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253, pattern: '^(\\*\\.)?[A-Za-z0-9.:\\-\\[\\]]+$' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    allowPrivate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Automations of apps: manage (app managers only), run, the run log; the workspace's webhook settings. */
export async function automationRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;
  const { config } = app;
  const deps: EngineDeps = {
    connection,
    log: app.log,
    settings: {
      smtpUrl: config.smtpUrl,
      runTtlMs: config.automationRunTtlDays * 24 * 3600_000,
      webhookTimeoutMs: config.webhookTimeoutMs,
    },
  };
  // Every committed record write checks the triggers (the hook set keeps one copy of the function).
  onRecordWritten(onRecordWrite);
  // An approval flow that ends approved or rejected fires flowEnded automations (the flow runtime's event).
  flowEvents(connection).on('ended', onFlowEnded(connection));
  registerAutomationJobs(app, deps);

  app.get(
    '/workspaces/:ws/apps/:app/automations',
    { schema: { tags: ['automations'], summary: "An app's automations (its managers)", params: AppParams } },
    async (request) => listAutomations(connection, callerOf(request), parseId(request.params.app, 'App')),
  );

  app.post(
    '/workspaces/:ws/apps/:app/automations',
    {
      schema: {
        tags: ['automations'],
        summary: 'Create an automation (its definition as in a template pack)',
        params: AppParams,
        body: Type.Object({ definition: Definition }, { additionalProperties: false }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await createAutomation(
            connection,
            callerOf(request),
            parseId(request.params.app, 'App'),
            request.body.definition,
          ),
        ),
  );

  app.get(
    '/workspaces/:ws/automations/:id',
    { schema: { tags: ['automations'], summary: 'One automation', params: IdParams } },
    async (request) => {
      const { doc } = await managedAutomation(
        connection,
        callerOf(request),
        parseId(request.params.id, 'Automation'),
      );
      return automationView(doc);
    },
  );

  app.put(
    '/workspaces/:ws/automations/:id',
    {
      schema: {
        tags: ['automations'],
        summary: "Replace an automation's definition at version v (409 when stale)",
        params: IdParams,
        body: Type.Object(
          { definition: Definition, v: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) =>
      updateAutomation(connection, callerOf(request), parseId(request.params.id, 'Automation'), request.body),
  );

  app.delete(
    '/workspaces/:ws/automations/:id',
    { schema: { tags: ['automations'], summary: 'Remove an automation', params: IdParams } },
    async (request, reply) => {
      await deleteAutomation(connection, callerOf(request), parseId(request.params.id, 'Automation'));
      return reply.status(204).send();
    },
  );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/workspaces/:ws/automations/:id/${action}`,
      {
        schema: {
          tags: ['automations'],
          summary: `${action === 'enable' ? 'Enable' : 'Disable'} an automation`,
          params: IdParams,
        },
      },
      async (request) =>
        setEnabled(connection, callerOf(request), parseId(request.params.id, 'Automation'), enabled),
    );
  }

  app.post(
    '/workspaces/:ws/automations/:id/run',
    {
      schema: {
        tags: ['automations'],
        summary:
          'Run an automation now, on a record if given, with input; answers { runId, status, effects }',
        params: IdParams,
        body: Type.Object(
          {
            record: Type.Optional(Type.String({ maxLength: 24 })),
            input: Type.Optional(
              Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 100 }),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) =>
      runNow(
        deps,
        callerOf(request),
        parseId(request.params.id, 'Automation'),
        request.body ?? {},
        requestLocale(request),
      ),
  );

  app.get(
    '/workspaces/:ws/automations/:id/runs',
    {
      schema: {
        tags: ['automations'],
        summary: "An automation's run log, newest first: trigger, each action's effects or error, duration",
        params: IdParams,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|100)$' })),
            cursor: Type.Optional(Type.String({ pattern: '^[0-9a-f]{24}$' })),
            status: Type.Optional(Type.Enum(['running', 'succeeded', 'retrying', 'failed', 'skipped'])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { limit, cursor, status } = request.query;
      return listRuns(connection, callerOf(request), parseId(request.params.id, 'Automation'), {
        limit: limit ? Number(limit) : 50,
        ...(cursor ? { before: parseId(cursor, 'Run') } : {}),
        ...(status ? { status } : {}),
        locale: requestLocale(request),
      });
    },
  );

  const settingsView = (doc: Awaited<ReturnType<typeof webhookSettings>>) => ({
    allowList: doc.allowList,
    secret: doc.secret,
    updatedAt: doc.updatedAt.toISOString(),
  });
  const adminOnly = (request: Parameters<typeof callerOf>[0]) => {
    const caller = callerOf(request);
    if (!isAdmin(caller)) throw appError('FORBIDDEN', 'automation.webhookAdminsOnly');
    return caller;
  };

  app.get(
    '/workspaces/:ws/webhook-settings',
    {
      schema: {
        tags: ['automations'],
        summary: 'Where webhooks may go, and their signing secret (owners, admins)',
        params: WsParams,
      },
    },
    async (request) => settingsView(await webhookSettings(connection, adminOnly(request).ws)),
  );

  app.put(
    '/workspaces/:ws/webhook-settings',
    {
      schema: {
        tags: ['automations'],
        summary: 'Replace the webhook allow-list (owners, admins); private addresses need allowPrivate',
        params: WsParams,
        body: Type.Object(
          { allowList: Type.Array(AllowEntry, { maxItems: 200 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const caller = adminOnly(request);
      return settingsView(await setAllowList(connection, caller.ws, request.body.allowList, caller.userId));
    },
  );

  app.post(
    '/workspaces/:ws/webhook-settings/rotate-secret',
    {
      schema: {
        tags: ['automations'],
        summary: 'Replace the webhook signing secret (owners, admins)',
        params: WsParams,
      },
    },
    async (request) => {
      const caller = adminOnly(request);
      return settingsView(await rotateSecret(connection, caller.ws, caller.userId));
    },
  );
}
