/**
 * @formloom/flow — the approval-flow engine without I/O. `step(flow, instance, event, now)` is one pure
 * reducer over a discriminated union of events that answers the next instance and a list of effects (open
 * and close tasks, resolve assignees, notify, schedule deadlines, set the status, lock, announce the end);
 * `validateFlow` holds the publish checks. Node types live in one registry.
 */
export { decide, handlers, rejectTask, transferTask } from './actions.js';
export { FlowError, type FlowErrorCode, isFlowError } from './errors.js';
export { analyseFlow, type FlowGraph } from './graph.js';
export { Machine, STEP_TYPES } from './machine.js';
export { type EdgeRule, type NodeTypeDef, nodeType, nodeTypes, registerNodeType } from './nodes/registry.js';
export {
  type CompileFlowOptions,
  compileCondition,
  compileFlow,
  FlowDefinitionError,
  type FlowProgram,
} from './program.js';
export { isEnded, openTasks, pendingRequests, step } from './step.js';
export type {
  ApprovalMode,
  AssigneeRequest,
  AssigneeSpec,
  FieldAccessLevel,
  FlowDefinition,
  FlowEffect,
  FlowEffectType,
  FlowEvent,
  FlowEventType,
  FlowInstance,
  FlowNodeDef,
  FlowNodeType,
  FlowOutcome,
  FlowStatus,
  FlowTask,
  FlowTaskKind,
  FlowTaskStatus,
  FlowTimer,
  Lane,
  NodeFieldAccess,
  NotifyReason,
  RecordData,
  RequestPurpose,
  SplitState,
  StepResult,
  TimelineAction,
  TimelineEntry,
  Token,
} from './types.js';
export { type FlowIssue, type ValidateFlowOptions, validateFlow } from './validate.js';
