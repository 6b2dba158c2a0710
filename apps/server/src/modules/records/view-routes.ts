import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { parseId } from '../apps/caller.js';
import type { OpenTarget } from './import-routes.js';
import { createView, deleteView, listViews, updateView } from './saved-views.js';

const FormParams = Type.Object({ ws: Type.String(), form: Type.String() });

/** Saved views: a person's named columns, filter, search and sort of a form's records. */
export async function savedViewRoutes(app: AppInstance, target: OpenTarget): Promise<void> {
  const ViewParams = Type.Object({ ws: Type.String(), form: Type.String(), view: Type.String() });
  const ViewBody = Type.Object(
    { name: Type.Unknown(), config: Type.Unknown() },
    { additionalProperties: false },
  );

  app.get(
    '/workspaces/:ws/forms/:form/views',
    {
      schema: {
        tags: ['records'],
        summary: "The caller's saved views of the form's records",
        params: FormParams,
      },
    },
    async (request) => listViews(await target(request)),
  );

  app.post(
    '/workspaces/:ws/forms/:form/views',
    {
      schema: {
        tags: ['records'],
        summary: 'Save a view (columns, filter, search, sort) under a name, for the caller only',
        params: FormParams,
        body: ViewBody,
      },
    },
    async (request, reply) => reply.status(201).send(await createView(await target(request), request.body)),
  );

  app.put(
    '/workspaces/:ws/forms/:form/views/:view',
    { schema: { tags: ['records'], summary: 'Change a saved view', params: ViewParams, body: ViewBody } },
    async (request) => updateView(await target(request), parseId(request.params.view, 'View'), request.body),
  );

  app.delete(
    '/workspaces/:ws/forms/:form/views/:view',
    { schema: { tags: ['records'], summary: 'Remove a saved view', params: ViewParams } },
    async (request, reply) => {
      await deleteView(await target(request), parseId(request.params.view, 'View'));
      return reply.status(204).send();
    },
  );
}
