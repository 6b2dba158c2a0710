import { type FlowError, type FlowErrorCode, isFlowError } from '@formloom/flow';
import { type AppError, appError, type ErrorCode, type Text, t } from '../../lib/errors.js';

/** The HTTP side of each refusal of the flow engine, with the catalogued text the API answers. */
const REFUSALS: Record<FlowErrorCode, { code: ErrorCode; text: (params: Record<string, unknown>) => Text }> =
  {
    'task.unknown': { code: 'NOT_FOUND', text: () => 'task.notFound' },
    'task.notYours': { code: 'FORBIDDEN', text: () => 'task.assigneeOnly' },
    'task.closed': {
      code: 'CONFLICT',
      text: (p) => t('task.closed', { status: String(p.status ?? 'done') }),
    },
    'action.notAllowed': {
      code: 'UNPROCESSABLE',
      text: (p) => t('task.wrongAction', { kind: String(p.kind), action: String(p.action) }),
    },
    'flow.notRunning': { code: 'CONFLICT', text: (p) => t('flow.notRunning', { status: String(p.status) }) },
    'withdraw.notAllowed': {
      code: 'UNPROCESSABLE',
      text: (p) =>
        p.reason === 'acted'
          ? 'flow.withdrawActed'
          : p.reason === 'disabled'
            ? 'flow.withdrawDisabled'
            : 'flow.withdrawSubmitterOnly',
    },
    'urge.notAllowed': { code: 'FORBIDDEN', text: () => 'flow.urgeSubmitterOnly' },
    'urge.tooSoon': { code: 'RATE_LIMITED', text: (p) => t('flow.urgeTooSoon', { at: String(p.retryAt) }) },
    'return.target': { code: 'UNPROCESSABLE', text: (p) => t('flow.returnTarget', { to: String(p.to) }) },
    'assignee.duplicate': { code: 'UNPROCESSABLE', text: () => 'flow.assigneeDuplicate' },
    'request.unknown': { code: 'CONFLICT', text: () => 'flow.requestUnknown' },
    'instance.state': { code: 'CONFLICT', text: () => 'flow.instanceState' },
  };

/** Paths of the request body a refusal concerns. */
const PATHS: Partial<Record<FlowErrorCode, string>> = {
  'return.target': '/to',
  'assignee.duplicate': '/to',
};

/** The API error of a refusal of the flow engine (other errors are passed through). */
export function toAppError(error: unknown): unknown {
  if (!isFlowError(error)) return error;
  const refusal = REFUSALS[(error as FlowError).code];
  const text = refusal.text(error.params as Record<string, unknown>);
  const path = PATHS[error.code];
  const out: AppError = appError(refusal.code, text, path ? [{ path, message: text }] : undefined);
  (out as { reason?: string }).reason = error.code;
  return out;
}
