import type { ApiErrorDetail } from '../../api/client';
import type { AppRole, DataScope, FormPermission, LocalizedText } from '../../api/endpoints';

/** The record actions guarded by a data scope. */
export const SCOPED_ACTIONS = ['view', 'edit', 'delete'] as const;
/** One of {@link SCOPED_ACTIONS}. */
export type ScopedAction = (typeof SCOPED_ACTIONS)[number];

/** The scope choices of a cell; `none` leaves the action out (not allowed). */
export const SCOPE_KINDS = ['none', 'all', 'own', 'department', 'departmentAndBelow', 'custom'] as const;
/** One of {@link SCOPE_KINDS}. */
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** A scope being edited: custom filters stay text until saved, so half-typed JSON is not lost. */
export interface ScopeDraft {
  kind: ScopeKind;
  /** The custom filter as JSON text (only read when `kind` is `custom`). */
  text: string;
}

/** What one role may do with one form, as the matrix edits it. */
export interface CellDraft {
  submit: boolean;
  export: boolean;
  manage: boolean;
  view: ScopeDraft;
  edit: ScopeDraft;
  delete: ScopeDraft;
  fields: { field: string; access: 'hidden' | 'readOnly' | 'visible' }[];
}

/** One row of the matrix. `uid` stays stable while the key is edited. */
export interface RoleDraft {
  uid: string;
  key: string;
  name: LocalizedText;
  manageApp: boolean;
  /** Parts of the role the matrix does not edit (description, dashboards), kept as they were. */
  rest: Omit<AppRole, 'key' | 'name' | 'manageApp' | 'forms'>;
  /** By form key; forms the app does not have (any more) are kept and reported by the server. */
  cells: Record<string, CellDraft>;
}

/** An empty cell: nothing allowed. */
export function emptyCell(): CellDraft {
  const none = (): ScopeDraft => ({ kind: 'none', text: '' });
  return {
    submit: false,
    export: false,
    manage: false,
    view: none(),
    edit: none(),
    delete: none(),
    fields: [],
  };
}

function scopeDraft(scope: DataScope | undefined): ScopeDraft {
  if (scope === undefined) return { kind: 'none', text: '' };
  if (typeof scope === 'string') return { kind: scope, text: '' };
  return { kind: 'custom', text: JSON.stringify(scope.custom, null, 2) };
}

let counter = 0;
/** A fresh row id (never sent to the server). */
export function newUid(): string {
  counter += 1;
  return `role-${counter}`;
}

/** The server's role list as matrix rows. */
export function toDrafts(roles: readonly AppRole[]): RoleDraft[] {
  return roles.map((role) => {
    const { key, name, manageApp, forms, ...rest } = role;
    const cells: Record<string, CellDraft> = {};
    for (const perm of forms) {
      cells[perm.form] = {
        submit: perm.submit === true,
        export: perm.export === true,
        manage: perm.manage === true,
        view: scopeDraft(perm.view),
        edit: scopeDraft(perm.edit),
        delete: scopeDraft(perm.delete),
        fields: [...(perm.fields ?? [])],
      };
    }
    return { uid: newUid(), key, name, manageApp: manageApp === true, rest, cells };
  });
}

/** True when the cell grants nothing and restricts nothing (it is left out of the role). */
export function isEmptyCell(cell: CellDraft): boolean {
  return (
    !cell.submit &&
    !cell.export &&
    !cell.manage &&
    SCOPED_ACTIONS.every((a) => cell[a].kind === 'none') &&
    cell.fields.length === 0
  );
}

/** Where a problem belongs in the matrix: a cell, a role's header, or the page. */
export type ErrorTarget =
  | { kind: 'cell'; uid: string; form: string }
  | { kind: 'role'; uid: string }
  | { kind: 'page' };

/** The role list to PUT, and for each role the form key of each emitted permission (to place errors). */
export interface Serialized {
  roles: AppRole[];
  formOrder: string[][];
  /** Client-side problems (custom filters that are not JSON), as the server would report them. */
  problems: ApiErrorDetail[];
}

/** Turns the rows into the API's role list; forms follow `formKeys`, unknown ones come last. */
export function serialize(drafts: readonly RoleDraft[], formKeys: readonly string[]): Serialized {
  const problems: ApiErrorDetail[] = [];
  const formOrder: string[][] = [];
  const roles = drafts.map((draft, i) => {
    const keys = [...formKeys, ...Object.keys(draft.cells).filter((k) => !formKeys.includes(k))];
    const order: string[] = [];
    const forms: FormPermission[] = [];
    for (const form of keys) {
      const cell = draft.cells[form];
      if (!cell || isEmptyCell(cell)) continue;
      const j = order.length;
      order.push(form);
      const perm: FormPermission = { form };
      if (cell.submit) perm.submit = true;
      for (const action of SCOPED_ACTIONS) {
        const scope = cell[action];
        if (scope.kind === 'none') continue;
        if (scope.kind !== 'custom') {
          perm[action] = scope.kind;
          continue;
        }
        try {
          perm[action] = { custom: JSON.parse(scope.text) as unknown };
        } catch {
          problems.push({ path: `/${i}/forms/${j}/${action}/custom`, message: 'invalid JSON' });
        }
      }
      if (cell.export) perm.export = true;
      if (cell.manage) perm.manage = true;
      if (cell.fields.length > 0) perm.fields = cell.fields.map((f) => ({ ...f }));
      forms.push(perm);
    }
    formOrder.push(order);
    const role: AppRole = { ...draft.rest, key: draft.key, name: draft.name, forms };
    if (draft.manageApp) role.manageApp = true;
    return role;
  });
  return { roles, formOrder, problems };
}

/** Finds the cell or role header a JSON pointer of a PUT's error detail points into. */
export function targetOf(
  path: string,
  drafts: readonly RoleDraft[],
  formOrder: readonly string[][],
): ErrorTarget {
  const match = /^\/(\d+)(?:\/forms\/(\d+))?/.exec(path);
  const i = match ? Number(match[1]) : Number.NaN;
  const draft = drafts[i];
  if (!match || !draft) return { kind: 'page' };
  if (match[2] === undefined) return { kind: 'role', uid: draft.uid };
  const form = formOrder[i]?.[Number(match[2])];
  return form === undefined ? { kind: 'role', uid: draft.uid } : { kind: 'cell', uid: draft.uid, form };
}

/** Error details grouped by where the matrix shows them. */
export interface PlacedErrors {
  cells: Map<string, ApiErrorDetail[]>;
  roles: Map<string, ApiErrorDetail[]>;
  page: ApiErrorDetail[];
}

/** Key of a cell in {@link PlacedErrors.cells}. */
export const cellKey = (uid: string, form: string) => `${uid}\u0000${form}`;

/** Places every detail next to the cell or role it is about; the rest go to the page. */
export function placeErrors(
  details: readonly ApiErrorDetail[],
  drafts: readonly RoleDraft[],
  formOrder: readonly string[][],
): PlacedErrors {
  const placed: PlacedErrors = { cells: new Map(), roles: new Map(), page: [] };
  const add = (map: Map<string, ApiErrorDetail[]>, key: string, d: ApiErrorDetail) =>
    map.set(key, [...(map.get(key) ?? []), d]);
  for (const detail of details) {
    const target = targetOf(detail.path, drafts, formOrder);
    if (target.kind === 'cell') add(placed.cells, cellKey(target.uid, target.form), detail);
    else if (target.kind === 'role') add(placed.roles, target.uid, detail);
    else placed.page.push(detail);
  }
  return placed;
}
