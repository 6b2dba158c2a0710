import type { FastifyBaseLogger } from 'fastify';
import type { Connection, Types } from 'mongoose';
import { loadDirectory, planFor } from '../forms/directory.js';
import { publishRecordChange } from '../realtime/bus.js';
import { now as clockNow } from '../scheduler/clock.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { computeRecord } from './compute.js';
import { scheduleDependants } from './dependants.js';
import { diffData } from './diff.js';
import {
  parseCatchUp,
  parsePayload,
  RECOMPUTE_JOB,
  type RecomputePayload,
  UNIQUE_CATCH_UP_JOB,
} from './jobs.js';
import { historyModel, type RecordDoc, recordModel } from './model.js';
import { catchUpUnique, uniqueUpdate } from './unique.js';

const BATCH = 200;
const CONFLICT_RETRIES = 5;

/**
 * Recomputes the computed fields of the matching records. Idempotent: values are computed from the
 * current data, so running a job twice (a retry after a lost lease) writes nothing the second time.
 */
export async function runRecompute(
  connection: Connection,
  payload: RecomputePayload,
  options: { now?: Date } = {},
): Promise<number> {
  const directory = await loadDirectory(connection, payload.ws, payload.app);
  const form = directory.byId(payload.form);
  if (!form) return 0;
  const plan = planFor(form, directory);
  const Records = recordModel(connection);
  let changed = 0;
  let after: Types.ObjectId | undefined;
  const base: Record<string, unknown> = {
    ...payload.match,
    ws: payload.ws,
    form: form.id,
    deletedAt: null,
  };
  for (;;) {
    // The match may carry its own `$and`: page on top of it rather than over it.
    const query = after ? { $and: [base, { _id: { $gt: after } }] } : base;
    const batch = await Records.find(query).sort({ _id: 1 }).limit(BATCH).lean<RecordDoc[]>();
    // Records of one batch share answers of identical reads (a department's members, the same rollup).
    const memo = new Map<string, Promise<unknown>>();
    for (const doc of batch) {
      let current: RecordDoc | null = doc;
      for (let attempt = 0; current && attempt < CONFLICT_RETRIES; attempt++) {
        // TODAY() and NOW() read the given time, else the store's clock (a test's controllable one).
        const now = options.now ?? clockNow(connection);
        const data = await computeRecord(
          {
            memo,
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

/**
 * Registers the records module's jobs on the scheduler: recomputes, and unique catch-ups after a publish
 * (unique.ts). Recomputes are idempotent (computed from current data), so a run repeated after a lost lease
 * writes nothing the second time.
 */
export function registerRecordJobs(
  scheduler: Scheduler,
  connection: Connection,
  log: FastifyBaseLogger,
): void {
  scheduler.register(RECOMPUTE_JOB, async (run) => {
    await runRecompute(connection, parsePayload(run.payload));
  });
  scheduler.register(UNIQUE_CATCH_UP_JOB, async (run) => {
    const result = await catchUpUnique(connection, parseCatchUp(run.payload));
    if (result.unenforced > 0) {
      log.warn(
        { form: result.form, records: result.unenforced },
        'records written under an earlier form definition repeat a unique value; they stay unenforced until edited',
      );
    }
  });
}
