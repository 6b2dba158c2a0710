import type { Flow } from '@formloom/schema';
import { type Connection, type Model, Schema, type Types } from 'mongoose';
import { invalidateOnWrite } from '../../lib/read-cache.js';

/**
 * An approval flow of a form. `definition` is the working copy; `published` the definition of version
 * `version` (0 and null before the first publish), which submissions of the form start. Every published
 * version is kept in `flow_versions`: a running instance stays on the version it started with.
 */
export interface FlowDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  app: Types.ObjectId;
  /** The form's id (the definition names it by key). One flow per form. */
  form: Types.ObjectId;
  key: string;
  definition: Flow;
  published: Flow | null;
  version: number;
  /** Bumped on every change of the document; guards concurrent edits. */
  v: number;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
  /** Set by pack imports so an undone import removes its flows. */
  importId?: Types.ObjectId;
}

/** One published version of a flow. */
export interface FlowVersionDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  flow: Types.ObjectId;
  version: number;
  definition: Flow;
  publishedBy: Types.ObjectId;
  publishedAt: Date;
  importId?: Types.ObjectId;
}

const oid = Schema.Types.ObjectId;

const flowSchema = new Schema<FlowDoc>(
  {
    ws: { type: oid, required: true },
    app: { type: oid, required: true },
    form: { type: oid, required: true },
    key: { type: String, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    published: { type: Schema.Types.Mixed, default: null },
    version: { type: Number, required: true },
    v: { type: Number, required: true },
    createdBy: { type: oid, required: true },
    importId: { type: oid },
  },
  { collection: 'flows', timestamps: true, minimize: false, versionKey: false },
);
flowSchema.index({ ws: 1, app: 1, key: 1 }, { unique: true });
// Submissions find the form's flow; one flow per form keeps "which flow starts" unambiguous.
flowSchema.index({ ws: 1, form: 1 }, { unique: true });
// Submissions serve the published flow from the definitions cache; any write here drops it.
invalidateOnWrite(flowSchema, 'definitions');

const flowVersionSchema = new Schema<FlowVersionDoc>(
  {
    ws: { type: oid, required: true },
    flow: { type: oid, required: true },
    version: { type: Number, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    publishedBy: { type: oid, required: true },
    publishedAt: { type: Date, required: true },
    importId: { type: oid },
  },
  { collection: 'flow_versions', minimize: false, versionKey: false },
);
flowVersionSchema.index({ ws: 1, flow: 1, version: 1 }, { unique: true });

/** The `flows` model on a connection. */
export function flowModel(connection: Connection): Model<FlowDoc> {
  return (
    (connection.models.Flow as Model<FlowDoc> | undefined) ?? connection.model<FlowDoc>('Flow', flowSchema)
  );
}

/** The `flow_versions` model on a connection. */
export function flowVersionModel(connection: Connection): Model<FlowVersionDoc> {
  return (
    (connection.models.FlowVersion as Model<FlowVersionDoc> | undefined) ??
    connection.model<FlowVersionDoc>('FlowVersion', flowVersionSchema)
  );
}
