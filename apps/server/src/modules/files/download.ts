import type { Readable } from 'node:stream';
import type { Types } from 'mongoose';
import { notFound } from '../../lib/errors.js';
import type { FormTarget } from '../records/context.js';
import { type RecordDoc, recordModel } from '../records/model.js';
import { fileSlots } from './attach.js';
import { type FileDoc, fileBucket, fileDocs } from './model.js';

/** A file ready to stream, with the record and field it was reached through. */
export interface Download {
  doc: FileDoc;
  record: Types.ObjectId;
  field: string;
  open(): Readable;
}

const fileNotFound = () => notFound('File');

/**
 * Finds a file through a record: the record must be one the caller may view (the scoped access layer's
 * filter), it must reference the file in a field that is neither removed from the form nor hidden from
 * the caller's roles, and the file must belong to this workspace and form. Anything else is 404, so the
 * answer says nothing about files the caller cannot reach.
 */
export async function findDownload(
  target: FormTarget,
  recordId: Types.ObjectId,
  fileId: Types.ObjectId,
): Promise<Download> {
  const filter = target.access.filter('view', { _id: recordId, deletedAt: null });
  const record = filter ? await recordModel(target.connection).findOne(filter).lean<RecordDoc>() : null;
  if (!record) throw fileNotFound();
  const hidden = target.access.hidden;
  // Slots of fields the form still shows; hidden (removed) fields are not walked by fileSlots.
  const visible = fileSlots(
    target.form.definition.fields.filter((f) => !f.hidden),
    record.data ?? {},
  ).filter((slot) => !hidden.has(slot.field) && !hidden.has(slot.field.split('.', 1)[0] ?? ''));
  const slot = visible.find((s) => s.id === fileId.toHexString());
  if (!slot) throw fileNotFound();
  const doc = await fileDocs(target.connection).findOne({
    _id: fileId,
    'metadata.ws': target.caller.ws,
    'metadata.form': target.form.id,
  });
  if (!doc) throw fileNotFound();
  return {
    doc: doc as FileDoc,
    record: record._id,
    field: slot.field,
    open: () => fileBucket(target.connection).openDownloadStream(fileId),
  };
}

/**
 * `Content-Disposition` for a file name (RFC 6266): an ASCII fallback in `filename` and the exact
 * name, percent-encoded UTF-8, in `filename*`. Images are shown inline; everything else is downloaded.
 */
export function contentDisposition(name: string, inline: boolean): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const type = inline ? 'inline' : 'attachment';
  return fallback === name
    ? `${type}; filename="${name}"`
    : `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
