import type { FlowEffect } from '@formloom/flow';
import type { Connection, Types } from 'mongoose';
import { type RecordDoc, recordModel } from '../records/model.js';
import { flowVersion } from './definitions.js';
import { applyEffects, type EffectScope, recordStart } from './effects.js';
import { emitFlowEvent } from './events.js';
import type { StoredFlow } from './stored.js';

/**
 * One transition's effects, stored on the record in the transition's own update (`flowOutbox`) and removed
 * once carried out. Should the process die between the two, {@link repairFlowEffects} finds the entry and
 * carries it out: effects are idempotent (task ids derive from the record, instance and task key; jobs are
 * keyed), so an entry carried out twice opens nothing twice.
 */
export interface OutboxEntry {
  id: string;
  at: Date;
  /** The flow document and the instance as the transition stored it. */
  flowId: Types.ObjectId;
  flow: StoredFlow;
  /** A new instance: the submitter's started item and the `started` event come first. */
  start: boolean;
  actor: Types.ObjectId | null;
  effects: FlowEffect[];
}

/** How long an entry may wait before the repair takes it as abandoned. */
export const OUTBOX_GRACE_MS = 60_000;

/** The entry of a transition that stores `flow` (its `_id` on the record). */
export function outboxEntry(id: Types.ObjectId, transition: Omit<OutboxEntry, 'id'>): OutboxEntry {
  return { id: id.toHexString(), ...transition };
}

/** Where an entry's effects land: its record, flow definition and the instance it stored. */
export type OutboxScope = Omit<EffectScope, 'flow' | 'actor' | 'now' | 'flowId'>;

/** Carries out an entry's effects, then removes it from its record. */
export async function settleOutbox(scope: OutboxScope, entry: OutboxEntry): Promise<void> {
  const full: EffectScope = {
    ...scope,
    flowId: entry.flowId,
    flow: entry.flow,
    actor: entry.actor,
    now: entry.at,
  };
  if (entry.start) {
    await recordStart(full);
    await emitFlowEvent(scope.connection, 'started', {
      ws: scope.ws.toHexString(),
      app: scope.app.toHexString(),
      form: scope.form.toHexString(),
      record: scope.record.toHexString(),
      flow: entry.flowId.toHexString(),
      key: entry.flow.key,
      version: entry.flow.version,
      instance: entry.flow.id,
      submitter: entry.flow.submitter,
      at: entry.at.toISOString(),
    });
  }
  await applyEffects(full, entry.effects);
  await recordModel(scope.connection).collection.updateOne({ _id: scope.record, ws: scope.ws }, {
    $pull: { flowOutbox: { id: entry.id } },
  } as never);
}

/**
 * Carries out the entries older than `before` that their transitions never finished (the process died after
 * storing the record): at most `limit` records a call, oldest entries first. Answers how many entries it
 * carried out. The server runs it every minute; tests call it.
 */
export async function repairFlowEffects(connection: Connection, before: Date, limit = 100): Promise<number> {
  const records = await recordModel(connection)
    .collection.find({ 'flowOutbox.at': { $lt: before } }, { limit })
    .toArray();
  let settled = 0;
  for (const record of records as unknown as RecordDoc[]) {
    const entries = ((record.flowOutbox ?? []) as OutboxEntry[]).filter((e) => e.at < before);
    for (const entry of entries.sort((a, b) => a.at.getTime() - b.at.getTime())) {
      const definition = await flowVersion(connection, record.ws, entry.flowId, entry.flow.version);
      const scope = { connection, ws: record.ws, app: record.app, form: record.form, record: record._id };
      await settleOutbox({ ...scope, definition }, entry);
      settled += 1;
    }
  }
  return settled;
}
