import type { Connection, Types } from 'mongoose';
import { now } from './clock.js';
import { type JobDoc, jobModel } from './model.js';

/** What to run, when. */
export interface JobSpec {
  /** The handler's name (see {@link Scheduler.register}). */
  type: string;
  ws: Types.ObjectId;
  /**
   * Names the job: while a job of this type and key is pending, scheduling it again changes nothing
   * (or, with `replace`, moves the pending one). Without a key every call adds a job.
   */
  key?: string;
  /** When it becomes due; defaults to now on the connection's clock. */
  runAt?: Date;
  /** Plain JSON data handed to the handler. */
  payload?: unknown;
  /** Attempts before the job is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Move a pending job of the same key to this `runAt` and payload instead of keeping it. */
  replace?: boolean;
}

/** Default number of attempts of a job. */
export const DEFAULT_MAX_ATTEMPTS = 5;

const DUPLICATE_KEY = 11000;

function slotOf(type: string, key: string): string {
  return `${type}:${key}`;
}

/**
 * Stores a job. Answers whether a new job was added (false when a pending job of the same type and key
 * already covers it; with `replace` that job now has the new due time and payload). Safe under races:
 * of instances scheduling one key at once, one adds it.
 */
export async function scheduleJob(connection: Connection, spec: JobSpec): Promise<boolean> {
  const Jobs = jobModel(connection);
  const runAt = spec.runAt ?? now(connection);
  const payload = JSON.stringify(spec.payload ?? null);
  const doc = {
    ws: spec.ws,
    type: spec.type,
    key: spec.key ?? null,
    payload,
    status: 'pending' as const,
    attempts: 0,
    maxAttempts: spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    runAt,
    leaseUntil: null,
    leaseOwner: null,
    lastError: null,
    createdAt: now(connection),
    doneAt: null,
  };
  if (spec.key === undefined) {
    await Jobs.collection.insertOne(doc);
    return true;
  }
  const slot = slotOf(spec.type, spec.key);
  try {
    const result = await Jobs.collection.updateOne({ slot }, { $setOnInsert: doc }, { upsert: true });
    if (result.upsertedCount === 1) return true;
  } catch (error) {
    // Another instance inserted the same slot between our read and write: it is scheduled.
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
  }
  if (spec.replace) {
    await Jobs.collection.updateOne({ slot, status: 'pending' }, { $set: { runAt, payload } });
  }
  return false;
}

/** Removes a pending job of this type and key. Answers whether one was removed. */
export async function cancelJob(connection: Connection, type: string, key: string): Promise<boolean> {
  const result = await jobModel(connection).collection.deleteOne({
    slot: slotOf(type, key),
    status: 'pending',
  });
  return result.deletedCount === 1;
}

/**
 * Takes the next due job of the given types with one atomic update: a pending one, or a running one
 * whose lease expired (its instance died). Taking it frees its slot, so the same job may be scheduled
 * again while this run is under way (a recompute asked for meanwhile must not be lost).
 */
export async function claimJob(
  connection: Connection,
  types: readonly string[],
  owner: string,
  leaseMs: number,
): Promise<JobDoc | null> {
  const at = now(connection);
  return jobModel(connection).collection.findOneAndUpdate(
    {
      type: { $in: [...types] },
      $or: [
        { status: 'pending', runAt: { $lte: at } },
        { status: 'running', leaseUntil: { $lt: at } },
      ],
    },
    {
      $set: { status: 'running', leaseOwner: owner, leaseUntil: new Date(at.getTime() + leaseMs) },
      $unset: { slot: '' },
      $inc: { attempts: 1 },
    },
    { sort: { runAt: 1 }, returnDocument: 'after' },
  ) as Promise<JobDoc | null>;
}

/** Marks a job this owner holds as done. */
export async function completeJob(connection: Connection, job: JobDoc): Promise<void> {
  await jobModel(connection).collection.updateOne(
    { _id: job._id, leaseOwner: job.leaseOwner, status: 'running' },
    { $set: { status: 'done', doneAt: now(connection), leaseUntil: null } },
  );
}

/**
 * Records a failed attempt: due again after `retryInMs`, or dead-lettered (`failed`) when the job is out
 * of attempts or `permanent`.
 */
export async function failJob(
  connection: Connection,
  job: JobDoc,
  message: string,
  retryInMs: number,
  permanent: boolean,
): Promise<'retry' | 'failed'> {
  const dead = permanent || job.attempts >= (job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  await jobModel(connection).collection.updateOne(
    { _id: job._id, leaseOwner: job.leaseOwner, status: 'running' },
    {
      $set: {
        status: dead ? 'failed' : 'pending',
        lastError: message.slice(0, 1000),
        leaseUntil: null,
        runAt: new Date(now(connection).getTime() + (dead ? 0 : retryInMs)),
      },
    },
  );
  return dead ? 'failed' : 'retry';
}
