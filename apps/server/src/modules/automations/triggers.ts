import { isDeepStrictEqual } from 'node:util';
import type { Automation, Trigger } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { generationOf, readCache } from '../../lib/read-cache.js';
import type { FlowEndedEvent } from '../flows/events.js';
import { loadDirectory } from '../forms/directory.js';
import type { RecordWriteEvent } from '../records/write-hooks.js';
import { now } from '../scheduler/clock.js';
import { scheduleJob } from '../scheduler/index.js';
import { type AutomationDoc, automationModel, type RunTrigger, runModel } from './model.js';

/** Job type of one automation run for one trigger event. */
export const RUN_JOB = 'automation.run';

/** Automations triggered by automations' writes stop this many links deep (and never repeat a link). */
export const MAX_CHAIN = 8;

/** Payload of a {@link RUN_JOB} job. */
export interface RunJobPayload {
  automation: string;
  key: string;
  trigger: RunTrigger;
  record?: string;
  input?: Record<string, unknown>;
}

/** The enabled automations of an app (cached; any write to automations drops the cache). */
export async function enabledAutomations(
  connection: Connection,
  ws: Types.ObjectId,
  app: Types.ObjectId,
): Promise<AutomationDoc[]> {
  const cache = readCache<AutomationDoc[]>(connection, 'enabledAutomations', 'definitions');
  const key = `${ws.toHexString()}:${app.toHexString()}`;
  const cached = cache.get(key);
  if (cached) return cached;
  return cache.shared(key, async () => {
    const generation = generationOf(connection, 'definitions');
    const docs = await automationModel(connection).find({ ws, app, enabled: true }).lean<AutomationDoc[]>();
    cache.set(key, docs, generation);
    return docs;
  });
}

/** Whether a record trigger fires for this write. */
export function fires(trigger: Trigger, event: Pick<RecordWriteEvent, 'type' | 'before' | 'after'>): boolean {
  const before = event.before?.data ?? {};
  const after = event.after.data ?? {};
  switch (trigger.type) {
    case 'recordCreated':
      return event.type === 'created';
    case 'recordUpdated':
      if (event.type !== 'updated') return false;
      return trigger.fields
        ? trigger.fields.some((key) => !isDeepStrictEqual(before[key] ?? null, after[key] ?? null))
        : true;
    case 'fieldChanged': {
      if (event.type !== 'created' && event.type !== 'updated') return false;
      const from = before[trigger.field] ?? null;
      const to = after[trigger.field] ?? null;
      if (isDeepStrictEqual(from, to)) return false;
      return trigger.to === undefined || isDeepStrictEqual(to, trigger.to);
    }
    case 'recordDeleted':
      return event.type === 'deleted';
    default:
      return false;
  }
}

/**
 * The write hook: for every enabled automation whose trigger this write fires, queues a durable run job
 * keyed by (automation, record, version), so one write runs each automation once. Imports and bulk edits
 * fire only automations that ask for them. A write made by automations carries their chain: an
 * automation that would fire again for the same record within it (a loop), or a chain past
 * {@link MAX_CHAIN} links, is stopped and the run log says so.
 */
export async function onRecordWrite(event: RecordWriteEvent): Promise<void> {
  const { target, after } = event;
  const { connection } = target;
  const automations = await enabledAutomations(connection, target.caller.ws, target.form.app);
  if (automations.length === 0) return;
  const origin = target.origin ?? { via: 'api' };
  const chain = [...(origin.chain ?? [])];
  const record = after._id.toHexString();
  for (const automation of automations) {
    const definition = automation.definition as Automation;
    const trigger = definition.trigger;
    if (!('form' in trigger) || trigger.form !== target.form.key || !fires(trigger, event)) continue;
    const bulk = origin.via === 'import' || origin.via === 'bulk';
    if (bulk && !definition.includeBulkWrites) continue;
    const id = automation._id.toHexString();
    const key = `${id}:${record}:v${after.v}`;
    const runTrigger: RunTrigger = {
      type: trigger.type,
      form: trigger.form,
      record,
      v: after.v,
      via: origin.via,
      chain,
    };
    const link = `${id}@${record}`;
    if (chain.includes(link) || chain.length >= MAX_CHAIN) {
      await logLoop(connection, automation, key, runTrigger, chain.includes(link));
      continue;
    }
    const payload: RunJobPayload = { automation: id, key, trigger: runTrigger, record };
    await scheduleJob(connection, { type: RUN_JOB, ws: automation.ws, key, payload });
  }
}

/**
 * The `flowEnded` trigger: when an approval flow on a record ends approved or rejected (a withdrawn one
 * fires nothing), queues a run job of every enabled automation of the app whose trigger names the record's
 * form (and the flow's key and the outcome, when it names them), keyed by (automation, record, instance),
 * so an end runs each automation once. The chain of automations that caused the end (a `startFlow` whose
 * flow ended at once) goes to the loop guard like a write's.
 */
export function onFlowEnded(connection: Connection): (event: FlowEndedEvent) => Promise<void> {
  return async (event) => {
    if (event.outcome !== 'approved' && event.outcome !== 'rejected') return;
    const ws = new Types.ObjectId(event.ws);
    const app = new Types.ObjectId(event.app);
    const automations = await enabledAutomations(connection, ws, app);
    if (!automations.some((a) => (a.definition as Automation).trigger.type === 'flowEnded')) return;
    const form = (await loadDirectory(connection, ws, app)).byId(new Types.ObjectId(event.form));
    if (!form) return;
    for (const automation of automations) {
      const trigger = (automation.definition as Automation).trigger;
      if (trigger.type !== 'flowEnded' || trigger.form !== form.key) continue;
      if (trigger.flow !== undefined && trigger.flow !== event.key) continue;
      if (trigger.outcome !== undefined && trigger.outcome !== event.outcome) continue;
      const id = automation._id.toHexString();
      const key = `${id}:${event.record}:flow:${event.instance}`;
      const runTrigger: RunTrigger = {
        type: 'flowEnded',
        form: form.key,
        record: event.record,
        via: 'flow',
        chain: event.chain,
        flow: event.key,
        outcome: event.outcome,
      };
      const link = `${id}@${event.record}`;
      if (event.chain.includes(link) || event.chain.length >= MAX_CHAIN) {
        await logLoop(connection, automation, key, runTrigger, event.chain.includes(link));
        continue;
      }
      const payload: RunJobPayload = { automation: id, key, trigger: runTrigger, record: event.record };
      await scheduleJob(connection, { type: RUN_JOB, ws, key, payload });
    }
  };
}

export async function logLoop(
  connection: Connection,
  automation: AutomationDoc,
  key: string,
  trigger: RunTrigger,
  repeat: boolean,
) {
  const at = now(connection);
  const reason = repeat
    ? 'loop guard: this automation already ran for this record earlier in the chain'
    : `loop guard: the chain of automations reached ${MAX_CHAIN} links`;
  await runModel(connection)
    .updateOne(
      { ws: automation.ws, key },
      {
        $setOnInsert: {
          ws: automation.ws,
          automation: automation._id,
          key,
          trigger,
          status: 'skipped',
          reason,
          attempts: 0,
          actions: [],
          startedAt: at,
          finishedAt: at,
          durationMs: 0,
          expiresAt: new Date(at.getTime() + 30 * 24 * 3600_000),
        },
      },
      { upsert: true },
    )
    .catch((error: unknown) => {
      if ((error as { code?: number }).code !== 11000) throw error;
    });
}
