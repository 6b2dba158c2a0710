import { type Connection, type Model, Schema, type Types } from 'mongoose';
import { invalidateOnWrite } from '../../lib/read-cache.js';
import type { FormDefinition } from './meta.js';

/**
 * A form. `definition` is the working copy edited by the form designer; `published` is the definition
 * of version `version`, which new records are validated and computed with. Every published version
 * is also kept in `form_versions`, so a record's `formVersion` can always be read back.
 */
export interface FormDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  app: Types.ObjectId;
  key: string;
  definition: FormDefinition;
  published: FormDefinition;
  version: number;
  /** Bumped on every change of the document; guards concurrent edits. */
  v: number;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

/** One published version of a form. */
export interface FormVersionDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  form: Types.ObjectId;
  version: number;
  definition: FormDefinition;
  /** What publishing changed: migrations run, fields hidden. */
  report?: unknown;
  publishedBy: Types.ObjectId;
  publishedAt: Date;
}

const formSchema = new Schema<FormDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    app: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    published: { type: Schema.Types.Mixed, required: true },
    version: { type: Number, required: true },
    v: { type: Number, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
  },
  { collection: 'forms', timestamps: true, minimize: false, versionKey: false },
);
formSchema.index({ ws: 1, app: 1, key: 1 }, { unique: true });
// Record requests serve published definitions from a cache (lib/read-cache.ts); any write here drops it.
invalidateOnWrite(formSchema, 'definitions');

const formVersionSchema = new Schema<FormVersionDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    form: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    report: { type: Schema.Types.Mixed },
    publishedBy: { type: Schema.Types.ObjectId, required: true },
    publishedAt: { type: Date, required: true },
  },
  { collection: 'form_versions', minimize: false, versionKey: false },
);
formVersionSchema.index({ ws: 1, form: 1, version: 1 }, { unique: true });

/** The `forms` model on a connection. */
export function formModel(connection: Connection): Model<FormDoc> {
  return (
    (connection.models.Form as Model<FormDoc> | undefined) ?? connection.model<FormDoc>('Form', formSchema)
  );
}

/** The `form_versions` model on a connection. */
export function formVersionModel(connection: Connection): Model<FormVersionDoc> {
  return (
    (connection.models.FormVersion as Model<FormVersionDoc> | undefined) ??
    connection.model<FormVersionDoc>('FormVersion', formVersionSchema)
  );
}
