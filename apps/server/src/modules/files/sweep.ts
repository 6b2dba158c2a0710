import type { Connection } from 'mongoose';
import { fileDocs, pendingUploads } from './model.js';

/** How long an upload may stay unattached before the sweep removes it (a form may be filled slowly). */
export const UNATTACHED_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes uploads that no record write claimed, uploaded before `before`. The file document goes
 * first, guarded by `metadata.record: null`, so a write attaching the file at the same moment either
 * wins (and the file stays) or finds no file; chunks follow. Answers how many files it removed.
 */
export async function sweepUnattached(connection: Connection, before: Date, limit = 500): Promise<number> {
  const files = fileDocs(connection);
  const stale = await files
    .find({ 'metadata.record': null, uploadDate: { $lt: before } }, { projection: { _id: 1 } })
    .limit(limit)
    .toArray();
  let removed = 0;
  for (const { _id } of stale) {
    const gone = await files.deleteOne({ _id, 'metadata.record': null });
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
