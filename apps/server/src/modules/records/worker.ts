import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Connection, Types } from 'mongoose';
import { loadDirectory, planFor } from '../forms/directory.js';
import { publishRecordChange } from '../realtime/bus.js';
import { computeRecord } from './compute.js';
import { scheduleDependants } from './dependants.js';
import { diffData } from './diff.js';
import {
  claimJob,
  finishJob,
  type JobDoc,
  parseCatchUp,
  parsePayload,
  type RecomputePayload,
} from './jobs.js';
import { historyModel, type RecordDoc, recordModel } from './model.js';
import { catchUpUnique, uniqueUpdate } from './unique.js';

const BATCH = 200;
const CONFLICT_RETRIES = 5;

/**
 * Recomputes the computed fields of the matching records. Idempotent: values are computed from the
 * current data, so running a job twice (a retry after a lost lease) writes nothing the second time.
 */
export async function runRecompute(connection: Connection, payload: RecomputePayload): Promise<number> {
  const directory = await loadDirectory(connection, payload.ws, payload.app);
  const form = directory.byId(payload.form);
  if (!form) return 0;
  const plan = planFor(form, directory);
  const Records = recordModel(connection);
  let changed = 0;
  let after: Types.ObjectId | undefined;
  for (;;) {
    const query: Record<string, unknown> = {
      ...payload.match,
      ws: payload.ws,
      form: form.id,
      deletedAt: null,
    };
    if (after) query.$and = [{ _id: { $gt: after } }];
    const batch = await Records.find(query).sort({ _id: 1 }).limit(BATCH).lean<RecordDoc[]>();
    for (const doc of batch) {
      let current: RecordDoc | null = doc;
      for (let attempt = 0; current && attempt < CONFLICT_RETRIES; attempt++) {
        const now = new Date();
        const data = await computeRecord(
          {
            connection,
            ws: payload.ws,
            forms: directory,
            userId: current.owner.toHexString(),
            ...(current.dept ? { departmentId: current.dept.toHexString() } : {}),
            timeZone: 'UTC',
            now,
          },
          plan,
          current.data,
        );
        const changes = diffData(current.data, data);
        if (changes.length === 0) break;
        // A unique field may be computed: its index entry follows the new value.
        const uniq = uniqueUpdate(form.definition, data);
        const unset = Object.keys(uniq.unset).length > 0 ? { $unset: uniq.unset } : {};
        const updated: RecordDoc | null = await Records.findOneAndUpdate(
          { _id: current._id, ws: payload.ws, v: current.v },
          { $set: { data, ...uniq.set }, ...unset, $inc: { v: 1 } },
          { returnDocument: 'after' },
        ).lean<RecordDoc>();
        if (!updated) {
          // Someone wrote the record meanwhile: recompute from what they wrote.
          current = await Records.findOne({
            _id: current._id,
            ws: payload.ws,
            deletedAt: null,
          }).lean<RecordDoc>();
          continue;
        }
        changed += 1;
        await historyModel(connection).create({
          ws: payload.ws,
          form: form.id,
          record: current._id,
          v: updated.v,
          action: 'recompute',
          by: null,
          at: now,
          changes,
        });
        await scheduleDependants(
          { connection, ws: payload.ws, directory, form, depth: payload.depth },
          current._id,
          current.data,
          data,
        );
        // Subscribers see recomputed rollups and lookups as they see any other update.
        publishRecordChange(connection, {
          type: 'updated',
          ws: payload.ws,
          form: form.id,
          id: updated._id,
          v: updated.v,
        });
        break;
      }
    }
    if (batch.length < BATCH) break;
    after = batch.at(-1)?._id;
  }
  return changed;
}

async function runJob(connection: Connection, job: JobDoc, log: FastifyBaseLogger): Promise<void> {
  if (job.type === 'uniqueCatchUp') {
    const result = await catchUpUnique(connection, parseCatchUp(job.payload));
    if (result.unenforced > 0) {
      log.warn(
        { form: result.form, records: result.unenforced },
        'records written under an earlier form definition repeat a unique value; they stay unenforced until edited',
      );
    }
    return;
  }
  await runRecompute(connection, parsePayload(job.payload));
}

/** A running worker; `stop` waits for the job in hand. */
export interface Worker {
  stop(): Promise<void>;
  /** Runs due jobs until none is left (tests and shutdown use it). */
  drain(): Promise<void>;
}

/**
 * Starts the lease-based job worker: every `intervalMs` it claims due jobs one by one and runs them.
 * Several server instances can run workers on the same store; a lease keeps each job on one of them.
 */
export function startWorker(connection: Connection, log: FastifyBaseLogger, intervalMs = 200): Worker {
  const owner = randomUUID();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const drain = async () => {
    for (;;) {
      if (stopped) return;
      const job = await claimJob(connection, { owner });
      if (!job) return;
      try {
        await runJob(connection, job, log);
        await finishJob(connection, job);
      } catch (error) {
        log.warn({ err: error, job: job._id.toHexString() }, 'recompute job failed');
        await finishJob(connection, job, error);
      }
    }
  };
  const tick = () => {
    if (stopped) return;
    running = drain()
      .catch((error: unknown) => {
        // The store may be briefly unavailable; the next tick tries again.
        if (!stopped) log.warn({ err: error }, 'job worker poll failed');
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  let timer: NodeJS.Timeout = setTimeout(tick, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    drain: () => drain(),
  };
}
