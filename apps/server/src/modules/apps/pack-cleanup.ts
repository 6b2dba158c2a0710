import type { Connection, Types } from 'mongoose';
import { formModel } from '../forms/model.js';
import { counterModel, historyModel, recordModel } from '../records/model.js';
import { jobModel } from '../scheduler/model.js';
import { type AppPurgeReport, purgeAppContents } from './app-purge.js';
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
export type RollbackReport = AppPurgeReport & Record<'apps' | 'indexes', number>;

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
 * Undoes an import: deletes the app first so nothing new reaches its forms, then everything inside it
 * ({@link purgeAppContents}: what the import wrote and what its demo seeding and automations made since),
 * then the record indexes only it needed.
 */
export async function rollbackImport(
  connection: Connection,
  journal: ImportJournal,
): Promise<RollbackReport> {
  const s = importSelectors(journal);
  const apps = await appModel(connection).collection.deleteMany(s.apps);
  const removed = await purgeAppContents(connection, {
    ws: journal.ws,
    appId: journal.appId,
    formIds: journal.formIds,
    importId: journal.importId,
  });
  return { apps: apps.deletedCount, ...removed, indexes: await dropIndexes(connection, journal) };
}
