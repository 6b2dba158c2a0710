import { type FormRef, type Issue, validateRole } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { Type } from 'typebox';
import type { AppInstance } from '../../app.js';
import { type AppRoleDefinition, WORKSPACE_ROLES } from '../../lib/access/index.js';
import { appError, type ErrorDetail, isAppError, notFound, t } from '../../lib/errors.js';
import { compileFilter } from '../../lib/filter-dsl/index.js';
import { recordAudit } from '../audit/service.js';
import { type AppDirectory, loadDirectory } from '../forms/directory.js';
import { issueDetails } from '../forms/issues.js';
import { type FieldDef, filterFieldsOf } from '../forms/meta.js';
import { type Caller, callerOf, isAdmin, parseId } from './caller.js';
import type { AppDoc } from './model.js';
import { appModel } from './model.js';
import { getApp } from './service.js';

const AppParams = Type.Object({ ws: Type.String(), app: Type.String() });
// Roles are checked by the meta-model's `Role` schema in the handler (with JSON pointers into the list);
// the route schema only bounds the size of the list.
const RoleList = Type.Array(Type.Unknown(), { maxItems: 200 });
/** The version of an app's roles: 1 for an app whose roles were never changed, then one more per change. */
const Version = Type.Integer({ minimum: 1 });
const VersionedRoles = Type.Object({ roles: Type.Array(Type.Unknown()), v: Version });

const SCOPED_ACTIONS = ['view', 'edit', 'delete'] as const;

/**
 * Owners and admins change an app's roles, and so does a member holding one of the app's roles with
 * `manageApp` (the role that administers the app).
 */
function requireRoleManager(caller: Caller, app: AppDoc): void {
  if (isAdmin(caller)) return;
  const held = new Set(caller.roles);
  if ((app.roles ?? []).some((role) => held.has(role.key) && role.manageApp === true)) return;
  throw appError('FORBIDDEN', 'roles.managersOnly');
}

/** Checks every custom scope by compiling it as the access layer will (with a stand-in caller). */
function customScopeIssues(role: AppRoleDefinition, base: string, directory: AppDirectory): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  role.forms.forEach((perm, f) => {
    const form = directory.byKey(perm.form);
    if (!form) return;
    const lookups = {
      lookupTarget: (field: FieldDef) => {
        const relation = form.definition.fields.find((x) => x.key === field.relation);
        const target = typeof relation?.form === 'string' ? directory.byKey(relation.form) : undefined;
        return target?.definition.fields.find((x) => x.key === field.field);
      },
    };
    for (const action of SCOPED_ACTIONS) {
      const scope = perm[action];
      if (typeof scope !== 'object') continue;
      try {
        compileFilter(scope.custom, {
          fields: filterFieldsOf(form.definition, lookups),
          context: { userId: new Types.ObjectId().toHexString(), departmentId: undefined, now: new Date() },
          basePath: `${base}/forms/${f}/${action}/custom`,
        });
      } catch (error) {
        if (!isAppError(error)) throw error;
        details.push(...(error.details ?? []));
      }
    }
  });
  return details;
}

/**
 * Validates a complete role list for an app: the meta-model schema (400), then unique keys that are not
 * workspace roles, forms and fields of the app, and compilable custom scopes (422). Paths are JSON
 * pointers into the list.
 */
export async function checkRoleList(
  connection: Connection,
  app: AppDoc,
  roles: readonly unknown[],
): Promise<AppRoleDefinition[]> {
  const directory = await loadDirectory(connection, app.ws, app._id);
  const forms = directory.forms.map((f) => f.definition as unknown as FormRef);
  const shape: Issue[] = [];
  const refs: Issue[] = [];
  roles.forEach((role, i) => {
    const own = validateRole(role, { forms }).map((issue) => ({ ...issue, path: `/${i}${issue.path}` }));
    for (const issue of own) (issue.code.startsWith('schema.') ? shape : refs).push(issue);
  });
  if (shape.length > 0) throw appError('VALIDATION_FAILED', 'roles.invalid', issueDetails(shape));

  const checked = roles as AppRoleDefinition[];
  const details = issueDetails(refs);
  const seen = new Set<string>();
  checked.forEach((role, i) => {
    if ((WORKSPACE_ROLES as readonly string[]).includes(role.key)) {
      details.push({ path: `/${i}/key`, message: t('detail.workspaceRole', { role: role.key }) });
    } else if (seen.has(role.key)) {
      details.push({ path: `/${i}/key`, message: t('detail.roleKeyTaken', { role: role.key }) });
    }
    seen.add(role.key);
    details.push(...customScopeIssues(role, `/${i}`, directory));
  });
  if (details.length > 0) throw appError('UNPROCESSABLE', 'roles.misfit', details);
  return checked;
}

/** The version of an app's roles; apps stored before versions existed count as version 1. */
export function rolesVersion(app: Pick<AppDoc, 'rolesV'>): number {
  return app.rolesV ?? 1;
}

const STALE_ROLES = 'roles.stale';

/**
 * The roles of an app (its permission matrix) with their version `v`: read by any member, replaced as a
 * whole by owners, admins and roles with `manageApp`, naming the version the change was made on. A change
 * takes effect on the next request (the read cache is dropped on every write to `apps`).
 */
export async function appRoleRoutes(app: AppInstance): Promise<void> {
  const connection = app.store.connection;

  app.get(
    '/workspaces/:ws/apps/:app/roles',
    {
      schema: {
        tags: ['apps'],
        summary: "The app's roles (per form: actions, data scopes, field restrictions) and their version",
        params: AppParams,
        response: { 200: VersionedRoles },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const doc = await getApp(connection, caller.ws, parseId(request.params.app, 'App'));
      return { roles: doc.roles ?? [], v: rolesVersion(doc) };
    },
  );

  app.put(
    '/workspaces/:ws/apps/:app/roles',
    {
      schema: {
        tags: ['apps'],
        summary:
          "Replace the app's roles at version v (owners, admins, roles with manageApp); 409 when v is stale; audited",
        params: AppParams,
        body: Type.Object({ roles: RoleList, v: Version }, { additionalProperties: false }),
        response: { 200: VersionedRoles },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { v } = request.body;
      const doc = await getApp(connection, caller.ws, parseId(request.params.app, 'App'));
      requireRoleManager(caller, doc);
      // Refuse a stale edit before judging it: its errors may concern roles that no longer exist.
      if (rolesVersion(doc) !== v) throw appError('CONFLICT', STALE_ROLES);
      const roles = await checkRoleList(connection, doc, request.body.roles);
      // The guarded update decides races: of two saves made on version v exactly one finds rolesV = v.
      // `$set` of v + 1 rather than `$inc`, so an app without the field (version 1) moves to 2.
      const version = v === 1 ? { $in: [1, null] } : v;
      const previous = await appModel(connection)
        .findOneAndUpdate(
          { ws: caller.ws, _id: doc._id, rolesV: version },
          { $set: { roles, rolesV: v + 1 } },
          { returnDocument: 'before' },
        )
        .lean();
      if (!previous) {
        const exists = await appModel(connection).exists({ ws: caller.ws, _id: doc._id });
        throw exists ? appError('CONFLICT', STALE_ROLES) : notFound('App');
      }
      await recordAudit(connection, request, {
        ws: caller.ws,
        action: 'app.rolesChanged',
        target: { kind: 'app', id: doc._id.toHexString() },
        details: { app: doc.key, before: previous.roles ?? [], after: roles },
      });
      return { roles, v: v + 1 };
    },
  );
}
