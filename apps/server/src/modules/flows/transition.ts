import {
  type FlowEffect,
  type FlowEvent,
  type FlowInstance,
  type FlowProgram,
  type StepResult,
  step,
  type TimelineEntry,
} from '@formloom/flow';
import type { Flow } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import type { AppRoleDefinition } from '../../lib/access/index.js';
import { appError } from '../../lib/errors.js';
import { publishRecordChange } from '../realtime/bus.js';
import type { FormTarget } from '../records/context.js';
import { loadFormScope } from '../records/form-cache.js';
import { type RecordDoc, recordModel } from '../records/model.js';
import type { LoadedForm } from '../records/plan.js';
import { isStaleRecord, updateRecord } from '../records/write.js';
import { now as clockNow } from '../scheduler/clock.js';
import { resolveMembers } from '../workspaces/assignees.js';
import { flowVersion, type PublishedFlow, programOf } from './definitions.js';
import { toAppError } from './errors.js';
import { type OutboxEntry, outboxEntry, settleOutbox } from './outbox.js';
import { type FlowStateView, flowStateView, isStoredFlow, type StoredFlow } from './stored.js';

/** A record with everything a transition of its flow needs, read once per attempt. */
export interface LoadedRecord {
  record: RecordDoc;
  form: LoadedForm;
  roles: readonly AppRoleDefinition[];
  /** The record's instance and the flow version it is pinned to; null when it has none. */
  stored: StoredFlow | null;
  flow: { id: Types.ObjectId; definition: Flow; program: FlowProgram } | null;
}

/** What one transition does, computed from the record as it is now (again on every retry). */
export interface TransitionPlan {
  /** Events applied one after another to the instance (or to a new one, with `start`). */
  events: FlowEvent[];
  /** Starts a new instance of this published flow instead of changing the record's. */
  start?: PublishedFlow;
  /** Data edits made with the action, written through the records write path in the same update. */
  edits?: {
    target: FormTarget;
    patch: Record<string, unknown>;
    forbiddenWrites: (patch: Record<string, unknown>) => string[];
  };
}

/** The outcome of a transition: the record after it and its flow. */
export interface TransitionResult {
  record: RecordDoc;
  flow: StoredFlow;
  view: FlowStateView;
}

/** How often a transition is tried again after losing its version race (each try re-reads the record). */
const MAX_ATTEMPTS = 20;

/** Reads a live record of the workspace with its form, roles and pinned flow version (404 otherwise). */
export async function loadRecord(
  connection: Connection,
  ws: Types.ObjectId,
  recordId: Types.ObjectId,
): Promise<LoadedRecord> {
  const record = await recordModel(connection)
    .findOne({ _id: recordId, ws, deletedAt: null })
    .lean<RecordDoc>();
  if (!record) throw appError('NOT_FOUND', 'record.notFound');
  const { app, directory } = await loadFormScope(connection, ws, record.form);
  const form = directory.byId(record.form);
  if (!form) throw appError('NOT_FOUND', 'form.notFound');
  const stored = isStoredFlow(record.flow) ? record.flow : null;
  let flow: LoadedRecord['flow'] = null;
  if (stored) {
    const id = new Types.ObjectId(stored.flow);
    const definition = await flowVersion(connection, ws, id, stored.version);
    flow = { id, definition, program: programOf(id, stored.version, definition, form) };
  }
  return { record, form, roles: app.roles ?? [], stored, flow };
}

/**
 * Applies one event and answers every assignee request it raises (resolved against the workspace), with
 * `data` — the record's values after the action — for the conditions it passes.
 */
export async function runEvent(
  connection: Connection,
  loaded: LoadedRecord,
  program: FlowProgram,
  instance: FlowInstance | null,
  event: FlowEvent,
  data: Record<string, unknown>,
  at: Date,
): Promise<StepResult> {
  let result = step(program, instance, { ...event, data } as FlowEvent, at);
  const effects: FlowEffect[] = [...result.effects];
  for (let guard = 0; result.instance.requests.length > 0; guard++) {
    if (guard > 100) throw new Error('flow assignee requests never settled');
    const request = result.instance.requests[0] as FlowInstance['requests'][number];
    const users = await resolveMembers(connection, loaded.record.ws, request.assignees, {
      data,
      submitter: result.instance.submitter,
      managingRoles: loaded.roles.filter((r) => r.manageApp === true).map((r) => r.key),
    });
    result = step(
      program,
      result.instance,
      { type: 'assigneesResolved', request: request.key, users, data },
      at,
    );
    effects.push(...result.effects);
  }
  return { instance: result.instance, effects: effects.filter((e) => e.type !== 'resolveAssignees') };
}

/** The instance as stored: the lock follows the `lock` effect, the flow key rides along. */
export function toStored(
  instance: FlowInstance,
  key: string,
  previous: StoredFlow | null,
  effects: FlowEffect[],
): StoredFlow {
  const lock = effects.find((e) => e.type === 'lock');
  const same = previous !== null && previous.id === instance.id;
  return {
    ...instance,
    key,
    locked: lock ? true : same ? previous.locked === true : false,
    openFields: lock && lock.type === 'lock' ? [...lock.openFields] : same ? (previous.openFields ?? []) : [],
  };
}

/**
 * Runs one flow transition on a record as ONE version-guarded update (`findOneAndUpdate({ _id, v })`, through
 * the records write path when the action edits data): the instance, any edits and the transition's effects
 * (an outbox entry, flows/outbox.ts) change together or not at all. A transition that loses the race against another write of the record is computed again on the record
 * as it is now — so of two approvals of one task the second finds it closed (409), and two countersigners
 * approving at once both count, once each. Its effects (tasks, notices, jobs, history, events) follow the
 * stored change, delivered from the outbox entry (flows/outbox.ts: leased, resumable, each step keyed).
 */
export async function transition(
  connection: Connection,
  ws: Types.ObjectId,
  recordId: Types.ObjectId,
  actor: Types.ObjectId | null,
  plan: (loaded: LoadedRecord) => Promise<TransitionPlan> | TransitionPlan,
): Promise<TransitionResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const loaded = await loadRecord(connection, ws, recordId);
    const { record } = loaded;
    const p = await plan(loaded);
    const flow = p.start
      ? {
          id: p.start.id,
          definition: p.start.definition,
          program: programOf(p.start.id, p.start.version, p.start.definition, loaded.form),
          key: p.start.key,
        }
      : loaded.flow
        ? { ...loaded.flow, key: loaded.stored?.key ?? '' }
        : null;
    if (!flow) throw appError('CONFLICT', 'flow.none');
    const base = p.start ? null : loaded.stored;
    const at = clockNow(connection);
    let computed: { stored: StoredFlow; effects: FlowEffect[]; entry: OutboxEntry } | undefined;
    const compute = async (data: Record<string, unknown>) => {
      let instance: FlowInstance | null = base;
      const effects: FlowEffect[] = [];
      for (const event of p.events) {
        const result = await runEvent(connection, loaded, flow.program, instance, event, data, at);
        instance = result.instance;
        effects.push(...result.effects);
      }
      if (!instance) throw new Error('a transition without events');
      const stored = toStored(instance, flow.key, loaded.stored, effects);
      const entry = outboxEntry(new Types.ObjectId(), {
        at,
        flowId: flow.id,
        flow: stored,
        start: p.start !== undefined,
        actor,
        effects,
      });
      computed = { stored, effects, entry };
      return computed;
    };
    const added = (stored: StoredFlow): TimelineEntry[] => stored.timeline.slice(base?.timeline.length ?? 0);
    let after: RecordDoc | null;
    try {
      if (p.edits) {
        const history: { action: 'flow'; flow?: unknown } = { action: 'flow' };
        await updateRecord(
          p.edits.target,
          record._id,
          { data: p.edits.patch, v: record.v },
          {
            current: record,
            forbiddenWrites: p.edits.forbiddenWrites,
            extend: async (data) => {
              const { stored, entry } = await compute(data);
              history.flow = added(stored);
              return { flow: stored, flowOutbox: [...(record.flowOutbox ?? []), entry] };
            },
            history,
          },
        );
        after = await recordModel(connection).findOne({ _id: record._id, ws }).lean<RecordDoc>();
      } else {
        const { stored, entry } = await compute(record.data);
        // The history entry is the delivery's first step (keyed by the entry), so a repair writes it too.
        entry.history = { v: record.v + 1, timeline: added(stored) };
        after = (await recordModel(connection).collection.findOneAndUpdate(
          { _id: record._id, ws, v: record.v, deletedAt: null },
          { $set: { flow: stored }, $push: { flowOutbox: entry }, $inc: { v: 1 } } as never,
          { returnDocument: 'after' },
        )) as RecordDoc | null;
        if (!after) continue;
        publishRecordChange(connection, {
          type: 'updated',
          ws,
          form: record.form,
          id: record._id,
          v: after.v,
        });
      }
    } catch (error) {
      if (isStaleRecord(error)) continue;
      throw toAppError(error);
    }
    if (!after || !computed) throw appError('NOT_FOUND', 'record.notFound');
    const scope = { connection, ws, app: record.app, form: record.form, record: record._id };
    await settleOutbox({ ...scope, definition: flow.definition }, computed.entry);
    return { record: after, flow: computed.stored, view: flowStateView(record._id, computed.stored) };
  }
  throw appError('CONFLICT', 'flow.keptChanging');
}
