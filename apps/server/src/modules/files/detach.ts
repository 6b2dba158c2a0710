import { Types } from 'mongoose';
import type { FormTarget } from '../records/context.js';
import { attachFiles, referencedFiles } from './attach.js';
import { fileDocs } from './model.js';

/** A stored record version: its id, its `v` and its data. */
export interface StoredRecord {
  _id: Types.ObjectId;
  v: number;
  data: Record<string, unknown>;
}

/**
 * Marks files an update dropped as detached from the record (`metadata.record` back to null, with
 * `detachedFrom` and `detachedAt`), so the sweep removes them once the grace period has passed since.
 * Guarded by version: a write of a later version that attached one of them again has set a higher
 * `recordV`, and this detach then leaves it alone. A fresh upload this record held but whose attach
 * has not run yet is claimed here too, so that late attach (an older version) cannot bring it back.
 */
export async function detachFiles(
  target: FormTarget,
  record: { _id: Types.ObjectId; v: number },
  ids: readonly Types.ObjectId[],
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await fileDocs(target.connection).updateMany(
    {
      'metadata.ws': target.caller.ws,
      'metadata.form': target.form.id,
      _id: { $in: [...ids] },
      'metadata.recordV': { $not: { $gte: record.v } },
      $or: [
        { 'metadata.record': record._id },
        { 'metadata.record': null, 'metadata.detachedFrom': { $exists: false } },
      ],
    },
    {
      $set: {
        'metadata.record': null,
        'metadata.detachedFrom': record._id,
        'metadata.detachedAt': now,
        'metadata.recordV': record.v,
      },
    },
  );
}

/**
 * After an update is stored: attaches the files it added (`fresh`, from checkFiles) and detaches those
 * the previous version referenced and this one no longer does (a value replaced or cleared, a subform
 * row removed). Deletes keep their files (a restore brings them back), so only updates call this.
 */
export async function settleFiles(
  target: FormTarget,
  before: StoredRecord,
  after: StoredRecord,
  fresh: readonly Types.ObjectId[],
): Promise<void> {
  const fields = target.form.definition.fields;
  const kept = referencedFiles(fields, after.data);
  // Stored data passed checkFiles, so its ids are ObjectIds; the pattern only keeps a bad one harmless.
  const dropped = [...referencedFiles(fields, before.data)]
    .filter((id) => !kept.has(id) && /^[0-9a-f]{24}$/.test(id))
    .map((id) => new Types.ObjectId(id));
  // Disjoint sets (fresh files are in the new data, dropped ones are not), so both run at once.
  await Promise.all([attachFiles(target, after, fresh), detachFiles(target, after, dropped, target.now)]);
}
