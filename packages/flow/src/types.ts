import type { Assignee, Flow } from '@formloom/schema';

/** A flow definition as the meta-model defines it (`Flow` of `@formloom/schema`). */
export type FlowDefinition = Flow;

/** A node of a flow definition. */
export type FlowNodeDef = Flow['nodes'][number];

/** The `type` of a flow node. */
export type FlowNodeType = FlowNodeDef['type'];

/** Where a flow instance is: running, waiting for its submitter, or ended one of three ways. */
export type FlowStatus = 'inProgress' | 'approved' | 'rejected' | 'returned' | 'withdrawn';

/** How an instance ended. */
export type FlowOutcome = 'approved' | 'rejected' | 'withdrawn';

/** How many of a step's assignees must decide. */
export type ApprovalMode = 'or' | 'and' | 'sequence';

/** A record's values as formulas see them. */
export type RecordData = Readonly<Record<string, unknown>>;

/** Whom to resolve: assignees as the definition names them, or the app's admins (the fallback). */
export type AssigneeSpec = Assignee | { readonly kind: 'admins' };

/** What a task asks for: a decision, fields filled in, or (for the submitter) a resubmission. */
export type FlowTaskKind = 'approve' | 'fill' | 'submit';

/**
 * A task's state. `open` waits for its assignee; every other value says how it closed: by its assignee's
 * decision (`approved`, `rejected`, `returned`, `submitted`, `transferred`, `delegated` — a signer was added
 * before them and they decide again afterwards) or because the step or the flow moved on (`cancelled`).
 */
export type FlowTaskStatus =
  | 'open'
  | 'approved'
  | 'rejected'
  | 'returned'
  | 'submitted'
  | 'transferred'
  | 'delegated'
  | 'cancelled';

/** One to-do of one member inside an instance. */
export interface FlowTask {
  /** Unique within the instance (`t1`, `t2`, ...). */
  readonly key: string;
  readonly kind: FlowTaskKind;
  readonly node: string;
  /** The token whose step asked for it; null for the submitter's resubmission task. */
  readonly token: string | null;
  /** Index of the lane (approval chain) within the step; -1 for resubmission tasks. */
  readonly lane: number;
  /** Changes only when the task is moved as it is (`reassign`: its assignee left the workspace). */
  assignee: string;
  status: FlowTaskStatus;
  readonly openedAt: string;
  closedAt: string | null;
  readonly dueAt: string | null;
  /** Who closed it; null when the system did (a deadline, the flow moving on). */
  by: string | null;
}

/**
 * One chain of signers at a step: `or` and `and` steps have one lane per assignee, `sequence` steps one
 * lane holding every assignee in order. Adding a signer inserts into the acting signer's lane; the lane is
 * done when its last signer approved.
 */
export interface Lane {
  signers: string[];
  /** Index of the signer whose turn it is. */
  at: number;
  done: boolean;
}

/** A position in the flow: where one branch of the instance stands. */
export interface Token {
  readonly key: string;
  node: string;
  /** Keys of the parallel splits this token is inside, innermost last. */
  stack: string[];
  /** Node ids passed on the way here (this node last); returns go back along it. */
  path: string[];
  enteredAt: string;
  /** The pending assignee request this token waits for. */
  request: string | null;
  /** Signer chains of the approval or fill step it waits at. */
  lanes: Lane[];
  mode: ApprovalMode | null;
}

/** An open parallel split: how many of its branches have reached its join. */
export interface SplitState {
  readonly key: string;
  readonly node: string;
  readonly join: string;
  readonly branches: number;
  arrived: number;
  /** The stack and path of the token that entered the split, restored when the join merges. */
  readonly parent: { readonly stack: string[]; readonly path: string[] };
}

/** Why members are being resolved. */
export type RequestPurpose = 'assignees' | 'admins' | 'cc' | 'transfer';

/** Assignees the runtime must resolve (and answer with `assigneesResolved`) before it stores the instance. */
export interface AssigneeRequest {
  readonly key: string;
  readonly purpose: RequestPurpose;
  readonly node: string;
  /** The waiting token (steps and cc) or the task to transfer (deadline transfers). */
  readonly token: string | null;
  readonly task: string | null;
  readonly assignees: readonly AssigneeSpec[];
}

/** What happened, for the record's timeline. */
export type TimelineAction =
  | 'submitted'
  | 'resubmitted'
  | 'approved'
  | 'rejected'
  | 'returned'
  | 'filled'
  | 'transferred'
  | 'addedSigner'
  | 'withdrawn'
  | 'urged'
  | 'commented'
  | 'skipped'
  | 'cc'
  | 'reminded'
  | 'timedOut'
  | 'ended';

/** One line of an instance's timeline: who did what at which node, when, with what comment. */
export interface TimelineEntry {
  readonly at: string;
  /** The member; null for the system (deadlines, steps without assignees). */
  readonly by: string | null;
  readonly node: string | null;
  readonly action: TimelineAction;
  readonly task?: string;
  readonly comment?: string;
  /** The members or the node an action went to (transfer, add signer, return, cc). */
  readonly to?: string | readonly string[];
  /** How an `ended` entry ended. */
  readonly outcome?: FlowOutcome;
}

/** A running (or ended) flow on one record: plain JSON, stored on the record. */
export interface FlowInstance {
  readonly id: string;
  /** The flow's id and the version this instance is pinned to. */
  readonly flow: string;
  readonly version: number;
  status: FlowStatus;
  readonly submitter: string;
  readonly startedAt: string;
  endedAt: string | null;
  /** How many times the submitter sent it (1, then +1 per resubmission after a return). */
  round: number;
  /** Counter behind every key the instance hands out (tasks, tokens, splits, requests). */
  seq: number;
  /** Someone other than the system decided something this round: withdrawing is no longer allowed. */
  acted: boolean;
  tokens: Token[];
  splits: SplitState[];
  requests: AssigneeRequest[];
  tasks: FlowTask[];
  timeline: TimelineEntry[];
  lastUrgedAt: string | null;
}

/** A deadline timer of a task. */
export interface FlowTimer {
  readonly task: string;
  readonly kind: 'due' | 'remind';
  /** Index of the reminder in `remindBefore`. */
  readonly n?: number;
}

/** Fields of an action event. */
interface ActionBase {
  /** The acting member (the runtime has checked who they are). */
  readonly by: string;
  readonly comment?: string;
  /** The record's values after the action's edits, for conditions the flow passes next. */
  readonly data?: RecordData;
}

/** Something that happens to an instance. One reducer handles them all: {@link step}. */
export type FlowEvent =
  | {
      readonly type: 'start';
      readonly id: string;
      readonly flow: string;
      readonly version: number;
      readonly submitter: string;
      readonly comment?: string;
      readonly data?: RecordData;
    }
  | {
      readonly type: 'assigneesResolved';
      readonly request: string;
      /** Member ids, already checked to be active members. */
      readonly users: readonly string[];
      readonly data?: RecordData;
    }
  | (ActionBase & { readonly type: 'approve'; readonly task: string })
  | (ActionBase & { readonly type: 'reject'; readonly task: string })
  | (ActionBase & {
      readonly type: 'return';
      readonly task: string;
      /** An earlier approval or fill node on the way here, or `submitter` (the default). */
      readonly to?: string;
    })
  | (ActionBase & { readonly type: 'transfer'; readonly task: string; readonly to: string })
  | (ActionBase & {
      readonly type: 'addSigner';
      readonly task: string;
      readonly to: readonly string[];
      readonly position: 'before' | 'after';
    })
  /** A fill task's fields are in; or the submitter sends a returned record again. */
  | (ActionBase & { readonly type: 'submit'; readonly task: string })
  /**
   * The runtime moved an open task to another member as it is (its assignee was deactivated): same task,
   * new assignee, no decision. Unlike `transfer`, nobody acted.
   */
  | { readonly type: 'reassign'; readonly task: string; readonly to: string; readonly reason?: string }
  | (ActionBase & { readonly type: 'withdraw' })
  | (ActionBase & { readonly type: 'urge' })
  | (ActionBase & { readonly type: 'comment'; readonly comment: string; readonly task?: string })
  | { readonly type: 'timer'; readonly timer: FlowTimer; readonly data?: RecordData };

/** The `type` of a {@link FlowEvent}. */
export type FlowEventType = FlowEvent['type'];

/** Why members are notified. */
export type NotifyReason = 'remind' | 'urge' | 'timeout';

/** What the runtime must do after a step, as data. */
export type FlowEffect =
  /** Resolve these assignees and answer with `assigneesResolved` before storing the instance. */
  | {
      readonly type: 'resolveAssignees';
      readonly request: string;
      readonly node: string;
      readonly purpose: RequestPurpose;
      readonly assignees: readonly AssigneeSpec[];
    }
  | { readonly type: 'openTask'; readonly task: FlowTask; readonly fields: readonly NodeFieldAccess[] }
  | { readonly type: 'closeTask'; readonly task: string; readonly status: FlowTaskStatus }
  /** Copy these members in (a cc step); `key` is unique within the instance. */
  | { readonly type: 'cc'; readonly key: string; readonly node: string; readonly users: readonly string[] }
  | {
      readonly type: 'notify';
      readonly reason: NotifyReason;
      readonly users: readonly string[];
      readonly node: string | null;
      readonly task?: string;
    }
  /** Fire `timer` at `at` (an ISO instant); `key` is unique within the instance. */
  | { readonly type: 'schedule'; readonly key: string; readonly at: string; readonly timer: FlowTimer }
  | { readonly type: 'unschedule'; readonly key: string }
  | { readonly type: 'status'; readonly status: FlowStatus }
  /** Lock the record against edits, except `openFields` (settings.lockOnApproved). */
  | { readonly type: 'lock'; readonly openFields: readonly string[] }
  /** The instance ended: start what waits for it (automations' `flowEnded`). */
  | { readonly type: 'ended'; readonly outcome: FlowOutcome };

/** The `type` of a {@link FlowEffect}. */
export type FlowEffectType = FlowEffect['type'];

/** How a field shows to the assignee of a step. */
export type FieldAccessLevel = 'hidden' | 'readOnly' | 'editable';

/** One entry of a step's field permissions. */
export interface NodeFieldAccess {
  readonly field: string;
  readonly access: FieldAccessLevel;
}

/** The outcome of {@link step}: the next instance and what to do about it. */
export interface StepResult {
  readonly instance: FlowInstance;
  readonly effects: readonly FlowEffect[];
}
