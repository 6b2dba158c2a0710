import { randomUUID } from 'node:crypto';
import type { FlowEffect, TimelineEntry } from '@formloom/flow';
import type { Connection, Types } from 'mongoose';
import { type RecordDoc, recordModel } from '../records/model.js';
import { now as clockNow } from '../scheduler/clock.js';
import { flowVersion } from './definitions.js';
import type { EffectScope } from './effects.js';
import { runStep, stepsOf } from './outbox-steps.js';
import type { StoredFlow } from './stored.js';

/**
 * Who delivers an outbox entry and until when, and how far it got. Taken and renewed only by a
 * compare-and-set on the record, so at any moment one process holds it: the process that stored the
 * transition holds it from the start, the repair takes it only once it expired.
 */
export interface OutboxDelivery {
  /** A token of the delivering process (random per delivery). */
  owner: string;
  /** The lease's end: past it, the repair may take the entry over. */
  until: Date;
  /** How many of the entry's steps were carried out (a delivery resumes at this step). */
  done: number;
}

/**
 * One transition's effects, stored on the record in the transition's own update (`flowOutbox`) and removed
 * once carried out. Each step of its delivery has a stable key, `<id>:<index>`: documents it writes are
 * keyed by it (or by ids derived from the record, instance and task key), events it sends carry it as their
 * `id`, so a step delivered twice writes nothing twice and a listener can drop the repeated event.
 */
export interface OutboxEntry {
  /** An ObjectId's hex: also the key of the history entry the delivery writes. */
  id: string;
  at: Date;
  /** The flow document and the instance as the transition stored it. */
  flowId: Types.ObjectId;
  flow: StoredFlow;
  /** A new instance: the submitter's started item and the `started` event come first. */
  start: boolean;
  actor: Types.ObjectId | null;
  effects: FlowEffect[];
  /**
   * The record's `flow` history entry this delivery writes (the record's version after the transition and
   * the timeline entries it added); absent when the records write path wrote it with the action's edits.
   */
  history?: { v: number; timeline: TimelineEntry[] };
  delivery: OutboxDelivery;
}

/** How long a delivery's lease lasts from its last step; the repair takes over entries whose lease ended. */
export const OUTBOX_LEASE_MS = 60_000;

/** The entry of a transition that stores `flow`, leased to the process storing it. */
export function outboxEntry(
  id: Types.ObjectId,
  transition: Omit<OutboxEntry, 'id' | 'delivery'>,
): OutboxEntry {
  const delivery = {
    owner: randomUUID(),
    until: new Date(transition.at.getTime() + OUTBOX_LEASE_MS),
    done: 0,
  };
  return { id: id.toHexString(), ...transition, delivery };
}

/** Where an entry's effects land: its record, flow definition and the instance it stored. */
export type OutboxScope = Omit<EffectScope, 'flow' | 'actor' | 'now' | 'flowId'>;

/**
 * Renews `owner`'s lease of the entry and records that `done` steps are carried out, by compare-and-set:
 * false when the entry is gone or another process took it over (then this one must stop).
 */
async function renew(scope: OutboxScope, id: string, owner: string, done: number): Promise<boolean> {
  const until = new Date(clockNow(scope.connection).getTime() + OUTBOX_LEASE_MS);
  const result = await recordModel(scope.connection).collection.updateOne(
    { _id: scope.record, ws: scope.ws, flowOutbox: { $elemMatch: { id, 'delivery.owner': owner } } },
    { $set: { 'flowOutbox.$.delivery': { owner, until, done } } } as never,
  );
  return result.matchedCount === 1;
}

/**
 * Carries out an entry's steps from `from` on as `owner`, renewing the lease before each step, and removes
 * the entry once all are done. Answers false when the lease was lost on the way (a repair took over a
 * delivery it found expired): the steps left are then the repair's, never both processes'.
 */
async function deliver(
  scope: OutboxScope,
  entry: OutboxEntry,
  owner: string,
  from: number,
): Promise<boolean> {
  const full: EffectScope = {
    ...scope,
    flowId: entry.flowId,
    flow: entry.flow,
    actor: entry.actor,
    now: entry.at,
  };
  const steps = stepsOf(entry);
  for (let index = from; index < steps.length; index++) {
    if (!(await renew(scope, entry.id, owner, index))) return false;
    await runStep(full, entry, steps[index] as (typeof steps)[number], `${entry.id}:${index}`);
  }
  const removed = await recordModel(scope.connection).collection.updateOne(
    {
      _id: scope.record,
      ws: scope.ws,
      flowOutbox: { $elemMatch: { id: entry.id, 'delivery.owner': owner } },
    },
    { $pull: { flowOutbox: { id: entry.id } } } as never,
  );
  return removed.matchedCount === 1;
}

/** Where each connection's server reports a delivery that failed after its transition was stored. */
const failureReports = new WeakMap<Connection, (error: unknown, entry: OutboxEntry) => void>();

/** Sets how a server hears of deliveries that failed (the flows plugin logs them). */
export function onDeliveryFailure(
  connection: Connection,
  report: (error: unknown, entry: OutboxEntry) => void,
): void {
  failureReports.set(connection, report);
}

/**
 * Carries out the entry the calling process just stored (it holds the entry's lease from the start). A step
 * that fails does not fail the caller: the transition is stored and is the answer, and the entry stays on
 * the record, leased until a minute after its last step, for the repair to carry on where it stopped.
 */
export async function settleOutbox(scope: OutboxScope, entry: OutboxEntry): Promise<boolean> {
  try {
    return await deliver(scope, entry, entry.delivery.owner, entry.delivery.done);
  } catch (error) {
    failureReports.get(scope.connection)?.(error, entry);
    return false;
  }
}

/** Whether the repair may take an entry over at `now`: its lease ended (or, stored before leases, it is old). */
function expired(entry: OutboxEntry, now: Date): boolean {
  if (!entry.delivery) return entry.at.getTime() < now.getTime() - OUTBOX_LEASE_MS;
  return entry.delivery.until.getTime() < now.getTime();
}

/**
 * Takes an expired entry over by compare-and-set on the lease exactly as it was read: of a slow live process
 * renewing it and repairs on several servers, one wins; the others find it changed and leave it.
 */
async function claim(scope: OutboxScope, entry: OutboxEntry, now: Date): Promise<OutboxDelivery | null> {
  const read = entry.delivery;
  const delivery = {
    owner: randomUUID(),
    until: new Date(now.getTime() + OUTBOX_LEASE_MS),
    done: read?.done ?? 0,
  };
  const held = read
    ? { 'delivery.owner': read.owner, 'delivery.until': read.until, 'delivery.done': read.done }
    : { delivery: { $exists: false } };
  const result = await recordModel(scope.connection).collection.updateOne(
    { _id: scope.record, ws: scope.ws, flowOutbox: { $elemMatch: { id: entry.id, ...held } } },
    { $set: { 'flowOutbox.$.delivery': delivery } } as never,
  );
  return result.matchedCount === 1 ? delivery : null;
}

/**
 * Carries out the entries whose delivery's lease ended by `now` (the process died, or stalled longer than
 * the lease, after storing the record): each taken over by compare-and-set and resumed at the step its last
 * holder reached, at most `limit` records a call, oldest entries first. Answers how many entries it carried
 * out. The server runs it every minute; tests call it.
 */
export async function repairFlowEffects(
  connection: Connection,
  now: Date = clockNow(connection),
  limit = 100,
): Promise<number> {
  const legacy = new Date(now.getTime() - OUTBOX_LEASE_MS);
  const records = await recordModel(connection)
    .collection.find(
      {
        $or: [
          { 'flowOutbox.delivery.until': { $lt: now } },
          { flowOutbox: { $elemMatch: { delivery: { $exists: false }, at: { $lt: legacy } } } },
        ],
      },
      { limit },
    )
    .toArray();
  let settled = 0;
  for (const record of records as unknown as RecordDoc[]) {
    const entries = ((record.flowOutbox ?? []) as OutboxEntry[]).filter((e) => expired(e, now));
    for (const entry of entries.sort((a, b) => a.at.getTime() - b.at.getTime())) {
      const definition = await flowVersion(connection, record.ws, entry.flowId, entry.flow.version);
      const scope = {
        connection,
        ws: record.ws,
        app: record.app,
        form: record.form,
        record: record._id,
        definition,
      };
      const delivery = await claim(scope, entry, now);
      if (!delivery) continue;
      if (await deliver(scope, entry, delivery.owner, delivery.done)) settled += 1;
    }
  }
  return settled;
}
