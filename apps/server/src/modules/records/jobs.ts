import { type Connection, Types } from 'mongoose';
import { scheduleJob } from '../scheduler/jobs.js';

/** Job types the records module runs on the scheduler (routes.ts registers their handlers). */
export const RECOMPUTE_JOB = 'recompute';
export const UNIQUE_CATCH_UP_JOB = 'uniqueCatchUp';

/** Recompute the computed fields of the records of `form` matching `match` (a query over record paths). */
export interface RecomputePayload {
  ws: Types.ObjectId;
  app: Types.ObjectId;
  form: Types.ObjectId;
  match: Record<string, unknown>;
  depth: number;
}

/** A recompute payload as stored (JSON: ids as hex text). */
interface StoredRecompute {
  ws: string;
  app: string;
  form: string;
  match: Record<string, unknown>;
  depth: number;
}

function stored(payload: RecomputePayload): StoredRecompute {
  return {
    ws: payload.ws.toHexString(),
    app: payload.app.toHexString(),
    form: payload.form.toHexString(),
    match: payload.match,
    depth: payload.depth,
  };
}

/** Reads a stored payload back (ids as ObjectIds). */
export function parsePayload(raw: unknown): RecomputePayload {
  const p = raw as StoredRecompute;
  return {
    ws: new Types.ObjectId(p.ws),
    app: new Types.ObjectId(p.app),
    form: new Types.ObjectId(p.form),
    match: p.match,
    depth: p.depth,
  };
}

/** Cross-form chains longer than this stop (a cycle of rollups across forms would otherwise never settle). */
export const MAX_RECOMPUTE_DEPTH = 8;

/**
 * Queues a recompute job. A pending job for the same records already covers it (recomputing is
 * idempotent: it computes from the current data), so none is added then; one already running does not,
 * since it may have read the records before this change.
 */
export async function enqueueRecompute(connection: Connection, payload: RecomputePayload): Promise<void> {
  if (payload.depth > MAX_RECOMPUTE_DEPTH) return;
  await scheduleJob(connection, {
    type: RECOMPUTE_JOB,
    ws: payload.ws,
    key: JSON.stringify(stored({ ...payload, depth: 0 })),
    payload: stored(payload),
  });
}

/** Catch up the unique-field entries of `form`'s records written since `since` (see unique.ts). */
export interface UniqueCatchUpPayload {
  ws: Types.ObjectId;
  form: Types.ObjectId;
  since: Date;
}

/** Reads a catch-up payload back. */
export function parseCatchUp(raw: unknown): UniqueCatchUpPayload {
  const p = raw as { ws: string; form: string; since: string };
  return { ws: new Types.ObjectId(p.ws), form: new Types.ObjectId(p.form), since: new Date(p.since) };
}

/** Queues a unique catch-up to run at `runAt`. */
export async function enqueueUniqueCatchUp(
  connection: Connection,
  payload: UniqueCatchUpPayload,
  runAt: Date,
): Promise<void> {
  await scheduleJob(connection, {
    type: UNIQUE_CATCH_UP_JOB,
    ws: payload.ws,
    runAt,
    payload: {
      ws: payload.ws.toHexString(),
      form: payload.form.toHexString(),
      since: payload.since.toISOString(),
    },
  });
}
