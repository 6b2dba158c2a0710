import type { Connection, Types } from 'mongoose';
import { invalidate } from '../../lib/read-cache.js';
import { automationModel } from '../automations/model.js';
import { removeFlows } from '../flows/pack.js';
import { formModel, formVersionModel } from '../forms/model.js';
import { counterModel, historyModel, recordModel } from '../records/model.js';
import { jobModel } from '../scheduler/model.js';
import { appModel } from './model.js';

/**
 * What one import writes, known before it writes anything. The store is a standalone (no multi-document
 * transactions), so a failed import is undone by deleting all of it: every document carries `importId`,
 * and the ids fixed in advance catch what was written but not yet tagged.
 */
export interface ImportJournal {
  importId: Types.ObjectId;
  ws: Types.ObjectId;
  appId: Types.ObjectId;
  formIds: Types.ObjectId[];
  /** Record indexes (`ws_form_data.<key>`) that did not exist before the import created them. */
  indexes: string[];
}

/** How many documents of each kind a rollback removed (audited, and what tests check). */
export type RollbackReport = Record<
  | 'apps'
  | 'forms'
  | 'formVersions'
  | 'flows'
  | 'flowVersions'
  | 'records'
  | 'history'
  | 'counters'
  | 'jobs'
  | 'indexes',
  number
>;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Selectors of everything an import wrote, per collection. */
export function importSelectors(journal: ImportJournal) {
  const { importId, ws, appId, formIds } = journal;
  const counterIds = new RegExp(`^(${formIds.map((id) => escapeRegex(id.toHexString())).join('|')}):`);
  return {
    apps: { $or: [{ importId }, { _id: appId }] },
    forms: { $or: [{ importId }, { _id: { $in: formIds } }] },
    formVersions: { $or: [{ importId }, { ws, form: { $in: formIds } }] },
    records: { $or: [{ importId }, { ws, app: appId }] },
    history: { $or: [{ importId }, { ws, form: { $in: formIds } }] },
    counters: { $or: [{ importId }, { ws, _id: counterIds }] },
    // Recompute jobs carry the app id inside their JSON payload.
    jobs: {
      $or: [{ importId }, { ws, type: 'recompute', payload: new RegExp(escapeRegex(appId.toHexString())) }],
    },
  };
}

/** Marks the documents the records write path made for the import (history, counters, jobs) as its own. */
export async function tagDerived(connection: Connection, journal: ImportJournal): Promise<void> {
  const s = importSelectors(journal);
  const set = { $set: { importId: journal.importId } };
  await historyModel(connection).collection.updateMany(s.history, set);
  await counterModel(connection).collection.updateMany(s.counters as never, set);
  await jobModel(connection).collection.updateMany(s.jobs, set);
}

/** The names of the record collection's indexes (none while the collection does not exist). */
export async function recordIndexNames(connection: Connection): Promise<Set<string>> {
  try {
    const indexes = await recordModel(connection).collection.indexes();
    return new Set(indexes.map((i) => String(i.name)));
  } catch {
    return new Set();
  }
}

/**
 * Drops field indexes the import created, unless a form outside the import (any workspace: records of all
 * forms share the collection and forms with a field of the same key share the index) still needs one.
 */
async function dropIndexes(connection: Connection, journal: ImportJournal): Promise<number> {
  let dropped = 0;
  for (const name of journal.indexes) {
    const key = name.replace(/^ws_form_data\./, '');
    const needed = await formModel(connection).exists({
      _id: { $nin: journal.formIds },
      'published.fields': { $elemMatch: { key, indexed: true, hidden: { $ne: true } } },
    });
    if (needed) continue;
    try {
      await recordModel(connection).collection.dropIndex(name);
      dropped += 1;
    } catch {
      // Already gone (another rollback dropped it): nothing to undo.
    }
  }
  return dropped;
}

/**
 * Undoes an import: deletes everything it wrote, the app first so nothing new reaches its forms; jobs and
 * history twice, because a recompute of the import's records running meanwhile may still write them.
 */
export async function rollbackImport(
  connection: Connection,
  journal: ImportJournal,
): Promise<RollbackReport> {
  const s = importSelectors(journal);
  const apps = await appModel(connection).collection.deleteMany(s.apps);
  await automationModel(connection).collection.deleteMany({ importId: journal.importId });
  const forms = await formModel(connection).collection.deleteMany(s.forms);
  // Raw deletes bypass the models' hooks: drop cached definitions of the removed app by hand.
  invalidate(connection, 'definitions');
  const formVersions = await formVersionModel(connection).collection.deleteMany(s.formVersions);
  const flows = await removeFlows(connection, { importId: journal.importId });
  const jobs = await jobModel(connection).collection.deleteMany(s.jobs);
  const records = await recordModel(connection).collection.deleteMany(s.records);
  const history = await historyModel(connection).collection.deleteMany(s.history);
  const counters = await counterModel(connection).collection.deleteMany(s.counters as never);
  const lateJobs = await jobModel(connection).collection.deleteMany(s.jobs);
  const lateHistory = await historyModel(connection).collection.deleteMany(s.history);
  return {
    apps: apps.deletedCount,
    forms: forms.deletedCount,
    formVersions: formVersions.deletedCount,
    flows: flows.flows,
    flowVersions: flows.flowVersions,
    records: records.deletedCount,
    history: history.deletedCount + lateHistory.deletedCount,
    counters: counters.deletedCount,
    jobs: jobs.deletedCount + lateJobs.deletedCount,
    indexes: await dropIndexes(connection, journal),
  };
}
