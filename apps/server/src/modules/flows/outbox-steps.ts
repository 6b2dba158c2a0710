import type { FlowEffect } from '@formloom/flow';
import { Types } from 'mongoose';
import { historyModel } from '../records/model.js';
import { announceTasks, applyEffect, type EffectScope, recordStart } from './effects.js';
import { emitFlowEvent } from './events.js';
import type { OutboxEntry } from './outbox.js';

/**
 * One step of an outbox entry's delivery, in order: the record's `flow` history entry, for a new instance the
 * submitter's started item and the `started` event, each of the engine's effects, and last the task
 * notices to the members concerned. A step's index in this list (with the entry's id) is its stable key.
 */
export type OutboxStep =
  | { kind: 'history' }
  | { kind: 'startItem' }
  | { kind: 'started' }
  | { kind: 'effect'; effect: FlowEffect }
  | { kind: 'announce' };

const DUPLICATE_KEY = 11000;

/** The steps of an entry (the same list every time it is read: its delivery resumes by index). */
export function stepsOf(entry: OutboxEntry): OutboxStep[] {
  return [
    ...(entry.history ? [{ kind: 'history' as const }] : []),
    ...(entry.start ? [{ kind: 'startItem' as const }, { kind: 'started' as const }] : []),
    ...entry.effects.map((effect) => ({ kind: 'effect' as const, effect })),
    { kind: 'announce' },
  ];
}

/**
 * The history entry of the transition, keyed by the entry's id (a unique index): a second delivery finds
 * the first. Its `_id` is fresh, so it sorts after the `create` entry of the same version.
 */
async function writeHistory(scope: EffectScope, entry: OutboxEntry): Promise<void> {
  if (!entry.history) return;
  try {
    await historyModel(scope.connection).collection.insertOne({
      _id: new Types.ObjectId(),
      ws: scope.ws,
      form: scope.form,
      record: scope.record,
      v: entry.history.v,
      action: 'flow',
      by: entry.actor,
      at: entry.at,
      changes: [],
      flow: entry.history.timeline,
      outbox: entry.id,
    });
  } catch (error) {
    if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
  }
}

/** Carries out one step under its key `<entry id>:<index>`. */
export async function runStep(
  scope: EffectScope,
  entry: OutboxEntry,
  step: OutboxStep,
  key: string,
): Promise<void> {
  switch (step.kind) {
    case 'history':
      return writeHistory(scope, entry);
    case 'startItem':
      return recordStart(scope);
    case 'started':
      return emitFlowEvent(scope.connection, 'started', {
        id: key,
        ws: scope.ws.toHexString(),
        app: scope.app.toHexString(),
        form: scope.form.toHexString(),
        record: scope.record.toHexString(),
        flow: scope.flowId.toHexString(),
        key: entry.flow.key,
        version: entry.flow.version,
        instance: entry.flow.id,
        submitter: entry.flow.submitter,
        at: entry.at.toISOString(),
      });
    case 'effect':
      return applyEffect(scope, step.effect, key);
    case 'announce':
      return announceTasks(scope, entry.effects, key);
  }
}
