import { checkMenu, type MenuItem, validateApp } from '@formloom/schema';
import type { Connection, Types } from 'mongoose';
import { appError, notFound } from '../../lib/errors.js';
import { issueDetails } from '../forms/issues.js';
import { formModel } from '../forms/model.js';
import { type AppPurgeReport, purgeAppContents } from './app-purge.js';
import type { Caller } from './caller.js';
import { type AppDoc, appModel } from './model.js';
import { canManageApp } from './pack-export.js';
import { getApp } from './service.js';

/** What an app's settings change may set; `null` clears an optional setting. */
export interface AppChange {
  name?: unknown;
  description?: unknown;
  icon?: unknown;
  color?: unknown;
  menu?: unknown;
}

const SETTINGS = ['name', 'description', 'icon', 'color', 'menu'] as const;

/**
 * Changes an app's settings (name, description, icon, color, menu): validated as the meta-model's App
 * with the change applied, and menu entries must name forms of the app (422 at the entry otherwise).
 * Only app managers may (403). Answers the app before and after, for the audit entry.
 */
export async function updateApp(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
  change: AppChange,
): Promise<{ before: AppDoc; after: AppDoc }> {
  const app = await getApp(connection, caller.ws, appId);
  if (!canManageApp(caller, app)) throw appError('FORBIDDEN', 'app.manageOnly');
  const next: Record<string, unknown> = { key: app.key, name: app.name };
  for (const name of SETTINGS) {
    const value = name in change ? change[name] : app[name];
    if (value !== undefined && value !== null) next[name] = value;
  }
  const issues = validateApp(next);
  if (issues.length > 0) throw appError('VALIDATION_FAILED', 'app.invalidSettings', issueDetails(issues));
  if (next.menu !== undefined) {
    const forms = await formModel(connection).find({ ws: caller.ws, app: app._id }, { key: 1 }).lean();
    const dashboards = (app.dashboards ?? []).map((d) => d.key);
    const refs = checkMenu(next.menu as MenuItem[], '/menu', { forms: forms.map((f) => f.key), dashboards });
    if (refs.length > 0) {
      throw appError('UNPROCESSABLE', 'app.menuRefs', issueDetails(refs));
    }
  }
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  for (const name of SETTINGS) {
    if (!(name in change)) continue;
    if (next[name] === undefined) $unset[name] = 1;
    else $set[name] = next[name];
  }
  const after = await appModel(connection)
    .findOneAndUpdate(
      { ws: caller.ws, _id: app._id },
      {
        ...(Object.keys($set).length > 0 ? { $set } : {}),
        ...(Object.keys($unset).length > 0 ? { $unset } : {}),
      },
      { returnDocument: 'after' },
    )
    .lean();
  if (!after) throw notFound('App');
  return { before: app, after };
}

/** How many documents of each kind deleting an app removed. */
export type AppDeletion = AppPurgeReport;

/**
 * Deletes an app with everything in it ({@link purgeAppContents}): forms and their versions, flows,
 * automations, records and their history, tasks, files, serial counters and pending jobs. The app goes
 * first, so no new record can reach its forms meanwhile. For workspace owners and admins only (403
 * otherwise); the caller's UI confirms first.
 */
export async function deleteApp(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
): Promise<{ app: AppDoc; removed: AppDeletion }> {
  const app = await getApp(connection, caller.ws, appId);
  if (!caller.roles.includes('owner') && !caller.roles.includes('admin')) {
    throw appError('FORBIDDEN', 'app.deleteAdminsOnly');
  }
  await appModel(connection).deleteOne({ ws: caller.ws, _id: app._id });
  const removed = await purgeAppContents(connection, { ws: caller.ws, appId: app._id, formIds: [] });
  return { app, removed };
}
