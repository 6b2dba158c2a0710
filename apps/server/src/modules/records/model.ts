import { type Connection, type Model, Schema, type Types } from 'mongoose';

/** A record of any form (ARCHITECTURE.md: `records`). */
export interface RecordDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  app: Types.ObjectId;
  form: Types.ObjectId;
  formVersion: number;
  data: Record<string, unknown>;
  owner: Types.ObjectId;
  dept?: Types.ObjectId | null;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
  /** Version: every write is `findOneAndUpdate({_id, v}, {..., $inc: {v: 1}})`. */
  v: number;
  flow?: unknown;
  /** Soft delete: set when deleted, cleared on restore. */
  deletedAt?: Date | null;
  deletedBy?: Types.ObjectId | null;
  /**
   * Entries of the shared unique index (records/unique.ts): `<key>\u0000<canonical value>` per unique
   * field holding a value; absent on deleted records and records without such values. Never sent out.
   */
  uniq?: string[];
  /** Marks of the automation actions that wrote the record (the last 20), so a retried action skips. */
  applied?: string[];
  /**
   * Flow transitions whose effects (tasks, jobs, events) are not yet carried out, stored with the
   * transition (flows/outbox.ts); `at` is when. Never sent out.
   */
  flowOutbox?: Array<{ id: string; at: Date }>;
}

/** One change of a record, with field-level diffs. */
export interface RecordHistoryDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  form: Types.ObjectId;
  record: Types.ObjectId;
  /** The record's `v` after the change. */
  v: number;
  action: 'create' | 'update' | 'delete' | 'restore' | 'recompute' | 'migrate' | 'flow';
  /** The user, or null for changes made by the server (recompute jobs, migrations). */
  by: Types.ObjectId | null;
  at: Date;
  changes: Array<{ key: string; from?: unknown; to?: unknown }>;
  /**
   * For `create` entries: the record's first values, one object (`changes` is then empty; each value is a
   * change from nothing, see `creationChanges`). A change per field made the entry cost as much to store
   * as the record itself: an array of ~25 small documents, each read, laid out, indexed and journaled.
   */
  values?: Record<string, unknown>;
  /** For `flow` entries: what the approval flow did (timeline entries of the step, docs/flows.md). */
  flow?: unknown;
  /** For `flow` entries: the outbox entry that wrote it (unique, so a repeated delivery writes it once). */
  outbox?: string;
}

/** A per-form sequence (serial numbers): `_id` is `<form>:<field>:<period>`. */
export interface CounterDoc {
  _id: string;
  ws: Types.ObjectId;
  seq: number;
}

const recordSchema = new Schema<RecordDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    app: { type: Schema.Types.ObjectId, required: true },
    form: { type: Schema.Types.ObjectId, required: true },
    formVersion: { type: Number, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    owner: { type: Schema.Types.ObjectId, required: true },
    dept: { type: Schema.Types.ObjectId, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    v: { type: Number, required: true },
    flow: { type: Schema.Types.Mixed },
    deletedAt: { type: Date, default: null },
    deletedBy: { type: Schema.Types.ObjectId, default: null },
    uniq: { type: [String], default: undefined },
    applied: { type: [String], default: undefined },
    flowOutbox: { type: [Schema.Types.Mixed], default: undefined },
  },
  { collection: 'records', minimize: false, versionKey: false, autoIndex: false },
);
// The fixed indexes of issue 5; per-field ones are created by the forms service.
recordSchema.index({ ws: 1, form: 1, _id: 1 });
recordSchema.index({ ws: 1, form: 1, owner: 1 });
recordSchema.index({ ws: 1, form: 1, createdAt: 1 });
// Only records with unfinished flow effects have an entry: the repair sweep reads them by age.
recordSchema.index({ 'flowOutbox.at': 1 }, { sparse: true });
// The repair's look-up of deliveries whose lease ended (flows/outbox.ts).
recordSchema.index({ 'flowOutbox.delivery.until': 1 }, { sparse: true });

const historySchema = new Schema<RecordHistoryDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    form: { type: Schema.Types.ObjectId, required: true },
    record: { type: Schema.Types.ObjectId, required: true },
    v: { type: Number, required: true },
    action: { type: String, required: true },
    by: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
    changes: { type: Schema.Types.Mixed, default: () => [] },
    values: { type: Schema.Types.Mixed },
    flow: { type: Schema.Types.Mixed },
    outbox: { type: String },
  },
  { collection: 'record_history', minimize: false, versionKey: false },
);
// A flow step's entry is written by its outbox delivery, which may run twice (flows/outbox.ts).
historySchema.index({ outbox: 1 }, { unique: true, sparse: true });
historySchema.index({ ws: 1, record: 1, v: 1 });

const counterSchema = new Schema<CounterDoc>(
  { _id: { type: String, required: true }, ws: { type: Schema.Types.ObjectId, required: true }, seq: Number },
  { collection: 'counters', versionKey: false },
);

/** The `records` model on a connection. */
export function recordModel(connection: Connection): Model<RecordDoc> {
  return (
    (connection.models.Record as Model<RecordDoc> | undefined) ??
    connection.model<RecordDoc>('Record', recordSchema)
  );
}

/** The `record_history` model on a connection. */
export function historyModel(connection: Connection): Model<RecordHistoryDoc> {
  return (
    (connection.models.RecordHistory as Model<RecordHistoryDoc> | undefined) ??
    connection.model<RecordHistoryDoc>('RecordHistory', historySchema)
  );
}

/** The `counters` model on a connection. */
export function counterModel(connection: Connection): Model<CounterDoc> {
  return (
    (connection.models.Counter as Model<CounterDoc> | undefined) ??
    connection.model<CounterDoc>('Counter', counterSchema)
  );
}
