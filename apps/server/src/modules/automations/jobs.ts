import type { Automation } from '@formloom/schema';
import { Types } from 'mongoose';
import type { AppInstance } from '../../app.js';
import { PermanentJobError, scheduleJob } from '../scheduler/index.js';
import { CRON_JOB, type CronJobPayload, syncSchedule } from './cron.js';
import { type EngineDeps, executeRun } from './engine.js';
import { type AutomationDoc, automationModel, runModel } from './model.js';
import { RUN_JOB, type RunJobPayload } from './triggers.js';

async function load(deps: EngineDeps, ws: Types.ObjectId, id: string): Promise<AutomationDoc | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return automationModel(deps.connection)
    .findOne({ ws, _id: new Types.ObjectId(id) })
    .lean<AutomationDoc>();
}

/**
 * Registers the automation job handlers on the app's scheduler: `automation.run` runs one automation for
 * one trigger event (retried with the scheduler's backoff while the failure may pass, the run marked
 * `failed` when it is out of attempts), `automation.cron` turns a scheduled occurrence into a run and
 * schedules the next one.
 */
export function registerAutomationJobs(app: AppInstance, deps: EngineDeps): void {
  app.scheduler.register<RunJobPayload>(RUN_JOB, async (job) => {
    const automation = await load(deps, job.ws, job.payload.automation);
    // Removed meanwhile: nothing to run. Disabled meanwhile: the run log says it was skipped.
    if (!automation) return;
    if (!automation.enabled && job.payload.trigger.via !== 'manual') {
      await runModel(deps.connection)
        .updateOne(
          { ws: job.ws, key: job.payload.key },
          {
            $setOnInsert: {
              ws: job.ws,
              automation: automation._id,
              key: job.payload.key,
              trigger: job.payload.trigger,
              status: 'skipped',
              reason: 'the automation was disabled before it ran',
              attempts: 0,
              actions: [],
              startedAt: job.now,
              finishedAt: job.now,
              durationMs: 0,
              expiresAt: new Date(job.now.getTime() + deps.settings.runTtlMs),
            },
          },
          { upsert: true },
        )
        .catch(() => undefined);
      return;
    }
    const outcome = await executeRun(deps, {
      automation,
      key: job.payload.key,
      trigger: job.payload.trigger,
      ...(job.payload.record ? { record: new Types.ObjectId(job.payload.record) } : {}),
      ...(job.payload.input ? { input: job.payload.input } : {}),
    });
    if (!outcome.retry) return;
    const message = outcome.run.error?.message ?? 'the run failed';
    if (job.attempt >= job.maxAttempts) {
      await runModel(deps.connection).updateOne({ _id: outcome.run._id }, { $set: { status: 'failed' } });
      throw new PermanentJobError(message);
    }
    throw new Error(message);
  });

  app.scheduler.register<CronJobPayload>(CRON_JOB, async (job) => {
    const automation = await load(deps, job.ws, job.payload.automation);
    if (!automation?.enabled) return;
    const trigger = (automation.definition as Automation).trigger;
    if (trigger.type !== 'scheduled') return;
    // The next occurrence first: this one's run is a job of its own, retried on its own.
    await syncSchedule(deps.connection, automation);
    const id = automation._id.toHexString();
    const payload: RunJobPayload = {
      automation: id,
      key: `${id}:cron:${job.payload.occurrence}`,
      trigger: { type: 'scheduled', via: 'schedule', occurrence: job.payload.occurrence, chain: [] },
    };
    await scheduleJob(deps.connection, { type: RUN_JOB, ws: job.ws, key: payload.key, payload });
  });
}
