import { createHash } from 'node:crypto';
import type { StartFlowConfig } from '@formloom/schema';
import { appError } from '../../../lib/errors.js';
import { withAutomationChain } from '../../flows/events.js';
import { startFlow } from '../../flows/start.js';
import type { Effect } from '../model.js';
import { registerExecutor } from './registry.js';

/** The instance id an action starts for its idempotency key: a retried action finds its own instance. */
function instanceFor(key: string): string {
  return createHash('sha256').update(`startFlow:${key}`).digest('hex').slice(0, 24);
}

/**
 * `startFlow` `{ flow }`: starts the published approval flow `flow` of the trigger record's form on that
 * record (modules/flows), pinned to the published version, with the record's creator as the submitter.
 * Refused (the action fails) while a flow runs on the record, when the form's published flow is another
 * one, or without a trigger record. A retried action never starts twice: the instance id derives from the
 * action's idempotency key. Flows it ends at once carry the run's chain, so the loop guard sees them.
 */
registerExecutor<StartFlowConfig>('startFlow', async (run, config) => {
  const { ctx } = run;
  const record = ctx.record;
  if (!record || record.deletedAt) {
    throw appError('UNPROCESSABLE', 'automation.startFlowNeedsRecord', [
      { path: `${run.path}/config/flow`, message: 'detail.noTriggerRecord' },
    ]);
  }
  const instance = instanceFor(run.key);
  const running = record.flow as { id?: unknown; status?: unknown } | null | undefined;
  // Another flow running on the record will not end by waiting for a retry: the action fails for good.
  if (running?.id !== instance && (running?.status === 'inProgress' || running?.status === 'returned')) {
    throw appError('UNPROCESSABLE', 'flow.stillRunning', [
      { path: `${run.path}/config/flow`, message: 'detail.flowRunning' },
    ]);
  }
  const state = await withAutomationChain(ctx.chain, () =>
    startFlow(ctx.connection, {
      ws: ctx.ws,
      record: record._id,
      instance,
      key: config.flow,
    }),
  );
  const form = ctx.directory.byId(record.form)?.key;
  const effect: Effect = {
    kind: 'flowStarted',
    ...(form ? { form } : {}),
    record: record._id.toHexString(),
    detail: { flow: state.key, version: state.version, instance: state.id, status: state.status },
  };
  return [effect];
});
