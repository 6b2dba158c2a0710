import { compileReport } from '@formloom/report';
import { type Dashboard, type FormRef, validateDashboard } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { appError, type ErrorDetail, t } from '../../lib/errors.js';
import { type Caller, managesApp } from '../apps/caller.js';
import { appModel, type StoredDefinition } from '../apps/model.js';
import { issueDetails } from '../forms/issues.js';
import { openForm } from '../records/context.js';
import { type AppRoles, loadAppScope } from '../records/form-cache.js';
import { reportFields } from '../reports/fields.js';
import { MENU_MAX, menuLinks, menuWith, menuWithout } from './dashboard-menu.js';

/** A dashboard as the API answers it. */
export interface DashboardView {
  id: string;
  /** Version of the stored dashboard; a `PUT` names the version it edited. */
  v: number;
  /** True when the caller may change it (managers of the app). */
  editable: boolean;
  dashboard: Dashboard;
}

/** A dashboard in a list: what a menu or a picker needs. */
export interface DashboardSummary {
  id: string;
  key: string;
  v: number;
  name: Dashboard['name'];
  description?: Dashboard['description'];
  widgets: number;
}

const versionOf = (stored: StoredDefinition) => stored.v ?? 1;

/**
 * Whether the caller sees a dashboard of the app: managers see every one; other members see those of
 * apps they hold a role of — every dashboard when one of their roles lists none, else the ones their roles
 * list (`Role.dashboards`). Each widget's data still goes through the access layer.
 */
export function seesDashboard(caller: Caller, app: AppRoles, key: string): boolean {
  if (managesApp(caller, app)) return true;
  const mine = new Set(caller.roles);
  const held = (app.roles ?? []).filter((role) => mine.has(role.key));
  return held.some((role) => {
    const listed = (role as { dashboards?: readonly string[] }).dashboards;
    return listed === undefined || listed.includes(key);
  });
}

function view(caller: Caller, app: AppRoles, stored: StoredDefinition): DashboardView {
  return {
    id: stored.id,
    v: versionOf(stored),
    editable: managesApp(caller, app),
    dashboard: stored.definition as unknown as Dashboard,
  };
}

/** The dashboards of an app the caller sees, in the app's order. */
export async function listDashboards(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
): Promise<DashboardSummary[]> {
  const { app } = await loadAppScope(connection, caller.ws, appId);
  return (app.dashboards ?? [])
    .filter((d) => seesDashboard(caller, app, d.key))
    .map((d) => {
      const def = d.definition as unknown as Dashboard;
      return {
        id: d.id,
        key: d.key,
        v: versionOf(d),
        name: def.name,
        ...(def.description ? { description: def.description } : {}),
        widgets: def.widgets?.length ?? 0,
      };
    });
}

/** One dashboard of the app, by id or key; a dashboard the caller does not see is not found. */
export async function loadDashboard(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
  ref: string,
): Promise<{ app: AppRoles; stored: StoredDefinition; view: DashboardView }> {
  const { app } = await loadAppScope(connection, caller.ws, appId);
  const stored = (app.dashboards ?? []).find((d) => d.id === ref || d.key === ref);
  if (!stored || !seesDashboard(caller, app, stored.key)) throw appError('NOT_FOUND', 'dashboard.notFound');
  return { app, stored, view: view(caller, app, stored) };
}

function requireManager(caller: Caller, app: AppRoles): void {
  if (!managesApp(caller, app)) throw appError('FORBIDDEN', 'dashboard.managersOnly');
}

/**
 * Checks a dashboard against the meta-model (400) and the app: forms and fields of its widgets, target
 * series and filter controls, and that every widget compiles over its form for the saving manager (422).
 */
async function checkDashboard(
  connection: Connection,
  caller: Caller,
  app: AppRoles,
  input: unknown,
): Promise<Dashboard> {
  const { directory } = await loadAppScope(connection, app.ws, app._id);
  const forms = directory.forms.map((f) => f.definition as unknown as FormRef);
  const issues = validateDashboard(input, { forms });
  const shape = issues.filter((i) => i.code.startsWith('schema.'));
  if (shape.length > 0) throw appError('VALIDATION_FAILED', 'dashboard.invalid', issueDetails(shape));
  if (issues.length > 0) throw appError('UNPROCESSABLE', 'dashboard.misfit', issueDetails(issues));
  const dashboard = input as Dashboard;
  const details: ErrorDetail[] = [];
  for (const [i, widget] of dashboard.widgets.entries()) {
    const form = directory.byKey(widget.source.form);
    if (!form) continue;
    const target = await openForm(connection, caller, form.id);
    const compiled = compileReport(widget, {
      fields: reportFields(target),
      match: {},
      hasPeriodFilter: true,
    });
    if (!compiled.ok) {
      for (const issue of compiled.issues)
        details.push({ path: `/widgets/${i}${issue.path}`, message: { report: issue }, code: issue.code });
    }
  }
  if (details.length > 0) throw appError('UNPROCESSABLE', 'dashboard.misfit', details);
  return dashboard;
}

/**
 * Creates a dashboard in the app (managers): a new key, checked as {@link checkDashboard} does. With
 * `addToMenu` an entry for it is appended to the app's menu in the same write (`dashboard-menu.ts`).
 */
export async function createDashboard(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
  input: unknown,
  addToMenu = false,
): Promise<DashboardView> {
  const { app, directory } = await loadAppScope(connection, caller.ws, appId);
  requireManager(caller, app);
  const dashboard = await checkDashboard(connection, caller, app, input);
  const menu = addToMenu
    ? menuWith(
        app.menu,
        directory.forms.map((f) => f.key),
        dashboard.key,
      )
    : undefined;
  if (menu && menu.length > MENU_MAX) {
    throw appError('UNPROCESSABLE', 'dashboard.menuFull', [
      { path: '/menu', message: t('detail.atMostEntries', { max: MENU_MAX }) },
    ]);
  }
  const stored: StoredDefinition = {
    id: new Types.ObjectId().toHexString(),
    key: dashboard.key,
    definition: dashboard as unknown as Record<string, unknown>,
    v: 1,
  };
  // One update that also proves the key is free, so two creations of one key cannot both succeed.
  const done = await appModel(connection).updateOne(
    { _id: app._id, ws: caller.ws, 'dashboards.key': { $ne: dashboard.key } },
    { $push: { dashboards: stored }, ...(menu ? { $set: { menu } } : {}) },
  );
  if (done.modifiedCount !== 1) {
    throw appError('CONFLICT', t('dashboard.keyTaken', { key: dashboard.key }), [
      { path: '/key', message: 'detail.taken' },
    ]);
  }
  return view(caller, app, stored);
}

const STALE = 'dashboard.stale';

/**
 * Replaces a dashboard made at version `v` (managers). The key never changes (menus and roles name it);
 * a save over someone else's is refused with 409 and writes nothing.
 */
export async function updateDashboard(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
  ref: string,
  input: { dashboard: unknown; v: number },
): Promise<DashboardView> {
  const { app, stored } = await loadDashboard(connection, caller, appId, ref);
  requireManager(caller, app);
  if (versionOf(stored) !== input.v)
    throw appError('CONFLICT', STALE, [{ path: '/v', message: 'detail.notCurrentVersion' }]);
  const dashboard = await checkDashboard(connection, caller, app, input.dashboard);
  if (dashboard.key !== stored.key) {
    throw appError('UNPROCESSABLE', 'dashboard.keyFixed', [
      { path: '/dashboard/key', message: t('detail.mustStay', { value: stored.key }) },
    ]);
  }
  const next: StoredDefinition = {
    id: stored.id,
    key: stored.key,
    definition: dashboard as unknown as Record<string, unknown>,
    v: input.v + 1,
  };
  // Guarded by the version read: of two saves of one version exactly one succeeds.
  const version = input.v === 1 ? { $in: [1, null] } : input.v;
  const done = await appModel(connection).updateOne(
    { _id: app._id, ws: caller.ws, dashboards: { $elemMatch: { id: stored.id, v: version } } },
    { $set: { 'dashboards.$': next } },
  );
  if (done.modifiedCount !== 1)
    throw appError('CONFLICT', STALE, [{ path: '/v', message: 'detail.notCurrentVersion' }]);
  return view(caller, app, next);
}

/**
 * Removes a dashboard (managers). One the app's menu links to is kept (409), unless `removeFromMenu`: then
 * its menu entries go in the same write.
 */
export async function deleteDashboard(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
  ref: string,
  removeFromMenu = false,
): Promise<void> {
  const { app, stored } = await loadDashboard(connection, caller, appId, ref);
  requireManager(caller, app);
  const linked = (app.menu ?? []).some((entry) => menuLinks(entry, stored.key));
  if (linked && !removeFromMenu) {
    throw appError('CONFLICT', 'dashboard.inMenu', [
      { path: '/menu', message: t('detail.linksTo', { key: stored.key }) },
    ]);
  }
  await appModel(connection).updateOne(
    { _id: app._id, ws: caller.ws },
    {
      $pull: { dashboards: { id: stored.id } },
      ...(linked ? { $set: { menu: menuWithout(app.menu ?? [], stored.key) } } : {}),
    },
  );
}
