import type { Connection, Types } from 'mongoose';
import { invalidate } from '../../lib/read-cache.js';
import { automationModel, runModel } from '../automations/model.js';
import { fileDocs } from '../files/model.js';
import { flowModel } from '../flows/model.js';
import { removeFlows } from '../flows/pack.js';
import { formModel, formVersionModel } from '../forms/model.js';
import { notificationModel } from '../notifications/model.js';
import { commentModel } from '../records/comments.js';
import { importJobModel } from '../records/import-jobs.js';
import { counterModel, historyModel, recordModel } from '../records/model.js';
import { savedViewModel } from '../records/saved-views.js';
import { jobModel } from '../scheduler/model.js';
import { taskModel } from '../tasks/model.js';

/** The app whose contents go, and (for an undone import) the import id its documents carry. */
export interface AppOwned {
  ws: Types.ObjectId;
  appId: Types.ObjectId;
  /** The app's forms: also those written but not yet findable by `app` (an import's ids fixed in advance). */
  formIds: readonly Types.ObjectId[];
  importId?: Types.ObjectId;
}

/** How many documents of each kind {@link purgeAppContents} removed. */
export type AppPurgeReport = Record<
  | 'forms'
  | 'formVersions'
  | 'flows'
  | 'flowVersions'
  | 'automations'
  | 'automationRuns'
  | 'records'
  | 'history'
  | 'counters'
  | 'tasks'
  | 'notifications'
  | 'comments'
  | 'savedViews'
  | 'importJobs'
  | 'files'
  | 'jobs',
  number
>;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const hex = (ids: readonly Types.ObjectId[]) => ids.map((id) => id.toHexString());

/**
 * Deletes everything inside an app — forms and their versions, flows, automations and their run log,
 * records with their history and serial counters, tasks, the notifications about its records or sent
 * by its automations, comments, saved views, record import reports, uploaded files, and pending jobs —
 * but not the app document itself (the caller deletes it first, so nothing new reaches its forms) nor
 * the audit log. One mechanism for deleting an app and for undoing a failed import (pack-cleanup.ts).
 * Jobs and history are deleted twice: a job of the app running meanwhile may still write them.
 */
export async function purgeAppContents(connection: Connection, owned: AppOwned): Promise<AppPurgeReport> {
  const { ws, appId, importId } = owned;
  const tagged = importId ? [{ importId }] : [];
  const existing = await formModel(connection).find({ ws, app: appId }, { _id: 1 }).lean();
  const formIds = [
    ...new Map([...owned.formIds, ...existing.map((f) => f._id)].map((id) => [String(id), id])),
  ].map(([, id]) => id);
  const automations = await automationModel(connection)
    .find({ $or: [{ ws, app: appId }, ...tagged] }, { _id: 1 })
    .lean();
  const automationIds = automations.map((a) => a._id);
  const flows = await flowModel(connection).find({ ws, app: appId }, { _id: 1 }).lean();
  // Job payloads are JSON text naming the app (recomputes), a form (unique catch-ups), an automation
  // (runs, schedules) or a flow (timers).
  const owners = hex([appId, ...formIds, ...automationIds, ...flows.map((f) => f._id)]).map(escapeRegex);
  const jobSelector = { $or: [{ ws, payload: new RegExp(owners.join('|')) }, ...tagged] };
  const counterIds = new RegExp(`^(${hex(formIds).map(escapeRegex).join('|') || '(?!)'}):`);
  const historySelector = { $or: [{ ws, form: { $in: formIds } }, ...tagged] };

  const forms = await formModel(connection).collection.deleteMany({
    $or: [{ ws, app: appId }, { _id: { $in: formIds } }, ...tagged],
  });
  // Raw deletes bypass the models' hooks: drop cached definitions of the removed app by hand.
  invalidate(connection, 'definitions');
  const formVersions = await formVersionModel(connection).collection.deleteMany({
    $or: [{ ws, form: { $in: formIds } }, ...tagged],
  });
  const flowCounts = importId
    ? await removeFlows(connection, { importId }).then(async (byImport) => {
        const byApp = await removeFlows(connection, { ws, app: appId });
        return {
          flows: byImport.flows + byApp.flows,
          flowVersions: byImport.flowVersions + byApp.flowVersions,
        };
      })
    : await removeFlows(connection, { ws, app: appId });
  const removedAutomations = await automationModel(connection).collection.deleteMany({
    _id: { $in: automationIds },
  });
  const jobs = await jobModel(connection).collection.deleteMany(jobSelector);
  const runs = await runModel(connection).collection.deleteMany({ ws, automation: { $in: automationIds } });
  const records = await recordModel(connection).collection.deleteMany({
    $or: [{ ws, app: appId }, ...tagged],
  });
  const history = await historyModel(connection).collection.deleteMany(historySelector);
  const counters = await counterModel(connection).collection.deleteMany({
    $or: [{ ws, _id: counterIds }, ...tagged],
  } as never);
  const tasks = await taskModel(connection).collection.deleteMany({ ws, app: appId });
  const notifications = await notificationModel(connection).collection.deleteMany({
    ws,
    $or: [
      { 'subject.form': { $in: hex(formIds) } },
      { 'source.kind': 'automation', 'source.id': { $in: hex(automationIds) } },
    ],
  });
  const comments = await commentModel(connection).collection.deleteMany({ ws, form: { $in: formIds } });
  const savedViews = await savedViewModel(connection).collection.deleteMany({ ws, form: { $in: formIds } });
  const importJobs = await importJobModel(connection).collection.deleteMany({ ws, form: { $in: formIds } });
  const files = await purgeFiles(connection, ws, formIds);
  const lateJobs = await jobModel(connection).collection.deleteMany(jobSelector);
  const lateHistory = await historyModel(connection).collection.deleteMany(historySelector);
  return {
    forms: forms.deletedCount,
    formVersions: formVersions.deletedCount,
    flows: flowCounts.flows,
    flowVersions: flowCounts.flowVersions,
    automations: removedAutomations.deletedCount,
    automationRuns: runs.deletedCount,
    records: records.deletedCount,
    history: history.deletedCount + lateHistory.deletedCount,
    counters: counters.deletedCount,
    tasks: tasks.deletedCount,
    notifications: notifications.deletedCount,
    comments: comments.deletedCount,
    savedViews: savedViews.deletedCount,
    importJobs: importJobs.deletedCount,
    files,
    jobs: jobs.deletedCount + lateJobs.deletedCount,
  };
}

/** Deletes the files uploaded for the forms: the file documents first (nothing serves them then), then chunks. */
async function purgeFiles(
  connection: Connection,
  ws: Types.ObjectId,
  formIds: readonly Types.ObjectId[],
): Promise<number> {
  const docs = fileDocs(connection);
  const selector = { 'metadata.ws': ws, 'metadata.form': { $in: [...formIds] } };
  const ids = (await docs.find(selector, { projection: { _id: 1 } }).toArray()).map((f) => f._id);
  if (ids.length === 0) return 0;
  const removed = await docs.deleteMany({ _id: { $in: ids } });
  await connection.db?.collection('files.chunks').deleteMany({ files_id: { $in: ids } });
  return removed.deletedCount;
}
