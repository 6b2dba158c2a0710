/**
 * The scoped data-access layer: the one place that turns a caller's membership and an app's role
 * definitions into record filters and field restrictions (ARCHITECTURE.md, principle 6).
 */
export {
  compileFilter,
  type FilterContext,
  FilterError,
  isFilterNode,
  MATCH_NOTHING,
  type MongoFilter,
  periodRange,
} from './filter.js';
export { type FormAccess, type FormLocation, formAccess, scopeFilter, workspaceRole } from './policy.js';
export {
  type AccessSubject,
  type AppRoleDefinition,
  type DataScope,
  FILTER_OPS,
  type FieldAccess,
  type FilterCondition,
  type FilterNode,
  type FilterOp,
  type FormPermission,
  type ScopedAction,
  WORKSPACE_ROLES,
  type WorkspaceRole,
} from './types.js';
