import type { Role } from '@formloom/schema';
import { Query } from 'mingo';
import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import type { FilterField } from '../filter-dsl/index.js';
import { type FormAccessOptions, formAccess, MATCH_NOTHING, workspaceRole } from './policy.js';
import type { AccessSubject, AppRoleDefinition } from './types.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const id = (n: number) => new Types.ObjectId(hex(n));
// Users u1..u4 and departments; records store both as ObjectIds.
const [u1, u4] = [hex(1), hex(4)];
const [sales, salesEast] = [hex(101), hex(102)];
const fields = new Map<string, FilterField>([
  ['amount', { path: 'data.amount', kind: 'number' }],
  ['_owner', { path: 'owner', kind: 'objectId', refersTo: 'member' }],
  ['_dept', { path: 'dept', kind: 'objectId', refersTo: 'department' }],
]);
const options: FormAccessOptions = { fields, now: new Date('2026-05-20T10:00:00Z') };

// A sales-like app, as a template's roles.json would define it (words are fine in tests).
const roles: AppRoleDefinition[] = [
  {
    key: 'rep',
    forms: [
      {
        form: 'deals',
        submit: true,
        view: 'own',
        edit: 'own',
        fields: [
          { field: 'margin', access: 'hidden' },
          { field: 'commission', access: 'readOnly' },
          { field: 'items.cost', access: 'hidden' },
        ],
      },
    ],
  },
  {
    key: 'manager',
    forms: [{ form: 'deals', submit: true, view: 'departmentAndBelow', edit: 'department', export: true }],
  },
  {
    key: 'finance',
    forms: [
      { form: 'deals', view: 'all', fields: [{ field: 'notes', access: 'hidden' }] },
      { form: 'invoices', view: 'all', manage: true },
    ],
  },
  {
    key: 'auditor',
    forms: [
      {
        form: 'deals',
        view: { custom: { field: 'amount', op: 'gte', value: 10000 } },
        delete: { custom: { field: '_owner', op: 'eq', value: { $me: true } } },
      },
    ],
  },
  { key: 'appAdmin', manageApp: true, forms: [] },
];

const loc = { ws: 'W', form: 'F' };
const records = [
  { _id: 1, ws: 'W', form: 'F', owner: id(1), dept: id(101), data: { amount: 100, margin: 30 } },
  { _id: 2, ws: 'W', form: 'F', owner: id(2), dept: id(101), data: { amount: 20000, margin: 10 } },
  { _id: 3, ws: 'W', form: 'F', owner: id(3), dept: id(102), data: { amount: 500 } },
  { _id: 4, ws: 'W', form: 'F', owner: id(4), dept: id(103), data: { amount: 50 } },
  { _id: 5, ws: 'OTHER', form: 'F', owner: id(1), dept: id(101), data: { amount: 100 } },
  { _id: 6, ws: 'W', form: 'G', owner: id(1), dept: id(101), data: { amount: 100 } },
];

function subject(roleKeys: string[], extra: Partial<AccessSubject> = {}): AccessSubject {
  return {
    userId: u1,
    roles: roleKeys,
    department: sales,
    departmentAndBelow: [sales, salesEast],
    ...extra,
  };
}

function reach(s: AccessSubject, action: 'view' | 'edit' | 'delete', extra?: Record<string, unknown>) {
  const filter = formAccess(s, roles, 'deals', loc, options).filter(action, extra);
  if (filter === null) return null;
  const query = new Query(filter);
  return records.filter((record) => query.test(record)).map((record) => record._id);
}

describe('formAccess: data scopes', () => {
  it('puts ws first, then the form, then the scope', () => {
    const filter = formAccess(subject(['member', 'rep']), roles, 'deals', loc, options).filter('view');
    expect(Object.keys(filter ?? {})).toEqual(['ws', 'form', 'owner']);
    expect(filter).toEqual({ ws: 'W', form: 'F', owner: id(1) });
  });

  it('own: only the caller’s records of this workspace and form', () => {
    expect(reach(subject(['rep']), 'view')).toEqual([1]);
  });

  it('department and departmentAndBelow', () => {
    expect(reach(subject(['manager']), 'view')).toEqual([1, 2, 3]);
    expect(reach(subject(['manager']), 'edit')).toEqual([1, 2]);
  });

  it('all, still inside the workspace and the form', () => {
    expect(reach(subject(['finance']), 'view')).toEqual([1, 2, 3, 4]);
  });

  it('custom filters with $me', () => {
    expect(reach(subject(['auditor']), 'view')).toEqual([2]);
    expect(reach(subject(['auditor']), 'delete')).toEqual([1]);
    expect(reach(subject(['auditor'], { userId: u4 }), 'delete')).toEqual([4]);
  });

  it('several roles add up (union of scopes)', () => {
    expect(reach(subject(['rep', 'auditor']), 'view')).toEqual([1, 2]);
    expect(reach(subject(['rep', 'finance']), 'view')).toEqual([1, 2, 3, 4]);
  });

  it('an action no role grants has no filter', () => {
    expect(reach(subject(['rep']), 'delete')).toBeNull();
    expect(reach(subject(['finance']), 'edit')).toBeNull();
    expect(reach(subject([]), 'view')).toBeNull();
    expect(reach(subject(['unknown-role']), 'view')).toBeNull();
    expect(formAccess(subject(['finance']), roles, 'nope', loc, options).can('view')).toBe(false);
  });

  it('a granted scope the caller cannot reach matches nothing', () => {
    const noDept = subject(['manager'], { departmentAndBelow: [] });
    delete (noDept as { department?: unknown }).department;
    expect(reach(noDept, 'view')).toEqual([]);
    expect(reach(noDept, 'edit')).toEqual([]);
    expect(formAccess(noDept, roles, 'deals', loc, options).filter('edit')).toMatchObject(MATCH_NOTHING);
  });

  it('a client filter narrows the scope and cannot widen it', () => {
    expect(reach(subject(['manager']), 'view', { 'data.amount': { $gte: 400 } })).toEqual([2, 3]);
    // A client filter that tries to name another workspace still lands inside W.
    expect(reach(subject(['finance']), 'view', { ws: 'OTHER' })).toEqual([]);
    expect(reach(subject(['rep']), 'view', { owner: id(2) })).toEqual([]);
  });

  it('a custom scope with operator injection is refused by the filter compiler', () => {
    const bad: AppRoleDefinition[] = [
      {
        key: 'x',
        forms: [{ form: 'deals', view: { custom: { field: 'amount', op: 'eq', value: { $gt: 0 } } } }],
      },
    ];
    const access = formAccess(subject(['x']), bad, 'deals', loc, options);
    let error: unknown;
    try {
      access.filter('view');
    } catch (caught) {
      error = caught;
    }
    expect(isAppError(error)).toBe(true);
    expect((error as { details?: { path: string }[] }).details?.[0]?.path).toMatch(/^\/scope\/custom/);
  });

  it('workspace owners and admins reach every record of their workspace', () => {
    expect(reach(subject(['admin']), 'delete')).toEqual([1, 2, 3, 4]);
    expect(reach(subject(['owner']), 'view')).toEqual([1, 2, 3, 4]);
  });
});

describe('formAccess: actions and fields', () => {
  it('submit, export, manage', () => {
    const rep = formAccess(subject(['rep']), roles, 'deals', loc, options);
    expect([rep.canSubmit, rep.canExport, rep.canManage]).toEqual([true, false, false]);
    const manager = formAccess(subject(['manager']), roles, 'deals', loc, options);
    expect([manager.canSubmit, manager.canExport]).toEqual([true, true]);
    expect(formAccess(subject(['finance']), roles, 'invoices', loc, options).canManage).toBe(true);
    expect(formAccess(subject(['admin']), roles, 'anything', loc, options).canManage).toBe(true);
    const appAdmin = formAccess(subject(['appAdmin']), roles, 'deals', loc, options);
    expect([appAdmin.canManage, appAdmin.can('view')]).toEqual([true, false]);
  });

  it('hides fields and makes hidden fields unwritable', () => {
    const rep = formAccess(subject(['rep']), roles, 'deals', loc, options);
    expect([...rep.hidden].sort()).toEqual(['items.cost', 'margin']);
    expect([...rep.readOnly].sort()).toEqual(['commission', 'items.cost', 'margin']);
    const data = { amount: 5, margin: 3, commission: 1, items: [{ sku: 'a', cost: 2 }, { sku: 'b' }] };
    expect(rep.strip(data)).toEqual({ amount: 5, commission: 1, items: [{ sku: 'a' }, { sku: 'b' }] });
    expect(data.margin).toBe(3); // strip copies
    expect(rep.forbiddenWrites({ amount: 1 })).toEqual([]);
    expect(rep.forbiddenWrites({ amount: 1, commission: 2, margin: 1 }).sort()).toEqual([
      'commission',
      'margin',
    ]);
    expect(rep.forbiddenWrites({ items: [{ sku: 'x' }] })).toEqual([]);
    expect(rep.forbiddenWrites({ items: [{ sku: 'x', cost: 1 }] })).toEqual(['items.cost']);
  });

  it('a field stays visible when another held role shows it', () => {
    const both = formAccess(subject(['rep', 'finance']), roles, 'deals', loc, options);
    expect([...both.hidden]).toEqual([]);
    expect(both.strip({ margin: 1, notes: 'x' })).toEqual({ margin: 1, notes: 'x' });
    const financeOnly = formAccess(subject(['finance']), roles, 'deals', loc, options);
    expect(financeOnly.strip({ margin: 1, notes: 'x' })).toEqual({ margin: 1 });
  });

  it('privileged roles see every field', () => {
    const admin = formAccess(subject(['admin', 'rep']), roles, 'deals', loc, options);
    expect(admin.strip({ margin: 1 })).toEqual({ margin: 1 });
    expect(admin.forbiddenWrites({ margin: 1 })).toEqual([]);
  });

  it('ignores role keys that only exist on Object.prototype', () => {
    expect(formAccess(subject(['rep']), roles, 'constructor', loc, options).can('view')).toBe(false);
    expect(formAccess(subject(['toString']), roles, 'deals', loc, options).can('view')).toBe(false);
  });
});

describe('the role shape of packages/schema', () => {
  it('is accepted as it is', () => {
    const role: Role = {
      key: 'viewer',
      name: { en: 'Viewer' },
      forms: [{ form: 'deals', view: 'all', fields: [{ field: 'margin', access: 'hidden' }] }],
    };
    // Compiles only while the schema's Role stays assignable to the access layer's definition.
    const definitions: AppRoleDefinition[] = [role];
    const access = formAccess(subject(['viewer']), definitions, 'deals', loc, options);
    expect(access.strip({ margin: 1, amount: 2 })).toEqual({ amount: 2 });
  });
});

describe('workspaceRole', () => {
  it('ranks owner over admin over member', () => {
    expect(workspaceRole(['member', 'owner', 'admin'])).toBe('owner');
    expect(workspaceRole(['admin', 'rep'])).toBe('admin');
    expect(workspaceRole(['rep'])).toBe('member');
  });
});
