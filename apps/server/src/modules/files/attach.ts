import { Types } from 'mongoose';
import { appError, type ErrorDetail } from '../../lib/errors.js';
import type { FieldDef } from '../forms/meta.js';
import type { FormTarget } from '../records/context.js';
import { type FileDoc, fileDocs, refOf } from './model.js';
import { FILE_FIELD_TYPES } from './upload.js';

/** One file reference inside record data, with where it sits. */
export interface FileSlot {
  /** JSON pointer of the value, e.g. `/data/photos/0`. */
  path: string;
  /** `key`, or `subform.column`. */
  field: string;
  id: string;
  /** The object holding the reference (rewritten with the stored name, size and type). */
  holder: Record<string, unknown> | unknown[];
  slot: string | number;
}

function refsIn(
  value: unknown,
  path: string,
  field: string,
  out: FileSlot[],
  holder: FileSlot['holder'],
  slot: string | number,
) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string') out.push({ path, field, id: id.toLowerCase(), holder, slot });
  }
}

/** Every file reference of attachment, image and signature fields, subform columns included. */
export function fileSlots(
  fields: readonly FieldDef[],
  data: Record<string, unknown>,
  base = '/data',
  prefix = '',
): FileSlot[] {
  const out: FileSlot[] = [];
  for (const field of fields) {
    const value = data[field.key];
    // Removed (hidden) fields are shown nowhere, so their files are neither checked nor served.
    if (field.hidden || value === undefined || value === null) continue;
    const key = prefix ? `${prefix}.${field.key}` : field.key;
    if (FILE_FIELD_TYPES.has(field.type)) {
      if (Array.isArray(value)) {
        for (const [i, item] of value.entries())
          refsIn(item, `${base}/${field.key}/${i}`, key, out, value, i);
      } else refsIn(value, `${base}/${field.key}`, key, out, data, field.key);
    }
    if (!prefix && field.type === 'subform' && Array.isArray(value) && Array.isArray(field.columns)) {
      value.forEach((row, i) => {
        if (row && typeof row === 'object' && !Array.isArray(row)) {
          out.push(
            ...fileSlots(
              field.columns as FieldDef[],
              row as Record<string, unknown>,
              `${base}/${field.key}/${i}`,
              field.key,
            ),
          );
        }
      });
    }
  }
  return out;
}

/**
 * Checks the files a record write references (422 at each bad value's path): each must have been
 * uploaded to this workspace, form and field, and be either the caller's own unattached upload or
 * already on this record. The stored name, size and type replace what the client sent. Returns the
 * ids to mark as attached once the write is stored.
 */
export async function checkFiles(
  target: FormTarget,
  data: Record<string, unknown>,
  current?: { _id: Types.ObjectId; data: Record<string, unknown> },
): Promise<Types.ObjectId[]> {
  const slots = fileSlots(target.form.definition.fields, data);
  if (slots.length === 0) return [];
  const held = new Set(
    current ? fileSlots(target.form.definition.fields, current.data).map((s) => `${s.field}:${s.id}`) : [],
  );
  const ids = [...new Set(slots.map((s) => s.id))].map((id) => new Types.ObjectId(id));
  const docs = await fileDocs(target.connection)
    .find({ 'metadata.ws': target.caller.ws, 'metadata.form': target.form.id, _id: { $in: ids } })
    .toArray();
  const byId = new Map(docs.map((doc) => [doc._id.toHexString(), doc as FileDoc]));
  const details: ErrorDetail[] = [];
  const fresh: Types.ObjectId[] = [];
  for (const slot of slots) {
    const doc = byId.get(slot.id);
    const onRecord = held.has(`${slot.field}:${slot.id}`);
    const mine = doc?.metadata.record === null && doc.metadata.owner.equals(target.caller.userId);
    if (!doc || doc.metadata.field !== slot.field || !(onRecord || mine)) {
      details.push({ path: slot.path, message: `no file ${slot.id} uploaded by you to this field` });
      continue;
    }
    const ref = refOf(doc);
    (slot.holder as Record<string | number, unknown>)[slot.slot] = ref;
    if (!onRecord) fresh.push(doc._id);
  }
  if (details.length > 0) throw appError('UNPROCESSABLE', 'Some files cannot be attached here', details);
  return fresh;
}

/** Marks uploads as attached to a record, so the sweep of unattached files keeps them. */
export async function attachFiles(
  target: FormTarget,
  record: Types.ObjectId,
  ids: readonly Types.ObjectId[],
): Promise<void> {
  if (ids.length === 0) return;
  await fileDocs(target.connection).updateMany(
    { 'metadata.ws': target.caller.ws, _id: { $in: [...ids] }, 'metadata.record': null },
    { $set: { 'metadata.record': record } },
  );
}
