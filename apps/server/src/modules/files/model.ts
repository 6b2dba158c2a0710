import mongoose, { type Connection, type Types } from 'mongoose';

/** The GridFS bucket's name: documents in `files.files`, content in `files.chunks`. */
export const BUCKET = 'files';

/** Who a stored file belongs to; kept in the GridFS file document's `metadata`. */
export interface FileMeta {
  ws: Types.ObjectId;
  form: Types.ObjectId;
  /** The field key it was uploaded for (`subform.column` for subform columns). */
  field: string;
  /** The uploader. */
  owner: Types.ObjectId;
  /** The real MIME type, decided from the content. */
  mime: string;
  /**
   * The record that references it; `null` while unattached (a fresh upload, or a file a record update
   * dropped): the sweep removes unattached files after a grace period.
   */
  record: Types.ObjectId | null;
  /** The record an update dropped it from: only writes to that record may attach it again. */
  detachedFrom?: Types.ObjectId;
  /** When it was dropped; the grace period before the sweep counts from here, not from the upload. */
  detachedAt?: Date;
  /**
   * The record version (`v`) of the last write that attached or detached it: an attach or detach of an
   * older version loses, so two writes to the same record settle in version order, whatever order their
   * follow-up steps run in.
   */
  recordV?: number;
}

/** A GridFS file document of the bucket. */
export interface FileDoc {
  _id: Types.ObjectId;
  length: number;
  chunkSize: number;
  uploadDate: Date;
  filename: string;
  metadata: FileMeta;
}

/** A file reference as record values and the upload route hold it (`fileRef` of packages/schema). */
export interface FileRef {
  id: string;
  name: string;
  size: number;
  mime: string;
}

/** The bucket on a connection. */
export function fileBucket(connection: Connection): mongoose.mongo.GridFSBucket {
  const db = connection.db;
  if (!db) throw new Error('The store is not connected');
  return new mongoose.mongo.GridFSBucket(db, { bucketName: BUCKET });
}

/** The bucket's file documents (read and mark them; content goes through {@link fileBucket}). */
export function fileDocs(connection: Connection): mongoose.mongo.Collection<FileDoc> {
  const db = connection.db;
  if (!db) throw new Error('The store is not connected');
  return db.collection<FileDoc>(`${BUCKET}.files`);
}

/**
 * An upload in progress: written before the first chunk and removed once the file document exists (or
 * the upload was rolled back), so chunks left by a process that died midway can be found and removed.
 */
export interface PendingUpload {
  /** The id the file's chunks carry as `files_id`. */
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  at: Date;
}

/** The uploads in progress (`files.pending`). */
export function pendingUploads(connection: Connection): mongoose.mongo.Collection<PendingUpload> {
  const db = connection.db;
  if (!db) throw new Error('The store is not connected');
  return db.collection<PendingUpload>(`${BUCKET}.pending`);
}

/** Indexes of the bucket's file documents, `ws` first (GridFS adds its own on first upload). */
export async function ensureFileIndexes(connection: Connection): Promise<void> {
  await fileDocs(connection).createIndex({ 'metadata.ws': 1, 'metadata.record': 1, uploadDate: 1 });
}

/** The API view of a stored file. */
export function refOf(doc: FileDoc): FileRef {
  return { id: doc._id.toHexString(), name: doc.filename, size: doc.length, mime: doc.metadata.mime };
}
