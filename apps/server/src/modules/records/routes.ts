import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { requestLocale } from '../../lib/error-handler.js';
import { callerOf, parseId } from '../apps/caller.js';
import { BATCH_LIMIT, batchUpdate, batchWrite } from './batch.js';
import { addComment, listComments, listMentions } from './comments.js';
import { openForm } from './context.js';
import { exportRecords } from './export.js';
import { recordImportRoutes } from './import-routes.js';
import { recordModel } from './model.js';
import { listRecords, recordHistory } from './read.js';
import { submitExtension } from './submit-hooks.js';
import { ensureUniqueIndex } from './unique.js';
import { savedViewRoutes } from './view-routes.js';
import { registerRecordJobs } from './worker.js';
import { createRecord, getRecord, setDeleted, updateRecord } from './write.js';

const FormParams = Type.Object({ ws: Type.String(), form: Type.String() });
const RecordParams = Type.Object({ ws: Type.String(), form: Type.String(), id: Type.String() });
const Data = Type.Record(Type.String(), Type.Unknown());
/**
 * `?bulk=true` marks a write as part of a person's bulk edit or delete (the web's list actions) or of a bulk
 * load (a batch create, e.g. demo seeding): automations fire for it only when they include bulk writes, as
 * for imports (docs/automations.md).
 */
const BulkQuery = Type.Object(
  { bulk: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
  { additionalProperties: false },
);

/** Records of a form: create, list, read, update with `v`, soft delete, restore, history. */
export async function recordRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;
  registerRecordJobs(app.scheduler, connection, app.log);
  app.addHook('onReady', async () => {
    // The shared unique index of unique fields (and moving a store of per-form indexes over to it).
    await ensureUniqueIndex(connection);
    // The schema's fixed scope indexes ({ws, form, _id|owner|createdAt}): the schema turns autoIndex off, so
    // they are made here, once per start (an existing index is left as it is). Without them every list,
    // export and report of an `own` scope read the whole collection.
    await recordModel(connection).createIndexes();
  });

  const target = (request: { params: { form: string } } & Parameters<typeof callerOf>[0]) =>
    openForm(connection, callerOf(request), parseId(request.params.form, 'Form'));
  const writeTarget = async (
    request: { params: { form: string }; query: { bulk?: 'true' | 'false' } } & Parameters<
      typeof callerOf
    >[0],
  ) => {
    const opened = await target(request);
    return request.query.bulk === 'true' ? { ...opened, origin: { via: 'bulk' as const } } : opened;
  };

  app.post(
    '/workspaces/:ws/forms/:form/records',
    {
      schema: {
        tags: ['records'],
        summary: 'Create a record; computed fields are computed by the server',
        params: FormParams,
        body: Type.Object({ data: Data }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const form = await target(request);
      // A submission starts the form's published approval flow in the same insert (modules/flows).
      const view = await createRecord(form, request.body, await submitExtension(form));
      return reply.status(201).send(view);
    },
  );

  app.post(
    '/workspaces/:ws/forms/:form/records/batch',
    {
      schema: {
        tags: ['records'],
        summary:
          `Create, or upsert by a unique field, up to ${BATCH_LIMIT} records with the checks of single writes; ` +
          'a result per record, or all-or-nothing with atomic',
        params: FormParams,
        querystring: BulkQuery,
        body: Type.Object(
          {
            records: Type.Array(Type.Object({ data: Data }, { additionalProperties: false }), {
              minItems: 1,
              maxItems: BATCH_LIMIT,
            }),
            mode: Type.Optional(Type.Union([Type.Literal('create'), Type.Literal('upsert')])),
            key: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            atomic: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => batchWrite(await writeTarget(request), request.body, requestLocale(request)),
  );

  app.patch(
    '/workspaces/:ws/forms/:form/records/batch',
    {
      schema: {
        tags: ['records'],
        summary: `Update up to ${BATCH_LIMIT} records, each with the version the caller edited`,
        params: FormParams,
        querystring: BulkQuery,
        body: Type.Object(
          {
            records: Type.Array(
              Type.Object(
                { id: Type.String({ maxLength: 64 }), v: Type.Integer({ minimum: 1 }), data: Data },
                { additionalProperties: false },
              ),
              { minItems: 1, maxItems: BATCH_LIMIT },
            ),
            atomic: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => batchUpdate(await writeTarget(request), request.body, requestLocale(request)),
  );

  app.get(
    '/workspaces/:ws/forms/:form/records',
    {
      schema: {
        tags: ['records'],
        summary: 'List records the caller may view (filter DSL, sort, cursor pagination, projection)',
        params: FormParams,
        querystring: Type.Object(
          {
            filter: Type.Optional(Type.String({ maxLength: 20_000 })),
            sort: Type.Optional(Type.String({ maxLength: 300 })),
            // Query strings are not coerced by the app's validator: numbers and flags arrive as text.
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]{0,2})$' })),
            cursor: Type.Optional(Type.String({ maxLength: 4000 })),
            fields: Type.Optional(Type.String({ maxLength: 4000 })),
            deleted: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
            /** Words to find in the form's text fields. */
            q: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { limit, deleted, ...rest } = request.query;
      return listRecords(await target(request), {
        ...rest,
        ...(limit === undefined ? {} : { limit: Number(limit) }),
        deleted: deleted === 'true',
      });
    },
  );

  app.get(
    '/workspaces/:ws/forms/:form/records/export',
    {
      schema: {
        tags: ['records'],
        summary:
          'Export the records the caller may see as CSV or XLSX (the list view: filter, q, sort, fields)',
        params: FormParams,
        querystring: Type.Object(
          {
            format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
            filter: Type.Optional(Type.String({ maxLength: 20_000 })),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            sort: Type.Optional(Type.String({ maxLength: 300 })),
            fields: Type.Optional(Type.String({ maxLength: 4000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { format, ...view } = request.query;
      const file = await exportRecords(await target(request), format ?? 'csv', view);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .send(file.body);
    },
  );

  app.get(
    '/workspaces/:ws/forms/:form/records/:id',
    { schema: { tags: ['records'], summary: 'One record', params: RecordParams } },
    async (request) => getRecord(await target(request), parseId(request.params.id, 'Record')),
  );

  app.patch(
    '/workspaces/:ws/forms/:form/records/:id',
    {
      schema: {
        tags: ['records'],
        summary: 'Update a record; a stale v answers 409',
        params: RecordParams,
        querystring: BulkQuery,
        body: Type.Object({ data: Data, v: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
      },
    },
    async (request) =>
      updateRecord(await writeTarget(request), parseId(request.params.id, 'Record'), request.body),
  );

  app.delete(
    '/workspaces/:ws/forms/:form/records/:id',
    {
      schema: {
        tags: ['records'],
        summary: 'Delete a record (soft; admins can restore it)',
        params: RecordParams,
        querystring: BulkQuery,
      },
    },
    async (request) => setDeleted(await writeTarget(request), parseId(request.params.id, 'Record'), true),
  );

  app.post(
    '/workspaces/:ws/forms/:form/records/:id/restore',
    {
      schema: {
        tags: ['records'],
        summary: 'Restore a deleted record (owners and admins)',
        params: RecordParams,
      },
    },
    async (request) => setDeleted(await target(request), parseId(request.params.id, 'Record'), false),
  );

  app.post(
    '/workspaces/:ws/forms/:form/records/:id/comments',
    {
      schema: {
        tags: ['records'],
        summary: 'Comment on a record; mention members as @[Name](userId)',
        params: RecordParams,
        body: Type.Object({ text: Type.String({ maxLength: 10_000 }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await addComment(await target(request), parseId(request.params.id, 'Record'), request.body.text),
        ),
  );

  app.get(
    '/workspaces/:ws/forms/:form/records/:id/comments',
    { schema: { tags: ['records'], summary: "A record's comments", params: RecordParams } },
    async (request) => listComments(await target(request), parseId(request.params.id, 'Record')),
  );

  app.get(
    '/workspaces/:ws/forms/:form/records/:id/history',
    {
      schema: {
        tags: ['records'],
        summary: "A record's changes with field-level diffs",
        params: RecordParams,
      },
    },
    async (request) => recordHistory(await target(request), parseId(request.params.id, 'Record')),
  );

  app.get(
    '/workspaces/:ws/mentions',
    {
      schema: {
        tags: ['records'],
        summary: 'Comments that mention the caller, newest first (text only for records the caller may view)',
        params: Type.Object({ ws: Type.String() }),
      },
    },
    async (request) => listMentions(connection, callerOf(request)),
  );

  await recordImportRoutes(app, target);
  await savedViewRoutes(app, target);
}
