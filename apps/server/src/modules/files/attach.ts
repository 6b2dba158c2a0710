import { Types } from 'mongoose';
import { appError, type ErrorDetail, t } from '../../lib/errors.js';
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
  return collectSlots(fields, data, base, prefix, false);
}

/**
 * The ids of every file a record's data references, removed fields included: a file kept in a removed
 * field's preserved value is still the record's, so it must not count as dropped.
 */
export function referencedFiles(fields: readonly FieldDef[], data: Record<string, unknown>): Set<string> {
  return new Set(collectSlots(fields, data, '/data', '', true).map((slot) => slot.id));
}

function collectSlots(
  fields: readonly FieldDef[],
  data: Record<string, unknown>,
  base: string,
  prefix: string,
  removedToo: boolean,
): FileSlot[] {
  const out: FileSlot[] = [];
  for (const field of fields) {
    const value = data[field.key];
    // Removed (hidden) fields are shown nowhere, so their files are neither checked nor served.
    if ((field.hidden && !removedToo) || value === undefined || value === null) continue;
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
            ...collectSlots(
              field.columns as FieldDef[],
              row as Record<string, unknown>,
              `${base}/${field.key}/${i}`,
              field.key,
              removedToo,
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
 * uploaded to this workspace, form and field, and be either the caller's own fresh upload, or this
 * record's: on it now, or dropped from it by an earlier update and not yet swept (any writer of this
 * record may put it back; no other record may take it). The stored name, size and type replace what
 * the client sent. Returns the ids to mark as attached once the write is stored.
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
    const usable =
      doc !== undefined && (mine(doc, target) || (current !== undefined && ours(doc, current._id)));
    if (!doc || doc.metadata.field !== slot.field || !(onRecord || usable)) {
      details.push({ path: slot.path, message: t('detail.noUpload', { id: slot.id }) });
      continue;
    }
    const ref = refOf(doc);
    (slot.holder as Record<string | number, unknown>)[slot.slot] = ref;
    if (!onRecord) fresh.push(doc._id);
  }
  if (details.length > 0) throw appError('UNPROCESSABLE', 'file.cannotAttach', details);
  return fresh;
}

/** The caller's own upload that no record ever held. */
function mine(doc: FileDoc, target: FormTarget): boolean {
  const { metadata } = doc;
  return metadata.record === null && !metadata.detachedFrom && metadata.owner.equals(target.caller.userId);
}

/**
 * A file of this record that its current data does not hold: attached (an update dropping it has not
 * detached it yet) or detached from it and waiting for the sweep.
 */
function ours(doc: FileDoc, record: Types.ObjectId): boolean {
  const { metadata } = doc;
  if (metadata.record) return metadata.record.equals(record);
  return metadata.detachedFrom?.equals(record) === true;
}

/**
 * Marks files as attached to a record written at version `record.v`, so the sweep keeps them: fresh
 * uploads, and files of this record that an update dropped. An attach of an older version than the
 * file's last attach or detach loses (`metadata.recordV`).
 */
export async function attachFiles(
  target: FormTarget,
  record: { _id: Types.ObjectId; v: number },
  ids: readonly Types.ObjectId[],
): Promise<void> {
  if (ids.length === 0) return;
  await fileDocs(target.connection).updateMany(
    {
      'metadata.ws': target.caller.ws,
      _id: { $in: [...ids] },
      'metadata.recordV': { $not: { $gte: record.v } },
      $or: [
        { 'metadata.record': null, 'metadata.detachedFrom': { $exists: false } },
        { 'metadata.record': null, 'metadata.detachedFrom': record._id },
        { 'metadata.record': record._id },
      ],
    },
    {
      $set: { 'metadata.record': record._id, 'metadata.recordV': record.v },
      $unset: { 'metadata.detachedFrom': '', 'metadata.detachedAt': '' },
    },
  );
}
