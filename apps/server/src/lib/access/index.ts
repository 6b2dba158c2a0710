/**
 * The scoped data-access layer: the one place that turns a caller's membership and an app's role
 * definitions into record filters and field restrictions (ARCHITECTURE.md, principle 6). Filters of the
 * DSL (custom scopes) are compiled by `lib/filter-dsl`.
 */
export {
  derivedHidden,
  type FormAccess,
  type FormAccessOptions,
  type FormLocation,
  formAccess,
  MATCH_NOTHING,
  type MongoFilter,
  scopeFilter,
  workspaceRole,
} from './policy.js';
export {
  type AccessSubject,
  type AppRoleDefinition,
  type DataScope,
  type FieldAccess,
  type FormPermission,
  type ScopedAction,
  WORKSPACE_ROLES,
  type WorkspaceRole,
} from './types.js';
