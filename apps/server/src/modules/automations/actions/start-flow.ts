import type { StartFlowConfig } from '@formloom/schema';
import { appError, t } from '../../../lib/errors.js';
import { registerExecutor } from './registry.js';

/**
 * `startFlow`: starts an approval flow on the trigger record. The flow runtime (modules/flows) is not part
 * of this build yet; until it is, the action fails with a clear message instead of doing nothing.
 */
registerExecutor<StartFlowConfig>('startFlow', async (run, config) => {
  throw appError('UNPROCESSABLE', t('automation.noFlows', { flow: config.flow }), [
    { path: `${run.path}/config/flow`, message: 'detail.noFlowRuntime' },
  ]);
});
