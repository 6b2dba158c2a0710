import { Types } from 'mongoose';
import type { AppInstance } from '../../app.js';
import { isAppError } from '../../lib/errors.js';
import { now } from '../scheduler/clock.js';
import { FLOW_TIMER_JOB, type FlowTimerPayload } from './effects.js';
import { onDeliveryFailure, repairFlowEffects } from './outbox.js';
import { transition } from './transition.js';

/** A timer with nothing left to do: its instance or task moved on (its cancel lost the race). */
class Stale extends Error {}

/**
 * Runs deadline timers (reminders, due times and their automatic actions) as jobs of the durable
 * scheduler: one job per timer, scheduled when a task opens and cancelled when it closes. A job that fires
 * anyway for a closed task or an ended instance does nothing; one that runs twice (its instance died mid-run)
 * finds the task closed the second time, since the action and the task's state change in one update.
 */
export function registerFlowTimers(app: AppInstance): void {
  const connection = app.store.connection;
  app.scheduler.register<FlowTimerPayload>(FLOW_TIMER_JOB, async (run) => {
    const { record, instance, timer } = run.payload;
    try {
      await transition(connection, run.ws, new Types.ObjectId(record), null, (loaded) => {
        const task =
          loaded.stored?.id === instance ? loaded.stored.tasks.find((t) => t.key === timer.task) : undefined;
        if (task?.status !== 'open' || loaded.stored?.status !== 'inProgress') throw new Stale();
        return { events: [{ type: 'timer', timer }] };
      });
    } catch (error) {
      // The record was deleted meanwhile: its timers have nothing to act on.
      if (error instanceof Stale || (isAppError(error) && error.statusCode === 404)) return;
      throw error;
    }
  });
}

/** How often the server looks for flow effects a dead process left undone. */
const REPAIR_EVERY_MS = 60_000;

/**
 * Carries out, every minute, the flow effects whose transitions were stored but never finished (the process
 * died, or stalled past its lease, between the record's update and its tasks, jobs and events:
 * flows/outbox.ts). Overlapping runs, here or on other servers, take each entry by compare-and-set.
 */
export function registerFlowRepair(app: AppInstance): void {
  const connection = app.store.connection;
  let timer: NodeJS.Timeout | undefined;
  onDeliveryFailure(connection, (error, entry) =>
    app.log.warn({ err: error, entry: entry.id }, 'flow effects not carried out yet; the repair will'),
  );
  app.addHook('onReady', async () => {
    timer = setInterval(() => {
      repairFlowEffects(connection, now(connection)).catch((error: unknown) =>
        app.log.warn({ err: error }, 'repairing unfinished flow effects failed'),
      );
    }, REPAIR_EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
