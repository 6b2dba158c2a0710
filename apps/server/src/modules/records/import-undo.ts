import type { Types } from 'mongoose';
import { publishRecordChange } from '../realtime/bus.js';
import type { FormTarget } from './context.js';
import { scheduleDependants } from './dependants.js';
import { diffData } from './diff.js';
import { historyModel, type RecordDoc, recordModel } from './model.js';
import { uniqueConflict, uniqueUpdate } from './unique.js';

/** A write of an import, as it must be taken back. */
export type UndoEntry =
  | { kind: 'created'; id: Types.ObjectId }
  /** `before` is the record as the import found it; `v` the version the import's update produced. */
  | { kind: 'updated'; before: RecordDoc; v: number };

/**
 * Takes back the writes of a failed all-or-nothing import, newest first, each as one guarded
 * single-document write (no transactions, ARCHITECTURE.md principle 5). Created records are removed with
 * their history; updated ones get their previous values back as a new version, unless someone changed
 * them since (then they are left alone and counted). Rollups over the form are recomputed. Returns the
 * number of writes that could not be undone.
 */
export async function undoImport(target: FormTarget, entries: readonly UndoEntry[]): Promise<number> {
  const { connection, caller, form } = target;
  const Records = recordModel(connection);
  const History = historyModel(connection);
  const scope = { connection, ws: caller.ws, directory: target.directory, form };
  let failures = 0;
  for (const entry of [...entries].reverse()) {
    if (entry.kind === 'created') {
      const removed = await Records.findOneAndDelete({
        _id: entry.id,
        ws: caller.ws,
        form: form.id,
      }).lean<RecordDoc>();
      if (!removed) continue;
      await History.deleteMany({ ws: caller.ws, record: entry.id });
      await scheduleDependants(scope, entry.id, removed.data, {});
      continue;
    }
    const { before, v } = entry;
    const now = new Date();
    const after = await Records.findOne({
      _id: before._id,
      ws: caller.ws,
      form: form.id,
      v,
    }).lean<RecordDoc>();
    const uniq = uniqueUpdate(form.definition, before.data);
    const unset = Object.keys(uniq.unset).length > 0 ? { $unset: uniq.unset } : {};
    const restored = after
      ? await Records.findOneAndUpdate(
          { _id: before._id, ws: caller.ws, form: form.id, v },
          {
            $set: { data: before.data, formVersion: before.formVersion, updatedAt: now, ...uniq.set },
            ...unset,
            $inc: { v: 1 },
          },
          { returnDocument: 'after' },
        )
          .lean<RecordDoc>()
          // Another record took one of its old unique values meanwhile: left as the import wrote it.
          .catch((error: unknown) => {
            if (uniqueConflict(error)) return null;
            throw error;
          })
      : null;
    if (!after || !restored) {
      failures += 1;
      continue;
    }
    await History.create({
      ws: caller.ws,
      form: form.id,
      record: before._id,
      v: restored.v,
      action: 'update',
      by: caller.userId,
      at: now,
      changes: diffData(after.data, before.data),
    });
    await scheduleDependants(scope, before._id, after.data, before.data);
    publishRecordChange(connection, {
      type: 'updated',
      ws: caller.ws,
      form: form.id,
      id: before._id,
      v: restored.v,
    });
  }
  return failures;
}
