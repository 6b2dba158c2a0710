import { type AppInputs, type DerivedAccess, derivedAccess } from '@formloom/form-runtime';
import { Types } from 'mongoose';
import { compileFilter, type FilterField } from '../filter-dsl/index.js';
import type {
  AccessSubject,
  AppRoleDefinition,
  DataScope,
  FormPermission,
  ScopedAction,
  WorkspaceRole,
} from './types.js';

/** A MongoDB query document built by this layer (never taken from a client as it is). */
export type MongoFilter = Record<string, unknown>;

/** A filter that matches no document; used where a scope cannot reach anything. */
export const MATCH_NOTHING: Readonly<MongoFilter> = Object.freeze({ _id: { $in: [] } });

/** How a form's custom scopes are compiled: its filterable fields, the clock and the time zone. */
export interface FormAccessOptions {
  /** The form's filterable fields (as the records module builds them for the filter DSL). */
  fields: ReadonlyMap<string, FilterField>;
  now?: Date;
  timeZone?: string;
  /**
   * What the derived fields of every form of the app are made of: with it, a value made of a hidden one
   * is hidden too (see {@link derivedHidden}). Without it only listed fields are hidden.
   */
  inputs?: AppInputs;
}

/** Where the records of one form live: every record query starts with these, `ws` first. */
export interface FormLocation {
  ws: unknown;
  form: unknown;
}

/** What one caller may do with one form, computed once per request and used by every record operation. */
export interface FormAccess {
  /** Workspace owners and admins reach every record and field. */
  readonly privileged: boolean;
  readonly canSubmit: boolean;
  readonly canExport: boolean;
  readonly canManage: boolean;
  /** True when some role grants the action (with some scope). */
  can(action: ScopedAction): boolean;
  /**
   * The MongoDB filter for the action: `{ ws, form, ...scope }` with `ws` first, or `null` when no role
   * grants the action. `extra` (a compiled client filter) is and-ed in, never replacing the scope.
   */
  filter(action: ScopedAction, extra?: MongoFilter): MongoFilter | null;
  /**
   * Field keys the caller may not see (absent from every payload): those the roles hide, and derived
   * values made of hidden ones (unless declassified).
   */
  readonly hidden: ReadonlySet<string>;
  /**
   * Derived fields (lookups, and what is made of them) shown record by record: only where every record
   * the listed relation fields (keys, or `subform.column`) name is one the caller may view. They cannot
   * be filtered, sorted or grouped by.
   */
  readonly perRecord: ReadonlyMap<string, readonly string[]>;
  /** Field keys the caller may see but not write (hidden ones are also not writable). */
  readonly readOnly: ReadonlySet<string>;
  /** A copy of a record's `data` without hidden fields. */
  strip<T extends Record<string, unknown>>(data: T): Partial<T>;
  /** Keys of `data` the caller may not write (hidden or read-only); empty when the write is allowed. */
  forbiddenWrites(data: Record<string, unknown>): string[];
}

/** The workspace role a member's role list amounts to (owner > admin > member). */
export function workspaceRole(roles: readonly string[]): WorkspaceRole {
  if (roles.includes('owner')) return 'owner';
  if (roles.includes('admin')) return 'admin';
  return 'member';
}

/** The part of a record filter that one scope adds, or `null` for a scope that reaches nothing. */
export function scopeFilter(
  scope: DataScope,
  subject: AccessSubject,
  options: FormAccessOptions,
): MongoFilter | null {
  if (scope === 'all') return {};
  if (scope === 'own') return { owner: objectId(subject.userId) };
  if (scope === 'department') {
    return subject.department === undefined ? null : { dept: objectId(subject.department) };
  }
  if (scope === 'departmentAndBelow') {
    const below =
      subject.departmentAndBelow ?? (subject.department === undefined ? [] : [subject.department]);
    return below.length === 0 ? null : { dept: { $in: below.map(objectId) } };
  }
  // Custom scopes go through the one filter-DSL compiler, so `$me` / `$myDepartment` and operator
  // injection are handled exactly as in client filters.
  return compileFilter(scope.custom, {
    fields: options.fields,
    context: {
      userId: subject.userId,
      departmentId: subject.department,
      now: options.now ?? new Date(),
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    },
    basePath: '/scope/custom',
  });
}

/** Records store owners and departments as ObjectIds; subjects carry them as hex strings. */
function objectId(hex: string): Types.ObjectId {
  return new Types.ObjectId(hex);
}

function isEmpty(filter: MongoFilter): boolean {
  return Object.keys(filter).length === 0;
}

/** The form permissions the subject's roles hold for a form, in role order. */
function grantsFor(subject: AccessSubject, roles: readonly AppRoleDefinition[], formKey: string) {
  const held = new Set(subject.roles);
  const grants: FormPermission[] = [];
  let manageApp = false;
  for (const role of roles) {
    if (!held.has(role.key)) continue;
    if (role.manageApp === true) manageApp = true;
    for (const permission of role.forms) if (permission.form === formKey) grants.push(permission);
  }
  return { grants, manageApp };
}

function accessOf(grant: FormPermission, field: string): string {
  return grant.fields?.find((entry) => entry.field === field)?.access ?? '';
}

/** Keys restricted in every one of `grants` (a field one role shows stays visible: roles add up). */
function restrictedInAll(grants: readonly FormPermission[], restricted: (access: string) => boolean) {
  const result = new Set<string>();
  const [first, ...rest] = grants;
  if (!first) return result;
  for (const { field, access } of first.fields ?? []) {
    if (!restricted(access)) continue;
    if (rest.every((grant) => restricted(accessOf(grant, field)))) result.add(field);
  }
  return result;
}

function stripKeys<T extends Record<string, unknown>>(data: T, hidden: ReadonlySet<string>): Partial<T> {
  const out: Record<string, unknown> = {};
  const nested = new Map<string, Set<string>>();
  for (const key of hidden) {
    const dot = key.indexOf('.');
    if (dot < 0) continue;
    const parent = key.slice(0, dot);
    const column = key.slice(dot + 1);
    const columns = nested.get(parent) ?? new Set<string>();
    columns.add(column);
    nested.set(parent, columns);
  }
  for (const [key, value] of Object.entries(data)) {
    if (hidden.has(key)) continue;
    const columns = nested.get(key);
    if (columns && Array.isArray(value)) {
      // Subform rows: drop the hidden columns from every row.
      out[key] = value.map((row: unknown) =>
        row !== null && typeof row === 'object' && !Array.isArray(row)
          ? Object.fromEntries(Object.entries(row).filter(([column]) => !columns.has(column)))
          : row,
      );
    } else if (columns && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).filter(([column]) => !columns.has(column)));
    } else {
      out[key] = value;
    }
  }
  return out as Partial<T>;
}

/**
 * Computes what `subject` may do with the form `formKey` under the app's role definitions. Several roles
 * add up: an action's scope is the union (`$or`) of the scopes of every role granting it, and a field is
 * hidden (or read-only) only when every role granting the action restricts it.
 */
export function formAccess(
  subject: AccessSubject,
  roles: readonly AppRoleDefinition[],
  formKey: string,
  location: FormLocation,
  options: FormAccessOptions,
): FormAccess {
  const privileged = workspaceRole(subject.roles) !== 'member';
  const { grants, manageApp } = privileged
    ? { grants: [], manageApp: true }
    : grantsFor(subject, roles, formKey);
  const viewers = grants.filter((grant) => grant.view !== undefined);
  const editors = grants.filter((grant) => grant.edit !== undefined);
  const derived = privileged || !options.inputs ? null : derivedHidden(subject, roles, options.inputs);
  const hidden = privileged
    ? new Set<string>()
    : derived
      ? new Set(derived.hidden(formKey)?.keys() ?? restrictedInAll(viewers, (a) => a === 'hidden'))
      : restrictedInAll(viewers, (a) => a === 'hidden');
  const editRestricted = restrictedInAll(editors, (a) => a === 'hidden' || a === 'readOnly');
  const readOnly = privileged ? new Set<string>() : new Set([...editRestricted, ...hidden]);

  const scopes = (action: ScopedAction): MongoFilter[] | null => {
    if (privileged) return [{}];
    const parts: MongoFilter[] = [];
    for (const grant of grants) {
      const scope = grant[action];
      if (scope === undefined) continue;
      const part = scopeFilter(scope, subject, options);
      if (part) parts.push(part);
    }
    return parts.length > 0 ? parts : null;
  };
  const granted = (action: ScopedAction) => privileged || grants.some((grant) => grant[action] !== undefined);

  return {
    privileged,
    canSubmit: privileged || grants.some((grant) => grant.submit === true),
    canExport: privileged || grants.some((grant) => grant.export === true),
    canManage: privileged || manageApp || grants.some((grant) => grant.manage === true),
    can: granted,
    filter(action, extra) {
      if (!granted(action)) return null;
      const parts = scopes(action);
      // Granted, but every scope is out of reach for this caller (e.g. `department` without one).
      const scope: MongoFilter = parts === null ? { ...MATCH_NOTHING } : combineScopes(parts);
      const filter: MongoFilter = { ws: location.ws, form: location.form };
      const clauses = [scope, ...(extra ? [extra] : [])].filter((clause) => !isEmpty(clause));
      if (clauses.length === 1 && clauses[0]) Object.assign(filter, mergeable(clauses[0]));
      else if (clauses.length > 1) filter.$and = clauses;
      return filter;
    },
    hidden,
    perRecord: derived ? derived.perRecord(formKey) : new Map(),
    readOnly,
    strip: (data) => stripKeys(data, hidden),
    forbiddenWrites: (data) => forbiddenKeys(data, readOnly),
  };
}

const derivations = new WeakMap<
  AppInputs,
  WeakMap<readonly AppRoleDefinition[], Map<string, DerivedAccess>>
>();

/**
 * The subject's field access over every form of the app with derived values (form-runtime's
 * `derivedAccess`): formulas, lookups, rollups and default formulas made of a hidden value are hidden,
 * transitively, unless a role declassifies them; lookups through relations to forms the subject may not
 * view entirely are shown record by record. Cached per app definition and held roles.
 */
export function derivedHidden(
  subject: AccessSubject,
  roles: readonly AppRoleDefinition[],
  inputs: AppInputs,
): DerivedAccess {
  let byRoles = derivations.get(inputs);
  if (!byRoles) {
    byRoles = new WeakMap();
    derivations.set(inputs, byRoles);
  }
  let byHeld = byRoles.get(roles);
  if (!byHeld) {
    byHeld = new Map();
    byRoles.set(roles, byHeld);
  }
  const key = [...new Set(subject.roles)].sort().join(',');
  let result = byHeld.get(key);
  if (!result) {
    const held = roles.filter((role) => subject.roles.includes(role.key));
    const viewsAll = (form: string) =>
      held.some((role) => role.forms.some((grant) => grant.form === form && grant.view === 'all'));
    result = derivedAccess(
      held.map((role) => role.forms),
      inputs,
      { viewsAll },
    );
    if (byHeld.size >= 256) byHeld.clear();
    byHeld.set(key, result);
  }
  return result;
}

/** Written keys that are restricted; `subform.column` counts when any written row carries the column. */
function forbiddenKeys(data: Record<string, unknown>, restricted: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const key of restricted) {
    const dot = key.indexOf('.');
    if (dot < 0) {
      if (Object.hasOwn(data, key)) found.push(key);
      continue;
    }
    const value = data[key.slice(0, dot)];
    const column = key.slice(dot + 1);
    const rows = Array.isArray(value) ? value : [value];
    if (rows.some((row) => row !== null && typeof row === 'object' && Object.hasOwn(row, column))) {
      found.push(key);
    }
  }
  return found;
}

function combineScopes(parts: MongoFilter[]): MongoFilter {
  if (parts.some(isEmpty)) return {};
  return parts.length === 1 && parts[0] ? parts[0] : { $or: parts };
}

/** A clause whose keys cannot clash with `ws` / `form` is spread in; otherwise it goes under `$and`. */
function mergeable(clause: MongoFilter): MongoFilter {
  return 'ws' in clause || 'form' in clause ? { $and: [clause] } : clause;
}
