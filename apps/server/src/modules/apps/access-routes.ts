import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { listForms } from '../forms/service.js';
import { openForm } from '../records/context.js';
import { callerOf, managesApp, parseId } from './caller.js';
import { getApp } from './service.js';

/** What the caller may do with one form, as the web app needs it to offer only what the server allows. */
export interface FormAccessView {
  id: string;
  submit: boolean;
  view: boolean;
  edit: boolean;
  delete: boolean;
  export: boolean;
  manage: boolean;
  /** Fields (and `subform.column`s) the caller never sees. */
  hidden: string[];
  /** Fields the caller sees but may not change. */
  readOnly: string[];
}

/**
 * `GET /workspaces/:ws/apps/:app/access`: the caller's permissions on each form of an app, computed by
 * the scoped data-access layer (the same `formAccess` every record route uses), so the web app hides
 * only what the server would refuse anyway.
 */
export async function appAccessRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;
  app.get(
    '/workspaces/:ws/apps/:app/access',
    {
      schema: {
        tags: ['apps'],
        summary: "The caller's permissions on each form of the app (actions, hidden and read-only fields)",
        params: Type.Object({ ws: Type.String(), app: Type.String() }),
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const appDoc = await getApp(connection, caller.ws, parseId(request.params.app, 'App'));
      const manageApp = managesApp(caller, appDoc);
      const forms: Record<string, FormAccessView> = {};
      for (const form of await listForms(connection, caller.ws, appDoc._id)) {
        const { access } = await openForm(connection, caller, form._id);
        forms[form.key] = {
          id: form._id.toHexString(),
          submit: access.canSubmit,
          view: access.can('view'),
          edit: access.can('edit'),
          delete: access.can('delete'),
          export: access.canExport,
          manage: access.canManage,
          hidden: [...access.hidden].sort(),
          readOnly: [...access.readOnly].sort(),
        };
      }
      return { manageApp, forms };
    },
  );
}
