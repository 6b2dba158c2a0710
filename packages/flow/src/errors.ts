/**
 * Why {@link step} refused an event. The runtime maps each code to an HTTP status (docs/flows.md):
 * `task.unknown` 404, `task.notYours` 403, `task.closed` and `flow.notRunning` 409, `urge.tooSoon` 429,
 * the rest 422.
 */
export type FlowErrorCode =
  /** No task of this instance has that key. */
  | 'task.unknown'
  /** The task is no longer open (decided, moved on, cancelled). */
  | 'task.closed'
  /** Someone other than the task's assignee tried to act on it. */
  | 'task.notYours'
  /** The action does not apply to this kind of task (reject a fill task, approve a resubmission...). */
  | 'action.notAllowed'
  /** The instance is not in a state that takes this event (ended, or returned for a decision). */
  | 'flow.notRunning'
  /** Withdrawing is off for this flow, someone has acted already, or it is not the submitter asking. */
  | 'withdraw.notAllowed'
  /** Only the submitter urges. */
  | 'urge.notAllowed'
  /** An urge came sooner than `settings.urgeIntervalMinutes` after the last one. */
  | 'urge.tooSoon'
  /** A return target that is no earlier approval or fill step on the way here. */
  | 'return.target'
  /** Transfer or add-signer to someone who already holds a task at the step, or to oneself. */
  | 'assignee.duplicate'
  /** An event for an assignee request the instance does not wait for. */
  | 'request.unknown'
  /** A start event for an existing instance, or another event without one. */
  | 'instance.state';

/** A refusal of {@link step}: a code and the values its message needs. Nothing changed. */
export class FlowError extends Error {
  constructor(
    readonly code: FlowErrorCode,
    readonly params: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${code}${Object.keys(params).length > 0 ? ` ${JSON.stringify(params)}` : ''}`);
    this.name = 'FlowError';
  }
}

/** True for errors {@link step} throws. */
export function isFlowError(error: unknown): error is FlowError {
  return error instanceof FlowError;
}
