/**
 * The permission model of apps (a template's `roles.json`) as the scoped data-access layer reads it.
 *
 * packages/schema does not define roles yet; this shape is local until it does, and is kept plain JSON
 * so the schema package can adopt it (as a TypeBox schema) without changing its meaning.
 */

/** The built-in roles every workspace has. Owners and admins manage members, departments and apps. */
export const WORKSPACE_ROLES = ['owner', 'admin', 'member'] as const;

/** One of {@link WORKSPACE_ROLES}. */
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/**
 * Which records an action reaches:
 * - `all`: every record of the form in the workspace;
 * - `own`: records the caller owns;
 * - `department`: records of the caller's department;
 * - `departmentAndBelow`: records of the caller's department and every department below it;
 * - `{ custom }`: records matching a filter of the DSL, which may use `$me` and `$myDepartment`.
 */
export type DataScope = 'all' | 'own' | 'department' | 'departmentAndBelow' | { custom: unknown };

/**
 * Per-field access for a role: `hidden` fields never leave the server; `readOnly` ones cannot be written;
 * `visible` declassifies a derived field (shown even when it is made of values hidden from the role).
 */
export type FieldAccess = 'hidden' | 'readOnly' | 'visible';

/** What one role may do with one form (`FormPermission` of packages/schema). An absent action is not allowed. */
export interface FormPermission {
  /** The form's key. */
  form: string;
  /** May create records. */
  submit?: boolean;
  view?: DataScope;
  edit?: DataScope;
  delete?: DataScope;
  /** May export the records it may view (exports are audited). */
  export?: boolean;
  /** May change the form's definition and its flows. */
  manage?: boolean;
  /** Restricted fields (a key, or `subform.column`); others follow the form. */
  fields?: readonly { field: string; access: FieldAccess }[];
}

/**
 * A role an app defines (`Role` of packages/schema, structurally: that type is assignable to this one),
 * referred to by key from members' `roles`.
 */
export interface AppRoleDefinition {
  key: string;
  /** Display name; the access layer ignores it. */
  name?: unknown;
  /** Manage everything in the app, every form included. */
  manageApp?: boolean;
  /** Forms not listed are out of reach. */
  forms: readonly FormPermission[];
}

/** Record actions guarded by a data scope. */
export type ScopedAction = 'view' | 'edit' | 'delete';

/** The caller as the access layer sees it; ids are 24-hex-digit strings. */
export interface AccessSubject {
  /** The user id (records carry it, as an ObjectId, in `owner`). */
  userId: string;
  /** Workspace roles and app role keys of the membership (API tokens: their one role). */
  roles: readonly string[];
  /** The member's department (records carry it in `dept`); absent when the member has none. */
  department?: string | undefined;
  /** The department and all departments below it (includes `department`). */
  departmentAndBelow?: readonly string[];
}
