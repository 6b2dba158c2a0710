import type { Connection } from 'mongoose';
import { fileDocs } from './model.js';

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
