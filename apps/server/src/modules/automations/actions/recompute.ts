import type { RecomputeConfig } from '@formloom/schema';
import { runRecompute } from '../../records/worker.js';
import { compileAutomationFilter, formByKey, systemTarget } from '../actor.js';
import { registerExecutor } from './registry.js';

/**
 * `recompute`: the formulas, lookups and rollups of the matching records are computed again at the run's
 * time (TODAY() is the day the run started), each changed record written as any recompute is (history,
 * realtime, dependants). Recomputing is idempotent, so a retried run changes nothing twice.
 */
registerExecutor<RecomputeConfig>('recompute', async (run, config) => {
  const { ctx } = run;
  const form = formByKey(ctx, config.form);
  const target = await systemTarget(ctx, form);
  const match = config.filter
    ? { $and: [compileAutomationFilter(ctx, target, config.filter, `${run.path}/config/filter`)] }
    : {};
  const changed = await runRecompute(
    ctx.connection,
    { ws: ctx.ws, app: form.app, form: form.id, match, depth: 0 },
    { now: ctx.now },
  );
  return [{ kind: 'recordsRecomputed', form: config.form, detail: { changed } }];
});
