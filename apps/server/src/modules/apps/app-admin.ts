import { checkMenu, type MenuItem, validateApp } from '@formloom/schema';
import type { Connection, Types } from 'mongoose';
import { appError, notFound } from '../../lib/errors.js';
import { invalidate } from '../../lib/read-cache.js';
import { automationModel } from '../automations/model.js';
import { removeFlows } from '../flows/pack.js';
import { issueDetails } from '../forms/issues.js';
import { formModel, formVersionModel } from '../forms/model.js';
import { counterModel, historyModel, recordModel } from '../records/model.js';
import { jobModel } from '../scheduler/model.js';
import { taskModel } from '../tasks/model.js';
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

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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
export type AppDeletion = Record<
  'forms' | 'formVersions' | 'flows' | 'records' | 'history' | 'tasks' | 'counters' | 'jobs',
  number
>;

/**
 * Deletes an app with everything in it: forms and their versions, records and their history, tasks,
 * serial counters and pending jobs. The app goes first, so no new record can reach its forms meanwhile.
 * For workspace owners and admins only (403 otherwise); the caller's UI confirms first.
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
  const ws = caller.ws;
  const forms = await formModel(connection).find({ ws, app: app._id }, { _id: 1 }).lean();
  const formIds = forms.map((f) => f._id);
  await appModel(connection).deleteOne({ ws, _id: app._id });
  const removedForms = await formModel(connection).deleteMany({ ws, app: app._id });
  invalidate(connection, 'definitions');
  const formVersions = await formVersionModel(connection).deleteMany({ ws, form: { $in: formIds } });
  const flows = await removeFlows(connection, { ws, app: app._id });
  const records = await recordModel(connection).deleteMany({ ws, app: app._id });
  const history = await historyModel(connection).deleteMany({ ws, form: { $in: formIds } });
  const tasks = await taskModel(connection).deleteMany({ ws, app: app._id });
  const counterIds = new RegExp(
    `^(${formIds.map((id) => escapeRegex(id.toHexString())).join('|') || '(?!)'}):`,
  );
  const counters = await counterModel(connection).deleteMany({ ws, _id: counterIds } as never);
  // The app's automations go too; their pending jobs name them (not the app) in their payload.
  const automations = await automationModel(connection).find({ ws, app: app._id }, { _id: 1 }).lean();
  await automationModel(connection).deleteMany({ ws, app: app._id });
  const owners = [app._id, ...automations.map((a) => a._id)].map((id) => escapeRegex(id.toHexString()));
  // Pending recompute jobs carry the app id inside their JSON payload.
  const jobs = await jobModel(connection).collection.deleteMany({
    ws,
    payload: new RegExp(owners.join('|')),
  });
  return {
    app,
    removed: {
      forms: removedForms.deletedCount,
      formVersions: formVersions.deletedCount,
      flows: flows.flows,
      records: records.deletedCount,
      history: history.deletedCount,
      tasks: tasks.deletedCount,
      counters: counters.deletedCount,
      jobs: jobs.deletedCount,
    },
  };
}
