import { type Connection, type Model, Schema, type Types } from 'mongoose';
import { appError, notFound, type Text, t } from '../../lib/errors.js';
import type { FormTarget } from './context.js';
import { parseSort } from './cursor.js';
import { compileQueryFilter, searchFilter } from './read.js';

/** Most views one person keeps per form. */
export const MAX_VIEWS = 50;

/** How a person looks at a form's records: columns, filter, search and sort, under a name. */
export interface ViewConfig {
  /** Field keys shown as columns, in order (system columns `_createdAt`... allowed). */
  columns: string[];
  /** A filter of the DSL, or null. */
  filter: unknown;
  sort: string | null;
  q: string | null;
}

/** A saved view (`saved_views`): one person's, for one form. */
export interface SavedViewDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  form: Types.ObjectId;
  user: Types.ObjectId;
  name: string;
  config: ViewConfig;
  createdAt: Date;
  updatedAt: Date;
}

const viewSchema = new Schema<SavedViewDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    form: { type: Schema.Types.ObjectId, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    config: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'saved_views', timestamps: true, versionKey: false, minimize: false },
);
viewSchema.index({ ws: 1, user: 1, form: 1, name: 1 }, { unique: true });

/** The `saved_views` model on a connection. */
export function savedViewModel(connection: Connection): Model<SavedViewDoc> {
  return (
    (connection.models.SavedView as Model<SavedViewDoc> | undefined) ??
    connection.model<SavedViewDoc>('SavedView', viewSchema)
  );
}

/** A view as the API answers it. */
export interface SavedView {
  id: string;
  name: string;
  config: ViewConfig;
  updatedAt: string;
}

function view(doc: SavedViewDoc): SavedView {
  return {
    id: doc._id.toHexString(),
    name: doc.name,
    config: doc.config,
    updatedAt: doc.updatedAt.toISOString(),
  };
}

function invalid(path: string, message: Text): never {
  throw appError('VALIDATION_FAILED', 'view.invalid', [{ path, message }]);
}

/**
 * Checks a view against what the caller may query: columns, filter, search and sort name only fields
 * the caller sees (a hidden field is unknown, as in the list itself), so a saved view can never become a
 * way around field access.
 */
function checkView(target: FormTarget, name: unknown, config: unknown): { name: string; config: ViewConfig } {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100)
    invalid('/name', t('detail.lengthBetween', { min: 1, max: 100 }));
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    invalid('/config', 'detail.object');
  const c = config as Record<string, unknown>;
  const extra = Object.keys(c).filter((k) => !['columns', 'filter', 'sort', 'q'].includes(k));
  if (extra.length > 0) invalid(`/config/${extra[0]}`, 'detail.unknownProperty');
  const columns = c.columns ?? [];
  if (!Array.isArray(columns) || columns.length > 200 || !columns.every((k) => typeof k === 'string'))
    invalid('/config/columns', 'detail.fieldKeys');
  columns.forEach((key, i) => {
    // Columns are the form's own fields (a subform column is filtered by, not shown as a column).
    if (
      !(target.queryFields.has(key as string) && !target.queryFields.get(key as string)?.within) &&
      !target.form.definition.fields.some(
        (f) => f.key === key && !f.hidden && !target.access.hidden.has(f.key),
      )
    )
      invalid(`/config/columns/${i}`, t('detail.unknownField', { field: String(key).slice(0, 80) }));
  });
  const filter = c.filter ?? null;
  if (filter !== null) compileQueryFilter(target, JSON.stringify(filter));
  const sort = c.sort ?? null;
  if (sort !== null) {
    if (typeof sort !== 'string' || sort.length > 300) invalid('/config/sort', 'detail.sort');
    parseSort(sort, target.queryFields);
  }
  const q = c.q ?? null;
  if (q !== null) {
    if (typeof q !== 'string' || q.length > 200) invalid('/config/q', t('detail.maxChars', { max: 200 }));
    searchFilter(target, q);
  }
  return {
    name: name.trim(),
    config: { columns: columns as string[], filter, sort: sort as string | null, q: q as string | null },
  };
}

function requireViewer(target: FormTarget): void {
  if (!target.access.can('view')) throw appError('FORBIDDEN', 'record.mayNotView');
}

/** The caller's views of a form, by name. */
export async function listViews(target: FormTarget): Promise<SavedView[]> {
  requireViewer(target);
  const docs = await savedViewModel(target.connection)
    .find({ ws: target.caller.ws, user: target.caller.userId, form: target.form.id })
    .sort({ name: 1 })
    .lean<SavedViewDoc[]>();
  return docs.map(view);
}

function duplicate(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

/** Saves a new view; a name the caller already uses for this form answers 409. */
export async function createView(
  target: FormTarget,
  body: { name?: unknown; config?: unknown },
): Promise<SavedView> {
  requireViewer(target);
  const checked = checkView(target, body.name, body.config);
  const Views = savedViewModel(target.connection);
  await Views.init();
  const count = await Views.countDocuments({
    ws: target.caller.ws,
    user: target.caller.userId,
    form: target.form.id,
  });
  if (count >= MAX_VIEWS) throw appError('UNPROCESSABLE', t('view.tooMany', { max: MAX_VIEWS }));
  try {
    const doc = await Views.create({
      ws: target.caller.ws,
      user: target.caller.userId,
      form: target.form.id,
      ...checked,
    });
    return view(doc.toObject());
  } catch (error) {
    if (duplicate(error))
      throw appError('CONFLICT', 'view.nameTaken', [{ path: '/name', message: 'detail.taken' }]);
    throw error;
  }
}

/** Changes one of the caller's views (anyone else's, or another form's, is not found). */
export async function updateView(
  target: FormTarget,
  id: Types.ObjectId,
  body: { name?: unknown; config?: unknown },
): Promise<SavedView> {
  requireViewer(target);
  const checked = checkView(target, body.name, body.config);
  try {
    const doc = await savedViewModel(target.connection)
      .findOneAndUpdate(
        { _id: id, ws: target.caller.ws, user: target.caller.userId, form: target.form.id },
        { $set: checked },
        { returnDocument: 'after' },
      )
      .lean<SavedViewDoc>();
    if (!doc) throw notFound('View');
    return view(doc);
  } catch (error) {
    if (duplicate(error))
      throw appError('CONFLICT', 'view.nameTaken', [{ path: '/name', message: 'detail.taken' }]);
    throw error;
  }
}

/** Removes one of the caller's views. */
export async function deleteView(target: FormTarget, id: Types.ObjectId): Promise<void> {
  const removed = await savedViewModel(target.connection).deleteOne({
    _id: id,
    ws: target.caller.ws,
    user: target.caller.userId,
    form: target.form.id,
  });
  if (removed.deletedCount === 0) throw notFound('View');
}
