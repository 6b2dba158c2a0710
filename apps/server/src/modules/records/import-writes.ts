import { type Connection, Types } from 'mongoose';
import { appError, notFound } from '../../lib/errors.js';
import { type Caller, isAdmin } from '../apps/caller.js';
import { openForm } from './context.js';
import { type ImportJobDoc, importJobModel } from './import-jobs.js';
import { type UndoEntry, undoImport } from './import-undo.js';
import type { RecordDoc } from './model.js';

/** One write of a finished import (`import_writes`), kept until the import is undone or expires. */
interface WriteDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  job: Types.ObjectId;
  seq: number;
  kind: 'created' | 'updated';
  record: Types.ObjectId;
  /** For updates: the record as the import found it, and the version the import's update produced. */
  before?: RecordDoc;
  v?: number;
  /** Expire with the job's report. */
  expiresAt: Date;
}

const COLLECTION = 'import_writes';
const KEEP_MS = 7 * 24 * 3600 * 1000;

function writes(connection: Connection) {
  const db = connection.db;
  if (!db) throw new Error('the store is not connected');
  return db.collection<WriteDoc>(COLLECTION);
}

const indexed = new WeakSet<Connection>();

/** Stores an import's writes in order (in batches: an import holds up to 10,000 rows). */
export async function storeWrites(
  connection: Connection,
  job: ImportJobDoc,
  entries: readonly UndoEntry[],
): Promise<void> {
  const collection = writes(connection);
  if (!indexed.has(connection)) {
    await collection.createIndex({ ws: 1, job: 1, seq: 1 });
    await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    indexed.add(connection);
  }
  const expiresAt = new Date(Date.now() + KEEP_MS);
  const docs: WriteDoc[] = entries.map((entry, seq) => ({
    _id: new Types.ObjectId(),
    ws: job.ws,
    job: job._id,
    seq,
    expiresAt,
    ...(entry.kind === 'created'
      ? { kind: 'created' as const, record: entry.id }
      : { kind: 'updated' as const, record: entry.before._id, before: entry.before, v: entry.v }),
  }));
  for (let start = 0; start < docs.length; start += 1000)
    await collection.insertMany(docs.slice(start, start + 1000));
}

/** What undoing an import did. */
export interface UndoResult {
  /** Writes taken back: created records removed, updated ones given their earlier values. */
  undone: number;
  /** Writes left as they are because someone changed those records since. */
  kept: number;
}

/**
 * Takes back a finished import, newest write first, each as one guarded write (the same undo a failing
 * all-or-nothing import runs): records it created are removed, records it updated get their earlier
 * values back unless changed since. Only its starter and workspace owners/admins may (404 for others);
 * an import that is running, failed, a dry run, wrote nothing or was undone already answers 409.
 */
export async function undoImportJob(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
): Promise<UndoResult> {
  const Jobs = importJobModel(connection);
  const job = await Jobs.findOne({ _id: id, ws: caller.ws }).lean<ImportJobDoc>();
  if (!job || (!job.user.equals(caller.userId) && !isAdmin(caller))) throw notFound('Import');
  // One undo at a time: the flag is claimed by a single guarded update.
  const claimed = await Jobs.findOneAndUpdate(
    { _id: id, ws: caller.ws, status: 'done', undoable: true, undoing: { $ne: true } },
    { $set: { undoing: true } },
  ).lean();
  if (!claimed) throw appError('CONFLICT', 'import.notUndoable');
  const target = await openForm(connection, caller, job.form);
  const stored = await writes(connection).find({ ws: caller.ws, job: id }).sort({ seq: 1 }).toArray();
  const entries: UndoEntry[] = stored.map((w) =>
    w.kind === 'created'
      ? { kind: 'created', id: w.record }
      : { kind: 'updated', before: w.before as RecordDoc, v: w.v ?? 0 },
  );
  let kept: number;
  try {
    kept = await undoImport(target, entries);
  } catch (error) {
    // The store failed midway: what was undone stays undone; the rest can be tried again.
    await Jobs.updateOne({ _id: id }, { $set: { undoing: false } });
    throw error;
  }
  await Jobs.updateOne(
    { _id: id },
    { $set: { undoing: false, undoable: false, undoneAt: new Date(), undoFailures: kept } },
  );
  await writes(connection).deleteMany({ ws: caller.ws, job: id });
  return { undone: entries.length - kept, kept };
}
