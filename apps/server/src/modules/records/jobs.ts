import { randomUUID } from 'node:crypto';
import { type Connection, type Model, Schema, Types } from 'mongoose';

/**
 * What the records worker runs: `recompute` (computed fields of matching records) and `uniqueCatchUp`
 * (unique-field entries of records written under a form's earlier definition, see unique.ts).
 */
export type JobType = 'recompute' | 'uniqueCatchUp';
const JOB_TYPES: JobType[] = ['recompute', 'uniqueCatchUp'];

/** A durable background job (ARCHITECTURE.md: `jobs`), leased by one worker at a time. */
export interface JobDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  type: JobType;
  /** Same payload, same key: a pending job is not queued twice. */
  dedupe: string;
  payload: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  runAt: Date;
  leaseUntil: Date | null;
  leaseOwner: string | null;
  lastError: string | null;
  createdAt: Date;
  doneAt: Date | null;
}

const jobSchema = new Schema<JobDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true },
    dedupe: { type: String, required: true },
    payload: { type: String, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, required: true },
    runAt: { type: Date, required: true },
    leaseUntil: { type: Date, default: null },
    leaseOwner: { type: String, default: null },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
    doneAt: { type: Date, default: null },
  },
  { collection: 'jobs', versionKey: false },
);
jobSchema.index({ type: 1, status: 1, runAt: 1 });
jobSchema.index({ ws: 1, dedupe: 1, status: 1 });

/** The `jobs` model on a connection. */
export function jobModel(connection: Connection): Model<JobDoc> {
  // A model name of its own: other modules (the scheduler) may keep their own model over `jobs`.
  return (
    (connection.models.RecomputeJob as Model<JobDoc> | undefined) ??
    connection.model<JobDoc>('RecomputeJob', jobSchema)
  );
}

/** Recompute the computed fields of the records of `form` matching `match` (a query over record paths). */
export interface RecomputePayload {
  ws: Types.ObjectId;
  app: Types.ObjectId;
  form: Types.ObjectId;
  match: Record<string, unknown>;
  depth: number;
}

/** Stored as JSON text: `match` holds query operators, which are not valid stored field names. */
function serialise(payload: RecomputePayload): string {
  return JSON.stringify({
    ws: payload.ws.toHexString(),
    app: payload.app.toHexString(),
    form: payload.form.toHexString(),
    match: payload.match,
    depth: payload.depth,
  });
}

/** Reads a payload back (ids as ObjectIds). */
export function parsePayload(text: string): RecomputePayload {
  const raw = JSON.parse(text) as {
    ws: string;
    app: string;
    form: string;
    match: Record<string, unknown>;
    depth: number;
  };
  return {
    ws: new Types.ObjectId(raw.ws),
    app: new Types.ObjectId(raw.app),
    form: new Types.ObjectId(raw.form),
    match: raw.match,
    depth: raw.depth,
  };
}

/** Cross-form chains longer than this stop (a cycle of rollups across forms would otherwise never settle). */
export const MAX_RECOMPUTE_DEPTH = 8;

/**
 * Queues a recompute job. A pending job with the same payload already covers it (recomputing is
 * idempotent: it computes from the current data), so none is added then.
 */
export async function enqueueRecompute(connection: Connection, payload: RecomputePayload): Promise<void> {
  if (payload.depth > MAX_RECOMPUTE_DEPTH) return;
  const text = serialise({ ...payload, depth: 0 });
  await jobModel(connection).updateOne(
    { ws: payload.ws, dedupe: text, status: 'pending' },
    { $setOnInsert: newJob('recompute', payload.ws, text, serialise(payload), new Date()) },
    { upsert: true },
  );
}

/** A pending job as first stored. */
function newJob(type: JobType, ws: Types.ObjectId, dedupe: string, payload: string, runAt: Date) {
  return {
    ws,
    type,
    dedupe,
    payload,
    status: 'pending' as const,
    attempts: 0,
    runAt,
    leaseUntil: null,
    leaseOwner: null,
    lastError: null,
    createdAt: new Date(),
    doneAt: null,
  };
}

/** Catch up the unique-field entries of `form`'s records written since `since` (see unique.ts). */
export interface UniqueCatchUpPayload {
  ws: Types.ObjectId;
  form: Types.ObjectId;
  since: Date;
}

/** Reads a catch-up payload back. */
export function parseCatchUp(text: string): UniqueCatchUpPayload {
  const raw = JSON.parse(text) as { ws: string; form: string; since: string };
  return { ws: new Types.ObjectId(raw.ws), form: new Types.ObjectId(raw.form), since: new Date(raw.since) };
}

/** Queues a unique catch-up to run at `runAt`. */
export async function enqueueUniqueCatchUp(
  connection: Connection,
  payload: UniqueCatchUpPayload,
  runAt: Date,
): Promise<void> {
  const text = JSON.stringify({
    ws: payload.ws.toHexString(),
    form: payload.form.toHexString(),
    since: payload.since.toISOString(),
  });
  await jobModel(connection).create(newJob('uniqueCatchUp', payload.ws, text, text, runAt));
}

/** Options of {@link claimJob}. */
export interface LeaseOptions {
  owner?: string;
  leaseMs?: number;
}

/**
 * Takes the next due job with one atomic update: a pending one, or a running one whose lease expired
 * (its worker died). Returns null when nothing is due.
 */
export async function claimJob(connection: Connection, options: LeaseOptions = {}): Promise<JobDoc | null> {
  const now = new Date();
  const owner = options.owner ?? randomUUID();
  return jobModel(connection)
    .findOneAndUpdate(
      {
        // Only this worker's kinds of job: other modules may share the collection.
        type: { $in: JOB_TYPES },
        $or: [
          { status: 'pending', runAt: { $lte: now } },
          { status: 'running', leaseUntil: { $lt: now } },
        ],
      },
      {
        $set: {
          status: 'running',
          leaseOwner: owner,
          leaseUntil: new Date(now.getTime() + (options.leaseMs ?? 30_000)),
        },
        $inc: { attempts: 1 },
      },
      { sort: { runAt: 1 }, returnDocument: 'after' },
    )
    .lean<JobDoc>();
}

/** Marks a job done, or schedules a retry with exponential backoff (failed for good after 5 attempts). */
export async function finishJob(connection: Connection, job: JobDoc, error?: unknown): Promise<void> {
  const Jobs = jobModel(connection);
  const owned = { _id: job._id, leaseOwner: job.leaseOwner };
  if (!error) {
    await Jobs.updateOne(owned, { $set: { status: 'done', doneAt: new Date(), leaseUntil: null } });
    return;
  }
  const message = error instanceof Error ? error.message.slice(0, 500) : String(error);
  const failed = job.attempts >= 5;
  await Jobs.updateOne(owned, {
    $set: {
      status: failed ? 'failed' : 'pending',
      lastError: message,
      leaseUntil: null,
      runAt: new Date(Date.now() + 500 * 2 ** job.attempts),
    },
  });
}
