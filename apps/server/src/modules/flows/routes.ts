import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { requestLocale } from '../../lib/error-handler.js';
import { callerOf, parseId } from '../apps/caller.js';
import { historyModel } from '../records/model.js';
import { setSubmitHook } from '../records/submit-hooks.js';
import { actOnTask, bulkAct, TASK_ACTIONS } from './actions.js';
import { flowModel, flowVersionModel } from './model.js';
import {
  createFlow,
  flowDetail,
  getFlow,
  getFlowVersion,
  listFlows,
  publishFlow,
  updateFlow,
} from './publish.js';
import { submitHook } from './start.js';
import { registerFlowRepair, registerFlowTimers } from './timers.js';
import { recordAction, recordFlow, taskDetail } from './views.js';

const Definition = Type.Object({}, { additionalProperties: true });
const FlowParams = Type.Object({ ws: Type.String(), flow: Type.String() });
const TaskParams = Type.Object({ ws: Type.String(), task: Type.String() });
const RecordParams = Type.Object({ ws: Type.String(), form: Type.String(), id: Type.String() });
const Comment = Type.String({ maxLength: 5000 });

/**
 * Approval flows: definitions (create, save, publish versions), task actions and the inbox's bulk approve,
 * task details, and a record's flow (timeline, withdraw, urge, comment, start). Submissions start flows
 * through the records module's submit hook; deadlines run as scheduler jobs (docs/flows.md).
 */
export async function flowRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;
  setSubmitHook(connection, submitHook(connection));
  registerFlowTimers(app);
  registerFlowRepair(app);
  app.addHook('onReady', async () => {
    // The history's unique outbox key makes a repeated delivery's history entry a no-op (flows/outbox.ts).
    await Promise.all([
      flowModel(connection).init(),
      flowVersionModel(connection).init(),
      historyModel(connection).init(),
    ]);
  });

  app.post(
    '/workspaces/:ws/apps/:app/flows',
    {
      schema: {
        tags: ['flows'],
        summary: 'Create the approval flow of a form (publish: true makes it version 1 at once)',
        params: Type.Object({ ws: Type.String(), app: Type.String() }),
        body: Type.Object(
          { definition: Definition, publish: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { definition, publish } = request.body;
      const doc = await createFlow(
        connection,
        callerOf(request),
        parseId(request.params.app, 'App'),
        definition,
        publish === undefined ? {} : { publish },
      );
      return reply.status(201).send(flowDetail(doc));
    },
  );

  app.get(
    '/workspaces/:ws/apps/:app/flows',
    {
      schema: {
        tags: ['flows'],
        summary: 'The flows of an app',
        params: Type.Object({ ws: Type.String(), app: Type.String() }),
      },
    },
    async (request) =>
      (await listFlows(connection, callerOf(request).ws, parseId(request.params.app, 'App'))).map(flowDetail),
  );

  app.get(
    '/workspaces/:ws/flows/:flow',
    {
      schema: { tags: ['flows'], summary: 'One flow: working and published definitions', params: FlowParams },
    },
    async (request) =>
      flowDetail(await getFlow(connection, callerOf(request).ws, parseId(request.params.flow, 'Flow'))),
  );

  app.put(
    '/workspaces/:ws/flows/:flow',
    {
      schema: {
        tags: ['flows'],
        summary: 'Save the working definition (checked; publish: true publishes it as the next version)',
        params: FlowParams,
        body: Type.Object(
          {
            definition: Definition,
            v: Type.Optional(Type.Integer({ minimum: 1 })),
            publish: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { definition, v, publish } = request.body;
      const doc = await updateFlow(
        connection,
        callerOf(request),
        parseId(request.params.flow, 'Flow'),
        definition,
        {
          ...(v === undefined ? {} : { v }),
          ...(publish === undefined ? {} : { publish }),
        },
      );
      return flowDetail(doc);
    },
  );

  app.post(
    '/workspaces/:ws/flows/:flow/publish',
    {
      schema: {
        tags: ['flows'],
        summary: 'Publish the working definition as the next version; running instances keep theirs',
        params: FlowParams,
      },
    },
    async (request) =>
      flowDetail(await publishFlow(connection, callerOf(request), parseId(request.params.flow, 'Flow'))),
  );

  app.get(
    '/workspaces/:ws/flows/:flow/versions/:version',
    {
      schema: {
        tags: ['flows'],
        summary: 'One published version of a flow',
        params: Type.Object({
          ws: Type.String(),
          flow: Type.String(),
          version: Type.String({ pattern: '^[1-9][0-9]{0,8}$' }),
        }),
      },
    },
    async (request) => {
      const version = Number(request.params.version);
      const definition = await getFlowVersion(
        connection,
        callerOf(request).ws,
        parseId(request.params.flow, 'Flow'),
        version,
      );
      return { version, definition };
    },
  );

  app.post(
    '/workspaces/:ws/tasks/:task/actions',
    {
      schema: {
        tags: ['tasks'],
        summary:
          'Act on a task (its assignee only): approve, reject, return, transfer, addSigner, submit, comment, ' +
          'withdraw (a returned record), read (a copy); answers the record’s new flow state',
        params: TaskParams,
        body: Type.Object(
          {
            action: Type.Enum([...TASK_ACTIONS]),
            comment: Type.Optional(Comment),
            to: Type.Optional(
              Type.Union([
                Type.String({ maxLength: 64 }),
                Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 20 }),
              ]),
            ),
            position: Type.Optional(Type.Enum(['before', 'after'])),
            data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) =>
      actOnTask(connection, callerOf(request), parseId(request.params.task, 'Task'), request.body),
  );

  app.post(
    '/workspaces/:ws/tasks/actions',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Approve several of the caller’s tasks at once (the inbox); answers one result per task',
        params: Type.Object({ ws: Type.String() }),
        body: Type.Object(
          {
            tasks: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 100 }),
            action: Type.Literal('approve'),
            comment: Type.Optional(Comment),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { tasks, action, comment } = request.body;
      const results = await bulkAct(
        connection,
        callerOf(request),
        tasks,
        { action, ...(comment === undefined ? {} : { comment }) },
        requestLocale(request),
      );
      return { results };
    },
  );

  app.get(
    '/workspaces/:ws/tasks/:task',
    {
      schema: {
        tags: ['tasks'],
        summary: 'One task for its assignee: the record as its step shows it, the flow and its timeline',
        params: TaskParams,
      },
    },
    async (request) => taskDetail(connection, callerOf(request), parseId(request.params.task, 'Task')),
  );

  app.get(
    '/workspaces/:ws/forms/:form/records/:id/flow',
    {
      schema: {
        tags: ['flows'],
        summary: 'A record’s approval flow and its timeline (record viewers, task holders, admins)',
        params: RecordParams,
      },
    },
    async (request) =>
      recordFlow(
        connection,
        callerOf(request),
        parseId(request.params.form, 'Form'),
        parseId(request.params.id, 'Record'),
      ),
  );

  app.post(
    '/workspaces/:ws/forms/:form/records/:id/flow/actions',
    {
      schema: {
        tags: ['flows'],
        summary: 'Withdraw or urge (the submitter), comment, or start the form’s flow on the record again',
        params: RecordParams,
        body: Type.Object(
          { action: Type.Enum(['withdraw', 'urge', 'comment', 'start']), comment: Type.Optional(Comment) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) =>
      recordAction(
        connection,
        callerOf(request),
        parseId(request.params.form, 'Form'),
        parseId(request.params.id, 'Record'),
        request.body,
      ),
  );
}
