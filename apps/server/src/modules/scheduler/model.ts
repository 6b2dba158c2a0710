import { type Connection, type Model, Schema, type Types } from 'mongoose';

/** Where a job is in its life. `failed` is the dead-letter state: out of attempts, kept for inspection. */
export type JobStatus = 'pending' | 'running' | 'done' | 'failed';

/**
 * A durable job in the `jobs` collection (ARCHITECTURE.md): due at `runAt`, leased by one instance at a
 * time. Every background job of the server is one of these: recomputes, unique catch-ups, flow deadlines,
 * automation runs, scheduled automations.
 */
export interface JobDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  type: string;
  /** The caller's name for the job (a task id, an automation run): with `type`, what makes it the same job. */
  key: string | null;
  /**
   * `type:key` while the job is pending, absent otherwise. A unique sparse index on it makes scheduling the
   * same job twice a no-op, also when two instances race.
   */
  slot?: string;
  /** JSON text: payloads may hold query operators, which are not valid stored field names. */
  payload: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  leaseUntil: Date | null;
  leaseOwner: string | null;
  lastError: string | null;
  createdAt: Date;
  doneAt: Date | null;
  /** Set by pack imports so an undone import removes its jobs (apps/pack-cleanup). */
  importId?: Types.ObjectId;
}

/** How long finished jobs stay (dead-lettered ones stay until removed). */
export const DONE_JOB_TTL_SECONDS = 7 * 24 * 3600;

const jobSchema = new Schema<JobDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true },
    key: { type: String, default: null },
    slot: { type: String },
    payload: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, required: true },
    maxAttempts: { type: Number, required: true },
    runAt: { type: Date, required: true },
    leaseUntil: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
    importId: { type: Schema.Types.ObjectId },
  },
  { collection: 'jobs', versionKey: false },
);
// The claim: due jobs of the kinds an instance handles, oldest first.
jobSchema.index({ status: 1, runAt: 1 });
jobSchema.index({ slot: 1 }, { unique: true, sparse: true });
jobSchema.index({ ws: 1, type: 1, key: 1 });
// Finished jobs go after a week; pending, running and dead ones have no doneAt and stay.
jobSchema.index({ doneAt: 1 }, { expireAfterSeconds: DONE_JOB_TTL_SECONDS });

/** The `jobs` model on a connection. */
export function jobModel(connection: Connection): Model<JobDoc> {
  return (connection.models.Job as Model<JobDoc> | undefined) ?? connection.model<JobDoc>('Job', jobSchema);
}
