import type { Connection } from 'mongoose';
import { type FileMeta, fileDocs, pendingUploads } from './model.js';

/**
 * How long a file may stay unattached before the sweep removes it: counted from the upload for fresh
 * uploads (a form may be filled slowly), from `detachedAt` for files an update dropped (it may be put
 * back, or the update undone by hand, meanwhile).
 */
export const UNATTACHED_GRACE_MS = 24 * 60 * 60 * 1000;

/** Unattached files whose grace period ended before `before`. */
function expired(before: Date) {
  return {
    'metadata.record': null,
    $or: [
      { 'metadata.detachedAt': { $exists: false }, uploadDate: { $lt: before } },
      { 'metadata.detachedAt': { $lt: before } },
    ],
  };
}

/**
 * Whether a record still mentions a file it was detached from: something rewrote its data without the
 * files module (an import undo puts back the data of before an update). Any mention counts, so a file
 * is never removed while its record might serve it; an id is 24 hex digits, so text does not match
 * by accident.
 */
async function stillMentioned(connection: Connection, meta: FileMeta, id: string): Promise<boolean> {
  if (!meta.detachedFrom) return false;
  const record = await connection.db
    ?.collection('records')
    .findOne({ _id: meta.detachedFrom, ws: meta.ws }, { projection: { data: 1 } });
  return record ? JSON.stringify(record.data ?? {}).includes(id) : false;
}

/**
 * Deletes unattached files whose grace period ended before `before`: uploads no record write claimed,
 * and files a record update dropped (see {@link UNATTACHED_GRACE_MS}). The file document goes first,
 * guarded by the same condition, so a write attaching the file at the same moment either wins (and the
 * file stays) or finds no file; chunks follow. A dropped file its record mentions again is attached
 * back instead. Answers how many files it removed.
 */
export async function sweepUnattached(connection: Connection, before: Date, limit = 500): Promise<number> {
  const files = fileDocs(connection);
  const stale = await files
    .find(expired(before), { projection: { _id: 1, metadata: 1 } })
    .limit(limit)
    .toArray();
  let removed = 0;
  for (const { _id, metadata } of stale) {
    if (await stillMentioned(connection, metadata, _id.toHexString())) {
      await files.updateOne(
        { _id, 'metadata.record': null, 'metadata.detachedAt': metadata.detachedAt },
        {
          $set: { 'metadata.record': metadata.detachedFrom ?? null },
          $unset: { 'metadata.detachedFrom': '', 'metadata.detachedAt': '' },
        },
      );
      continue;
    }
    const gone = await files.deleteOne({ _id, ...expired(before) });
    if (gone.deletedCount !== 1) continue;
    await connection.db?.collection('files.chunks').deleteMany({ files_id: _id });
    removed += 1;
  }
  return removed;
}

/**
 * Removes the chunks of uploads that started before `before` and never finished (the process died
 * midway): their pending marker is still there and no file document was written. A marker whose file
 * document exists only lost its removal; the file itself is left to {@link sweepUnattached}.
 */
export async function sweepAbandoned(connection: Connection, before: Date, limit = 500): Promise<number> {
  const pending = pendingUploads(connection);
  const stale = await pending
    .find({ at: { $lt: before } })
    .limit(limit)
    .toArray();
  let removed = 0;
  for (const { _id } of stale) {
    if (!(await fileDocs(connection).findOne({ _id }, { projection: { _id: 1 } }))) {
      await connection.db?.collection('files.chunks').deleteMany({ files_id: _id });
      removed += 1;
    }
    await pending.deleteOne({ _id });
  }
  return removed;
}

/** One pass of both sweeps, as the server runs it hourly. */
export async function sweepFiles(connection: Connection, now = new Date()): Promise<void> {
  const before = new Date(now.getTime() - UNATTACHED_GRACE_MS);
  await sweepAbandoned(connection, before);
  await sweepUnattached(connection, before);
}
