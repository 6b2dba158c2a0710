import { type FlowError, type FlowErrorCode, isFlowError } from '@formloom/flow';
import { type AppError, appError, type ErrorCode } from '../../lib/errors.js';

/** The HTTP side of each refusal of the flow engine, with the message the API answers. */
const REFUSALS: Record<
  FlowErrorCode,
  { code: ErrorCode; message: (params: Record<string, unknown>) => string }
> = {
  'task.unknown': { code: 'NOT_FOUND', message: () => 'Task not found' },
  'task.notYours': { code: 'FORBIDDEN', message: () => 'Only the task’s assignee may act on it' },
  'task.closed': {
    code: 'CONFLICT',
    message: (p) => `The task is closed (${String(p.status ?? 'done')}); reload your tasks`,
  },
  'action.notAllowed': {
    code: 'UNPROCESSABLE',
    message: (p) => `A ${String(p.kind)} task does not take the action ${String(p.action)}`,
  },
  'flow.notRunning': {
    code: 'CONFLICT',
    message: (p) => `The approval flow is ${String(p.status)}; it takes no such action now`,
  },
  'withdraw.notAllowed': {
    code: 'UNPROCESSABLE',
    message: (p) =>
      p.reason === 'acted'
        ? 'Someone has already acted on this approval; it can no longer be withdrawn'
        : p.reason === 'disabled'
          ? 'This approval flow does not allow withdrawing'
          : 'Only the submitter may withdraw',
  },
  'urge.notAllowed': { code: 'FORBIDDEN', message: () => 'Only the submitter may urge' },
  'urge.tooSoon': {
    code: 'RATE_LIMITED',
    message: (p) => `Urged a moment ago; urge again after ${String(p.retryAt)}`,
  },
  'return.target': {
    code: 'UNPROCESSABLE',
    message: (p) =>
      `Cannot return to ${String(p.to)}: it is no earlier approval or fill step on the way here`,
  },
  'assignee.duplicate': {
    code: 'UNPROCESSABLE',
    message: () => 'That member already decides at this step (or is you)',
  },
  'request.unknown': { code: 'CONFLICT', message: () => 'The flow moved on meanwhile; try again' },
  'instance.state': { code: 'CONFLICT', message: () => 'The record’s approval flow changed meanwhile' },
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
  const message = refusal.message(error.params as Record<string, unknown>);
  const path = PATHS[error.code];
  const out: AppError = appError(refusal.code, message, path ? [{ path, message }] : undefined);
  (out as { reason?: string }).reason = error.code;
  return out;
}
