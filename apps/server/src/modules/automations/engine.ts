import { performance } from 'node:perf_hooks';
import type { Automation } from '@formloom/schema';
import type { FastifyBaseLogger } from 'fastify';
import type { Connection, Types } from 'mongoose';
import { isAppError } from '../../lib/errors.js';
import { loadDirectory } from '../forms/directory.js';
import { type RecordDoc, recordModel } from '../records/model.js';
import { now as clockNow } from '../scheduler/clock.js';
import { actionExecutors } from './actions/index.js';
import type { AutomationSettings, RunContext } from './context.js';
import {
  type ActionResult,
  type AutomationDoc,
  type RunDoc,
  type RunError,
  type RunTrigger,
  runModel,
} from './model.js';
import { AutomationFormulaError, FormulaScope, formKinds, recordScope } from './scope.js';
import { DeliveryFailed } from './webhooks/send.js';

/** What to run: an automation for one trigger event, under the run's idempotency key. */
export interface RunRequest {
  automation: AutomationDoc;
  /** `<automation>:<event>`: one run per key, however often it is delivered. */
  key: string;
  trigger: RunTrigger;
  record?: Types.ObjectId;
  input?: Record<string, unknown>;
}

/** How a run attempt ended; `retry` when the failure may pass (the job runs again with backoff). */
export interface RunOutcome {
  run: RunDoc;
  retry: boolean;
}

/** What the engine needs of the server. */
export interface EngineDeps {
  connection: Connection;
  log: FastifyBaseLogger;
  settings: AutomationSettings;
}

/**
 * Test seam: called after an action's effects and before the run log records them, where a crash hurts
 * most (a retry must then find its own effects instead of repeating them).
 */
export const engineHooks: {
  afterEffects?: ((key: string, index: number) => void | Promise<void>) | undefined;
} = {};

/**
 * Why a run failed, kept in its log: the English message, and for the server's own refusals their text,
 * so the run log answers in the reader's language (formula and delivery failures keep their technical
 * wording).
 */
function failure(error: unknown): RunError {
  if (isAppError(error)) return { code: error.code, message: error.message, text: error.text };
  if (error instanceof AutomationFormulaError)
    return { code: 'FORMULA_FAILED', message: error.message, text: error.text };
  if (error instanceof DeliveryFailed)
    return { code: 'DELIVERY_FAILED', message: error.message, text: error.text };
  return { code: 'FAILED', message: error instanceof Error ? error.message.slice(0, 500) : String(error) };
}

/** Failures another attempt may get past: the store, the network, a receiver's 5xx, a write race. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof DeliveryFailed) return error.retryable;
  if (error instanceof AutomationFormulaError) return false;
  if (isAppError(error)) return error.code === 'STORE_UNAVAILABLE' || error.code === 'CONFLICT';
  return true;
}

async function openRun(deps: EngineDeps, request: RunRequest, at: Date): Promise<RunDoc> {
  const Runs = runModel(deps.connection);
  const { automation } = request;
  const fresh = {
    ws: automation.ws,
    automation: automation._id,
    key: request.key,
    trigger: request.trigger,
    ...(request.input ? { input: request.input } : {}),
    status: 'running',
    attempts: 0,
    actions: [],
    startedAt: at,
    finishedAt: null,
    durationMs: null,
    expiresAt: new Date(at.getTime() + deps.settings.runTtlMs),
  };
  await Runs.init();
  await Runs.updateOne(
    { ws: automation.ws, key: request.key },
    { $setOnInsert: fresh },
    { upsert: true },
  ).catch((error: unknown) => {
    // Two deliveries at once: the other one created it.
    if ((error as { code?: number }).code !== 11000) throw error;
  });
  const run = await Runs.findOne({ ws: automation.ws, key: request.key }).lean<RunDoc>();
  if (!run) throw new Error('the run vanished');
  return run;
}

async function context(deps: EngineDeps, request: RunRequest, run: RunDoc, at: Date): Promise<RunContext> {
  const { automation } = request;
  const definition = automation.definition as Automation;
  const directory = await loadDirectory(deps.connection, automation.ws, automation.app);
  const trigger = definition.trigger;
  const record = request.record
    ? await recordModel(deps.connection).findOne({ _id: request.record, ws: automation.ws }).lean<RecordDoc>()
    : null;
  // A manual run on a record reads that record's form (its fields are what conditions and values name).
  const triggerForm =
    'form' in trigger ? directory.byKey(trigger.form) : record ? directory.byId(record.form) : undefined;
  const triggerValues = record ? recordScope(record) : {};
  const kinds = triggerForm ? formKinds(triggerForm, directory) : {};
  const self = `${automation._id.toHexString()}@${record ? record._id.toHexString() : '-'}`;
  return {
    connection: deps.connection,
    ws: automation.ws,
    automation,
    run,
    directory,
    triggerForm,
    record,
    triggerValues,
    scope: new FormulaScope(kinds, { ...triggerValues, input: run.input ?? {} }, at),
    chain: [...run.trigger.chain, self],
    now: at,
    timeZone: trigger.type === 'scheduled' && trigger.timezone ? trigger.timezone : 'UTC',
    settings: deps.settings,
    log: deps.log,
  };
}

/**
 * Runs an automation once for a trigger event. The run log entry (unique per key) is the ledger: an
 * action recorded as done is not run again, and every effect carries a key derived from the run's key,
 * so an action cut short by a crash finds what it already did. A run that finished never runs again.
 */
export async function executeRun(deps: EngineDeps, request: RunRequest): Promise<RunOutcome> {
  const Runs = runModel(deps.connection);
  const at = clockNow(deps.connection);
  let run = await openRun(deps, request, at);
  if (run.status === 'succeeded' || run.status === 'skipped' || run.status === 'failed')
    return { run, retry: false };
  const started = performance.now();
  await Runs.updateOne({ _id: run._id }, { $set: { status: 'running' }, $inc: { attempts: 1 } });
  run = { ...run, attempts: run.attempts + 1 };
  const finish = async (set: Partial<RunDoc>): Promise<RunDoc> => {
    const end = clockNow(deps.connection);
    const update = {
      ...set,
      finishedAt: end,
      durationMs: Math.round(performance.now() - started),
      expiresAt: new Date(end.getTime() + deps.settings.runTtlMs),
    };
    await Runs.updateOne({ _id: run._id }, { $set: update });
    return { ...run, ...update };
  };
  const results: ActionResult[] = [...(run.actions ?? [])];
  let ctx: RunContext;
  try {
    ctx = await context(deps, request, run, at);
    const definition = request.automation.definition as Automation;
    // Conditions are decided once: a retry carries on with what the first attempt decided.
    if (results.length === 0) {
      const unmet = (definition.conditions ?? []).findIndex((condition) => !ctx.scope.holds(condition));
      if (unmet >= 0)
        return {
          run: await finish({ status: 'skipped', reason: `condition ${unmet + 1} does not hold` }),
          retry: false,
        };
    }
  } catch (error) {
    const retry = isRetryable(error);
    return { run: await finish({ status: retry ? 'retrying' : 'failed', error: failure(error) }), retry };
  }
  const actions = (request.automation.definition as Automation).actions;
  for (const [index, action] of actions.entries()) {
    const recorded = results[index]?.status;
    if (recorded === 'done' || recorded === 'skipped') continue;
    const begun = performance.now();
    const executor = actionExecutors.require(action.type);
    try {
      if (action.when !== undefined && !ctx.scope.holds(action.when)) {
        results[index] = { index, type: action.type, status: 'skipped', effects: [], durationMs: 0 };
        await Runs.updateOne({ _id: run._id }, { $set: { actions: results } });
        continue;
      }
      const effects = await executor(
        { ctx, index, key: `${run.key}:${index}`, path: `/actions/${index}` },
        action.config,
      );
      await engineHooks.afterEffects?.(run.key, index);
      results[index] = {
        index,
        type: action.type,
        status: 'done',
        effects,
        durationMs: Math.round(performance.now() - begun),
      };
      await Runs.updateOne({ _id: run._id }, { $set: { actions: results } });
    } catch (error) {
      const retry = isRetryable(error);
      results[index] = {
        index,
        type: action.type,
        status: 'failed',
        effects: [],
        error: failure(error),
        durationMs: Math.round(performance.now() - begun),
      };
      if (!retry) deps.log.warn({ err: error, run: run.key }, 'automation action failed');
      return {
        run: await finish({ status: retry ? 'retrying' : 'failed', actions: results, error: failure(error) }),
        retry,
      };
    }
  }
  return { run: await finish({ status: 'succeeded', actions: results }), retry: false };
}

/** Marks a run that is out of attempts as failed (the dead letter of its job). */
export async function deadLetter(connection: Connection, run: RunDoc): Promise<void> {
  await runModel(connection).updateOne({ _id: run._id, status: 'retrying' }, { $set: { status: 'failed' } });
}
