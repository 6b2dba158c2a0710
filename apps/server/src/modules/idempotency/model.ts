import { type Connection, type Model, Schema } from 'mongoose';

/**
 * One `Idempotency-Key` a caller used: the request it stood for (a fingerprint) and, once answered, the
 * answer to give again. `_id` is a digest of the caller, the route and the key, so two racing requests
 * with one key meet on the primary key and exactly one of them runs.
 */
export interface IdempotencyDoc {
  _id: string;
  fingerprint: string;
  state: 'running' | 'done';
  /** Who runs it now (an instance and request): a crashed run is taken over once `leaseUntil` passed. */
  owner: string;
  leaseUntil: Date;
  status: number | null;
  contentType: string | null;
  body: string | null;
  createdAt: Date;
  expiresAt: Date;
}

const schema = new Schema<IdempotencyDoc>(
  {
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true },
    owner: { type: String, required: true },
    leaseUntil: { type: Date, required: true },
    status: { type: Number, default: null },
    contentType: { type: String, default: null },
    body: { type: String, default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false },
);
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** The `idempotency_keys` model on a connection. */
export function idempotencyModel(connection: Connection): Model<IdempotencyDoc> {
  return (
    (connection.models.IdempotencyKey as Model<IdempotencyDoc> | undefined) ??
    connection.model<IdempotencyDoc>('IdempotencyKey', schema)
  );
}
