import { type Automation, validateAutomation } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { appError, notFound, t } from '../../lib/errors.js';
import { type Locale, render } from '../../lib/messages/index.js';
import type { Caller } from '../apps/caller.js';
import type { AppDoc } from '../apps/model.js';
import { canManageApp } from '../apps/pack-export.js';
import { getApp } from '../apps/service.js';
import { loadDirectory } from '../forms/directory.js';
import { issueDetails } from '../forms/issues.js';
import { recordModel } from '../records/model.js';
import { now } from '../scheduler/clock.js';
import { scheduleJob } from '../scheduler/index.js';
import { syncSchedule } from './cron.js';
import { type EngineDeps, executeRun } from './engine.js';
import {
  type AutomationDoc,
  automationModel,
  type Effect,
  type RunDoc,
  type RunError,
  runModel,
} from './model.js';
import { RUN_JOB, type RunJobPayload } from './triggers.js';

/** An automation as the API answers it. */
export interface AutomationView {
  id: string;
  app: string;
  key: string;
  enabled: boolean;
  v: number;
  definition: Automation;
  createdAt: string;
  updatedAt: string;
}

/** The API view of an automation (its definition carries `enabled`, as packs do). */
export function automationView(doc: AutomationDoc): AutomationView {
  return {
    id: doc._id.toHexString(),
    app: doc.app.toHexString(),
    key: doc.key,
    enabled: doc.enabled,
    v: doc.v,
    definition: { ...(doc.definition as Automation), enabled: doc.enabled },
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

function requireManager(caller: Caller, app: AppDoc): void {
  if (!canManageApp(caller, app)) throw appError('FORBIDDEN', 'automation.managersOnly');
}

/** Checks a definition against the app's published forms and roles (400 shape, 422 references). */
async function checkDefinition(
  connection: Connection,
  app: AppDoc,
  definition: unknown,
): Promise<Automation> {
  const directory = await loadDirectory(connection, app.ws, app._id);
  const issues = validateAutomation(definition, {
    forms: directory.forms.map((f) => ({ key: f.key, fields: f.definition.fields as never })),
    roles: (app.roles ?? []).map((r) => r.key),
  });
  if (issues.length > 0) {
    const references = issues.every((i) => !i.code.startsWith('schema.'));
    throw appError(
      references ? 'UNPROCESSABLE' : 'VALIDATION_FAILED',
      'automation.invalid',
      issueDetails(issues, '/definition'),
    );
  }
  return definition as Automation;
}

/** An automation of the caller's workspace the caller may manage (another workspace's: 404). */
export async function managedAutomation(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
): Promise<{ doc: AutomationDoc; app: AppDoc }> {
  const doc = await automationModel(connection).findOne({ ws: caller.ws, _id: id }).lean<AutomationDoc>();
  if (!doc) throw notFound('Automation');
  const app = await getApp(connection, caller.ws, doc.app);
  requireManager(caller, app);
  return { doc, app };
}

/** The automations of an app. */
export async function listAutomations(connection: Connection, caller: Caller, appId: Types.ObjectId) {
  const app = await getApp(connection, caller.ws, appId);
  requireManager(caller, app);
  const docs = await automationModel(connection)
    .find({ ws: caller.ws, app: app._id })
    .sort({ _id: 1 })
    .lean<AutomationDoc[]>();
  return docs.map(automationView);
}

/** Stores new automations of an app (checked already), keeping `_id`s given; pack imports use it. */
export async function insertAutomations(
  connection: Connection,
  caller: Caller,
  app: Types.ObjectId,
  list: ReadonlyArray<{ id?: Types.ObjectId; definition: Automation }>,
  importId?: Types.ObjectId,
): Promise<AutomationDoc[]> {
  const at = new Date();
  const docs = list.map(({ id, definition }) => {
    const { enabled, ...rest } = structuredClone(definition);
    return {
      _id: id ?? new Types.ObjectId(),
      ws: caller.ws,
      app,
      key: definition.key,
      definition: rest as Automation,
      enabled: enabled !== false,
      v: 1,
      createdBy: caller.userId,
      updatedBy: caller.userId,
      createdAt: at,
      updatedAt: at,
      ...(importId ? { importId } : {}),
    };
  });
  if (docs.length === 0) return [];
  const Automations = automationModel(connection);
  await Automations.init();
  try {
    await Automations.insertMany(docs);
  } catch (error) {
    if ((error as { code?: number }).code === 11000) {
      throw appError('CONFLICT', 'automation.keyTaken', [
        { path: '/definition/key', message: 'detail.taken' },
      ]);
    }
    throw error;
  }
  return docs;
}

/** Puts the scheduled ones of these automations on the schedule (after an import or a create). */
export async function scheduleAll(connection: Connection, docs: readonly AutomationDoc[]): Promise<void> {
  for (const doc of docs) await syncSchedule(connection, doc);
}

/** Creates an automation in an app. */
export async function createAutomation(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
  definition: unknown,
) {
  const app = await getApp(connection, caller.ws, appId);
  requireManager(caller, app);
  const checked = await checkDefinition(connection, app, definition);
  const [doc] = await insertAutomations(connection, caller, app._id, [{ definition: checked }]);
  if (!doc) throw new Error('no automation was written');
  await syncSchedule(connection, doc);
  return automationView(doc);
}

/** Replaces an automation's definition at version `v` (409 when stale); the key stays. */
export async function updateAutomation(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
  body: { definition: unknown; v: number },
) {
  const { doc, app } = await managedAutomation(connection, caller, id);
  const checked = await checkDefinition(connection, app, body.definition);
  if (checked.key !== doc.key) {
    throw appError('VALIDATION_FAILED', 'automation.invalid', [
      { path: '/definition/key', message: 'detail.keepsKey' },
    ]);
  }
  const { enabled, ...rest } = checked;
  const updated = await automationModel(connection)
    .findOneAndUpdate(
      { _id: doc._id, ws: caller.ws, v: body.v },
      {
        $set: { definition: rest, enabled: enabled ?? doc.enabled, updatedBy: caller.userId },
        $inc: { v: 1 },
      },
      { new: true },
    )
    .lean<AutomationDoc>();
  if (!updated) throw appError('CONFLICT', t('automation.stale', { v: doc.v }));
  await syncSchedule(connection, updated);
  return automationView(updated);
}

/** Turns an automation on or off (scheduled ones join or leave the schedule). */
export async function setEnabled(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
  enabled: boolean,
) {
  const { doc } = await managedAutomation(connection, caller, id);
  const updated = await automationModel(connection)
    .findOneAndUpdate(
      { _id: doc._id, ws: caller.ws },
      { $set: { enabled, updatedBy: caller.userId }, $inc: { v: 1 } },
      { new: true },
    )
    .lean<AutomationDoc>();
  if (!updated) throw notFound('Automation');
  await syncSchedule(connection, updated);
  return automationView(updated);
}

/** Removes an automation (its run log stays until it expires). */
export async function deleteAutomation(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
): Promise<void> {
  const { doc } = await managedAutomation(connection, caller, id);
  await automationModel(connection).deleteOne({ _id: doc._id, ws: caller.ws });
  await syncSchedule(connection, { ...doc, enabled: false });
}

/** A run's error in `locale`: the server's own refusals are reworded, others keep their technical text. */
function runErrorView(error: RunError, locale: Locale): { code: string; message: string } {
  return { code: error.code, message: error.text ? render(error.text, locale) : error.message };
}

/** A run as the API answers it. */
export function runView(run: RunDoc, locale: Locale = 'en') {
  return {
    id: run._id.toHexString(),
    automation: run.automation.toHexString(),
    status: run.status,
    ...(run.reason ? { reason: run.reason } : {}),
    trigger: run.trigger,
    ...(run.input ? { input: run.input } : {}),
    attempts: run.attempts,
    // Each action's error in the reader's language too (its stored text is not part of the answer).
    actions: run.actions.map((action) =>
      action.error ? { ...action, error: runErrorView(action.error, locale) } : action,
    ),
    ...(run.error ? { error: runErrorView(run.error, locale) } : {}),
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
    durationMs: run.durationMs,
  };
}

/** The run log of an automation, newest first (runs past their time are gone). */
export async function listRuns(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
  options: { limit: number; before?: Types.ObjectId; status?: string; locale?: Locale },
) {
  const { doc } = await managedAutomation(connection, caller, id);
  const query: Record<string, unknown> = {
    ws: caller.ws,
    automation: doc._id,
    expiresAt: { $gt: now(connection) },
  };
  if (options.before) query._id = { $lt: options.before };
  if (options.status) query.status = options.status;
  const runs = await runModel(connection)
    .find(query)
    .sort({ _id: -1 })
    .limit(options.limit + 1)
    .lean<RunDoc[]>();
  const page = runs.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: page.map((run) => runView(run, options.locale)),
    nextCursor: runs.length > options.limit && last ? last._id.toHexString() : null,
  };
}

/**
 * Runs an automation now (`POST .../run`), on a record of its trigger's form if given, with `input`.
 * The run happens in the request; a failure that may pass is retried by the scheduler under the same
 * run (and idempotency key). Answers the run id, its status and what its actions did.
 */
export async function runNow(
  deps: EngineDeps,
  caller: Caller,
  id: Types.ObjectId,
  body: { record?: string; input?: Record<string, unknown> },
  locale: Locale = 'en',
): Promise<{ runId: string; status: string; effects: Effect[]; error?: { code: string; message: string } }> {
  const { connection } = deps;
  const { doc, app } = await managedAutomation(connection, caller, id);
  if (!doc.enabled) throw appError('CONFLICT', 'automation.disabled');
  let record: Types.ObjectId | undefined;
  const trigger = (doc.definition as Automation).trigger;
  if (body.record !== undefined) {
    const found = Types.ObjectId.isValid(body.record)
      ? await recordModel(connection)
          .findOne(
            { _id: new Types.ObjectId(body.record), ws: caller.ws, app: app._id, deletedAt: null },
            { form: 1 },
          )
          .lean()
      : null;
    const directory = await loadDirectory(connection, caller.ws, app._id);
    const form = found ? directory.byId(found.form) : undefined;
    if (!found || !form || ('form' in trigger && trigger.form !== form.key)) {
      throw appError('NOT_FOUND', 'record.notFound', [
        { path: '/record', message: 'detail.noTriggerRecord' },
      ]);
    }
    record = found._id;
  }
  const key = `${doc._id.toHexString()}:manual:${new Types.ObjectId().toHexString()}`;
  const runTrigger = {
    type: 'manual',
    via: 'manual',
    chain: [] as string[],
    ...('form' in trigger ? { form: trigger.form } : {}),
    ...(record ? { record: record.toHexString() } : {}),
  };
  const request = {
    automation: doc,
    key,
    trigger: runTrigger,
    ...(record ? { record } : {}),
    ...(body.input ? { input: body.input } : {}),
  };
  const outcome = await executeRun(deps, request);
  if (outcome.retry) {
    const payload: RunJobPayload = {
      automation: doc._id.toHexString(),
      key,
      trigger: runTrigger,
      ...(record ? { record: record.toHexString() } : {}),
      ...(body.input ? { input: body.input } : {}),
    };
    await scheduleJob(connection, {
      type: RUN_JOB,
      ws: caller.ws,
      key,
      payload,
      runAt: new Date(now(connection).getTime() + 1000),
    });
  }
  const run = outcome.run;
  return {
    runId: run._id.toHexString(),
    status: run.status,
    effects: run.actions.flatMap((a) => a.effects),
    ...(run.error ? { error: runErrorView(run.error, locale) } : {}),
  };
}
