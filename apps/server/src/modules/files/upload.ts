import type { MultipartFile } from '@fastify/multipart';
import { Types } from 'mongoose';
import { appError, type Text, t } from '../../lib/errors.js';
import type { FieldDef } from '../forms/meta.js';
import type { FormTarget } from '../records/context.js';
import {
  type FileDoc,
  type FileMeta,
  type FileRef,
  fileBucket,
  fileDocs,
  pendingUploads,
  refOf,
} from './model.js';
import { accepts, cleanName, SNIFF_BYTES, sniff } from './sniff.js';

/** Field types whose values are file references. */
export const FILE_FIELD_TYPES: ReadonlySet<string> = new Set(['attachment', 'image', 'signature']);

/** The field an upload is for, with the limits that apply to it. */
export interface UploadSpec {
  /** `key`, or `subform.column` for a column of a subform. */
  key: string;
  field: FieldDef;
  /** Largest accepted size in bytes: the field's `maxSize`, capped by the server's `FILE_MAX_BYTES`. */
  maxBytes: number;
}

/** The file-typed field `key` names (`subform.column` reaches into subforms), or undefined. */
export function fileField(fields: readonly FieldDef[], key: string): FieldDef | undefined {
  const [head, column] = key.split('.', 2);
  const field = fields.find((f) => f.key === head && !f.hidden);
  if (!field) return undefined;
  if (column === undefined) return FILE_FIELD_TYPES.has(field.type) ? field : undefined;
  if (field.type !== 'subform' || !Array.isArray(field.columns)) return undefined;
  const inner = (field.columns as FieldDef[]).find((c) => c.key === column && !c.hidden);
  return inner && FILE_FIELD_TYPES.has(inner.type) ? inner : undefined;
}

/**
 * Resolves and checks the field an upload is for before any byte is read: it must be a visible file
 * field the caller may write on some record of the form (submit or edit grant, not read-only for them).
 */
export function uploadSpec(target: FormTarget, key: string | undefined, globalMax: number): UploadSpec {
  const field = key ? fileField(target.form.definition.fields, key) : undefined;
  if (!key || !field) {
    throw appError('VALIDATION_FAILED', 'file.invalidUpload', [
      { path: '/field', message: 'detail.fileField' },
    ]);
  }
  const { access } = target;
  if (!access.canSubmit && !access.can('edit')) {
    throw appError('FORBIDDEN', 'file.mayNotUpload');
  }
  const [head, column] = key.split('.', 2);
  const probe = column === undefined ? { [key]: null } : { [head as string]: [{ [column]: null }] };
  if (access.forbiddenWrites(probe).length > 0) {
    throw appError('FORBIDDEN', 'file.readOnlyField', [{ path: '/field', message: 'detail.readOnly' }]);
  }
  const own = typeof field.maxSize === 'number' ? field.maxSize : globalMax;
  return { key, field, maxBytes: Math.min(own, globalMax) };
}

const tooLarge = (spec: UploadSpec) =>
  appError('PAYLOAD_TOO_LARGE', t('file.tooLarge', { max: spec.maxBytes }), [
    { path: '/file', message: t('detail.maxBytes', { max: spec.maxBytes }) },
  ]);

const refused = (message: Text) =>
  appError('VALIDATION_FAILED', 'file.typeRefused', [{ path: '/file', message }]);

type UploadStream = ReturnType<ReturnType<typeof fileBucket>['openUploadStream']>;

/** Removes everything a failed upload wrote: its chunks and, if it got that far, its file document. */
async function discard(target: FormTarget, upload: UploadStream): Promise<void> {
  try {
    await upload.abort();
  } catch {
    // Already completed or aborted: delete by id below.
  }
  const db = target.connection.db;
  await db?.collection('files.chunks').deleteMany({ files_id: upload.id });
  await fileDocs(target.connection).deleteOne({ _id: upload.id as Types.ObjectId });
  await pendingUploads(target.connection).deleteOne({ _id: upload.id as Types.ObjectId });
}

/**
 * Streams one multipart file into GridFS. The first bytes decide the real type (magic bytes) before
 * anything is stored; each chunk is written only after the previous one was acknowledged, so a refused
 * or broken upload is rolled back completely by {@link discard}.
 */
export async function storeUpload(
  target: FormTarget,
  spec: UploadSpec,
  part: MultipartFile,
): Promise<FileRef> {
  const name = cleanName(part.filename ?? '');
  if (!name)
    throw appError('VALIDATION_FAILED', 'file.invalidUpload', [{ path: '/file', message: 'detail.noName' }]);
  const source = part.file;
  const chunks = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < SNIFF_BYTES) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value as Buffer);
    headBytes += (next.value as Buffer).length;
  }
  const drain = () => source.resume();
  if (source.truncated) {
    drain();
    throw tooLarge(spec);
  }
  const verdict = await sniff({ name, declared: part.mimetype, head: Buffer.concat(head) });
  if (!verdict.ok) {
    drain();
    throw refused(verdict.reason);
  }
  if (spec.field.type !== 'attachment' && !(verdict.detected && verdict.mime.startsWith('image/'))) {
    drain();
    throw refused(t('detail.notImage', { mime: verdict.mime }));
  }
  const accept = Array.isArray(spec.field.accept) ? (spec.field.accept as string[]) : undefined;
  if (!accepts(accept, verdict.mime)) {
    drain();
    throw refused(t('detail.notAccepted', { mime: verdict.mime, accept: accept ?? [] }));
  }

  const metadata: FileMeta = {
    ws: target.caller.ws,
    form: target.form.id,
    field: spec.key,
    owner: target.caller.userId,
    mime: verdict.mime,
    record: null,
  };
  const id = new Types.ObjectId();
  await pendingUploads(target.connection).insertOne({ _id: id, ws: target.caller.ws, at: new Date() });
  const upload = fileBucket(target.connection).openUploadStream(name, { id, metadata });
  // Failures arrive through the write callbacks below; the event would otherwise be unhandled.
  upload.on('error', () => {});
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) => upload.write(chunk, (e) => (e ? reject(e) : resolve())));
  try {
    for (const chunk of head) await write(chunk);
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      if (source.truncated) throw tooLarge(spec);
      await write(next.value as Buffer);
    }
    if (source.truncated) throw tooLarge(spec);
    await new Promise<void>((resolve, reject) =>
      upload.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
  } catch (error) {
    drain();
    await discard(target, upload);
    throw error;
  }
  await pendingUploads(target.connection).deleteOne({ _id: id });
  const doc = await fileDocs(target.connection).findOne({ _id: id });
  if (!doc) throw new Error('The stored file document is missing');
  return refOf(doc as FileDoc);
}
