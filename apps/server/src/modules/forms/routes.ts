import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { callerOf, parseId } from '../apps/caller.js';
import { createForm, getForm, getFormVersion, publishForm, requireManager, updateForm } from './service.js';
import { diffVersions, listVersions, parseVersionRef, previewPublish } from './versions.js';
import { formDetail } from './views.js';

const FormParams = Type.Object({ ws: Type.String(), form: Type.String() });

/** Forms: create in an app, read, edit the working definition, publish versions. */
export async function formRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;

  app.post(
    '/workspaces/:ws/apps/:app/forms',
    {
      schema: {
        tags: ['forms'],
        summary: 'Create a form (published as version 1)',
        params: Type.Object({ ws: Type.String(), app: Type.String() }),
        body: Type.Object({}, { additionalProperties: true }),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const doc = await createForm(connection, caller, parseId(request.params.app, 'App'), request.body);
      return reply.status(201).send(formDetail(doc));
    },
  );

  app.get(
    '/workspaces/:ws/forms/:form',
    {
      schema: {
        tags: ['forms'],
        summary: 'One form with its working and published definitions',
        params: FormParams,
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return formDetail(await getForm(connection, caller.ws, parseId(request.params.form, 'Form')));
    },
  );

  app.put(
    '/workspaces/:ws/forms/:form',
    {
      schema: {
        tags: ['forms'],
        summary: 'Save the working definition (optionally publishing it)',
        params: FormParams,
        body: Type.Object(
          {
            definition: Type.Object({}, { additionalProperties: true }),
            v: Type.Optional(Type.Integer()),
            publish: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { definition, v, publish } = request.body;
      const result = await updateForm(connection, caller, parseId(request.params.form, 'Form'), definition, {
        ...(v === undefined ? {} : { v }),
        ...(publish === undefined ? {} : { publish }),
      });
      return { form: formDetail(result.form), ...(result.report ? { report: result.report } : {}) };
    },
  );

  app.post(
    '/workspaces/:ws/forms/:form/publish',
    {
      schema: {
        tags: ['forms'],
        summary: 'Publish the working definition as the next version',
        params: FormParams,
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const result = await publishForm(connection, caller, parseId(request.params.form, 'Form'));
      return { form: formDetail(result.form), report: result.report };
    },
  );

  app.get(
    '/workspaces/:ws/forms/:form/versions/:version',
    {
      schema: {
        tags: ['forms'],
        summary: 'One published version of a form',
        params: Type.Object({
          ws: Type.String(),
          form: Type.String(),
          // Path parameters arrive as text (no coercion).
          version: Type.String({ pattern: '^[1-9][0-9]{0,8}$' }),
        }),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const form = parseId(request.params.form, 'Form');
      await getForm(connection, caller.ws, form);
      return {
        version: Number(request.params.version),
        definition: await getFormVersion(connection, caller.ws, form, Number(request.params.version)),
      };
    },
  );

  app.get(
    '/workspaces/:ws/forms/:form/versions',
    {
      schema: {
        tags: ['forms'],
        summary: 'The published versions of a form, newest first',
        params: FormParams,
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const form = await getForm(connection, caller.ws, parseId(request.params.form, 'Form'));
      return listVersions(connection, form);
    },
  );

  app.get(
    '/workspaces/:ws/forms/:form/versions/diff',
    {
      schema: {
        tags: ['forms'],
        summary: 'What changed between two versions of a form (a number, or "draft" for the working copy)',
        params: FormParams,
        querystring: Type.Object(
          { from: Type.String({ maxLength: 10 }), to: Type.String({ maxLength: 10 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const from = parseVersionRef(request.query.from, 'from');
      const to = parseVersionRef(request.query.to, 'to');
      const form = await getForm(connection, caller.ws, parseId(request.params.form, 'Form'));
      return diffVersions(connection, form, from, to);
    },
  );

  app.post(
    '/workspaces/:ws/forms/:form/publish/preview',
    {
      schema: {
        tags: ['forms'],
        summary: 'What publishing the working definition would change for stored records (writes nothing)',
        params: FormParams,
      },
    },
    async (request) => {
      const caller = callerOf(request);
      requireManager(caller);
      const form = await getForm(connection, caller.ws, parseId(request.params.form, 'Form'));
      return previewPublish(connection, form);
    },
  );
}
