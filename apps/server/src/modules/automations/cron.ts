import type { Automation } from '@formloom/schema';
import { Cron } from 'croner';
import type { Connection } from 'mongoose';
import { appError, t } from '../../lib/errors.js';
import { now } from '../scheduler/clock.js';
import { cancelJob, scheduleJob } from '../scheduler/index.js';
import type { AutomationDoc } from './model.js';

/** Job type of the next occurrence of a scheduled automation (one pending per automation). */
export const CRON_JOB = 'automation.cron';

/** Payload of a {@link CRON_JOB} job. */
export interface CronJobPayload {
  automation: string;
  occurrence: string;
}

/**
 * The first occurrence of a cron expression (5 fields, or 6 with seconds first) after `from`, in the
 * IANA zone `timezone`; null when there is none. A bad expression or zone answers 400.
 */
export function nextOccurrence(cron: string, timezone: string | undefined, from: Date): Date | null {
  let job: Cron;
  try {
    job = new Cron(cron, { timezone: timezone ?? 'UTC', paused: true });
  } catch (error) {
    throw appError('VALIDATION_FAILED', 'automation.invalidSchedule', [
      {
        path: '/definition/trigger/cron',
        message: t('detail.cron', { reason: error instanceof Error ? error.message : 'invalid cron' }),
      },
    ]);
  }
  return job.nextRun(from);
}

/** Keeps the pending job of a scheduled automation in line with its definition (or removes it). */
export async function syncSchedule(connection: Connection, automation: AutomationDoc): Promise<Date | null> {
  const id = automation._id.toHexString();
  const trigger = (automation.definition as Automation).trigger;
  if (!automation.enabled || trigger.type !== 'scheduled') {
    await cancelJob(connection, CRON_JOB, id);
    return null;
  }
  const next = nextOccurrence(trigger.cron, trigger.timezone, now(connection));
  if (!next) {
    await cancelJob(connection, CRON_JOB, id);
    return null;
  }
  const payload: CronJobPayload = { automation: id, occurrence: next.toISOString() };
  await scheduleJob(connection, {
    type: CRON_JOB,
    ws: automation.ws,
    key: id,
    runAt: next,
    payload,
    replace: true,
  });
  return next;
}
