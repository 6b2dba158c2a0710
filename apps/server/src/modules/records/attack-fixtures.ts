import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { label } from './test-fixtures.js';

/**
 * The world the records attack suites play in (issue 10): a rep whose role hides `margin` on deals, and
 * every way a value can be derived from it — a formula (`marginx2 = margin * 2`), a lookup of another form,
 * subform columns — next to a declassified formula (`payable`) the rep must see. Another rep owns records
 * the first cannot view, with values to look for in every answer.
 */
export interface AccessWorld {
  owner: Session & { workspaceId: string };
  /** Role `rep`: own deals and customers, `margin`, `items.cost` and `customers.creditLimit` hidden. */
  rep: Session;
  otherRep: Session;
  /** Role `lead`: sees every record and field. */
  lead: Session;
  ws: string;
  base: string;
  appId: string;
  forms: { customers: string; deals: string; visits: string };
  /** Records by name: `mine` (rep's deal), `theirs` (otherRep's deal), customers `acme` (rep's), `secretCo`. */
  ids: Record<RecordName, string>;
}

/** The records every world starts with. */
export type RecordName = 'acme' | 'secretCo' | 'mine' | 'theirs';

/** Values only the owner, the lead and otherRep may see; none may appear in an answer to the rep. */
export const SECRETS = {
  /** `margin` of the rep's own deal (hidden by role) and what formulas make of it. */
  margin: 7919,
  marginx2: 15838,
  marginx4: 31676,
  /** `items.cost` of the rep's deal (a hidden subform column) and its row total. */
  cost: 613,
  lineCost: 1226,
  /** Another rep's customer, never visible to the rep. */
  secretName: 'Zanzibar Holdings',
  creditLimit: 90001,
  /** Another rep's deal. */
  theirCode: 'THEIRS-42',
  theirName: 'Theirs',
} as const;

const options = (...values: string[]) => values.map((value) => ({ value, label: label(value) }));

/** The roles of the app: `rep` is the attacker's role. */
export const ROLES = [
  {
    key: 'rep',
    name: label('Rep'),
    forms: [
      {
        form: 'customers',
        submit: true,
        view: 'own',
        edit: 'own',
        fields: [{ field: 'creditLimit', access: 'hidden' }],
      },
      {
        form: 'deals',
        submit: true,
        view: 'own',
        edit: 'own',
        export: true,
        fields: [
          { field: 'margin', access: 'hidden' },
          { field: 'items.cost', access: 'hidden' },
          { field: 'discount', access: 'readOnly' },
          // Made of margin, and shown to the rep all the same.
          { field: 'payable', access: 'visible' },
        ],
      },
      { form: 'visits', submit: true, view: 'all', edit: 'own', export: true },
    ],
  },
  {
    key: 'lead',
    name: label('Lead'),
    forms: [
      { form: 'customers', submit: true, view: 'all', edit: 'all' },
      { form: 'deals', submit: true, view: 'all', edit: 'all', export: true },
      { form: 'visits', submit: true, view: 'all', edit: 'all', export: true },
    ],
  },
];

export const CUSTOMERS = {
  key: 'customers',
  name: label('Customers'),
  fields: [
    { key: 'name', type: 'text', label: label('Name') },
    { key: 'tier', type: 'select', label: label('Tier'), options: options('gold', 'silver') },
    { key: 'creditLimit', type: 'number', label: label('Credit limit') },
  ],
};

export const DEALS = {
  key: 'deals',
  name: label('Deals'),
  fields: [
    { key: 'name', type: 'text', label: label('Name') },
    { key: 'code', type: 'text', label: label('Code'), unique: true },
    { key: 'amount', type: 'number', label: label('Amount') },
    { key: 'margin', type: 'number', label: label('Margin') },
    { key: 'discount', type: 'number', label: label('Discount') },
    {
      key: 'marginx2',
      type: 'formula',
      label: label('Margin x2'),
      expression: 'margin * 2',
      resultType: 'number',
    },
    {
      key: 'payable',
      type: 'formula',
      label: label('Payable'),
      expression: 'amount * 0.1 + margin',
      resultType: 'number',
    },
    // Derived from a derived value: hidden transitively.
    {
      key: 'marginx4',
      type: 'formula',
      label: label('Margin x4'),
      expression: 'marginx2 * 2',
      resultType: 'number',
    },
    { key: 'customer', type: 'relation', label: label('Customer'), form: 'customers', displayField: 'name' },
    {
      key: 'customerName',
      type: 'lookup',
      label: label('Customer name'),
      relation: 'customer',
      field: 'name',
    },
    {
      key: 'partners',
      type: 'relation',
      label: label('Partners'),
      form: 'customers',
      multiple: true,
      displayField: 'name',
    },
    {
      key: 'partnerNames',
      type: 'lookup',
      label: label('Partner names'),
      relation: 'partners',
      field: 'name',
    },
    {
      key: 'customerLimit',
      type: 'lookup',
      label: label('Customer limit'),
      relation: 'customer',
      field: 'creditLimit',
    },
    {
      key: 'items',
      type: 'subform',
      label: label('Items'),
      columns: [
        { key: 'sku', type: 'text', label: label('SKU') },
        { key: 'qty', type: 'number', label: label('Qty') },
        { key: 'cost', type: 'number', label: label('Cost') },
        { key: 'supplier', type: 'relation', label: label('Supplier'), form: 'customers' },
        {
          key: 'supplierName',
          type: 'lookup',
          label: label('Supplier name'),
          relation: 'supplier',
          field: 'name',
        },
        {
          key: 'lineCost',
          type: 'formula',
          label: label('Line cost'),
          expression: 'qty * cost',
          resultType: 'number',
        },
      ],
    },
    {
      key: 'itemsCost',
      type: 'formula',
      label: label('Items cost'),
      expression: 'SUM(items.lineCost)',
      resultType: 'number',
    },
    {
      key: 'qtyTotal',
      type: 'formula',
      label: label('Quantity'),
      expression: 'SUM(items.qty)',
      resultType: 'number',
    },
    { key: 'stage', type: 'select', label: label('Stage'), options: options('open', 'won') },
  ],
};

export const VISITS = {
  key: 'visits',
  name: label('Visits'),
  fields: [
    { key: 'note', type: 'text', label: label('Note') },
    { key: 'deal', type: 'relation', label: label('Deal'), form: 'deals', displayField: 'name' },
    { key: 'dealName', type: 'lookup', label: label('Deal name'), relation: 'deal', field: 'name' },
    { key: 'dealMargin', type: 'lookup', label: label('Deal margin'), relation: 'deal', field: 'margin' },
    {
      key: 'dealMarginx2',
      type: 'lookup',
      label: label('Deal margin x2'),
      relation: 'deal',
      field: 'marginx2',
    },
    { key: 'dealAmount', type: 'lookup', label: label('Deal amount'), relation: 'deal', field: 'amount' },
  ],
};

/**
 * The secrets found in an answer, as text: numbers not inside longer numbers, names anywhere. An answer
 * to the rep holding any of them leaks.
 */
export function secretsIn(body: string): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(SECRETS)) {
    const pattern =
      typeof value === 'number'
        ? new RegExp(`(?<![0-9a-zA-Z.])${value}(?![0-9a-zA-Z])`)
        : new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    if (pattern.test(body)) found.push(name);
  }
  return found;
}

/** A request as `who`. */
export function request(
  t: TestApp,
  world: Pick<AccessWorld, 'base'>,
  who: { headers: Record<string, string> },
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url: `${world.base}${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** Builds the world on a fresh test app; `roles` replaces the app's roles (declassification tests). */
export async function buildAccessWorld(t: TestApp, roles: unknown[] = ROLES): Promise<AccessWorld> {
  const owner = await runSetup(t.app);
  const ws = owner.workspaceId;
  const base = `/api/v1/workspaces/${ws}`;
  const as = (who: Session, method: 'POST' | 'PATCH', path: string, payload: unknown) =>
    request(t, { base }, who, method, path, payload);
  const app = await as(owner, 'POST', '/apps', { key: 'crm', name: label('CRM'), roles });
  expect(app.statusCode, app.body).toBe(201);
  const appId = app.json().id as string;
  const forms = { customers: '', deals: '', visits: '' };
  for (const definition of [CUSTOMERS, DEALS, VISITS]) {
    const res = await as(owner, 'POST', `/apps/${appId}/forms`, definition);
    expect(res.statusCode, res.body).toBe(201);
    forms[definition.key as keyof typeof forms] = res.json().id;
  }
  const rep = await addMember(t.app, owner, ws, 'rep@example.com', ['member', 'rep']);
  const otherRep = await addMember(t.app, owner, ws, 'rep2@example.com', ['member', 'rep']);
  const lead = await addMember(t.app, owner, ws, 'lead@example.com', ['member', 'lead']);
  const ids: Record<RecordName, string> = { acme: '', secretCo: '', mine: '', theirs: '' };
  const create = async (who: Session, form: keyof typeof forms, name: RecordName, data: unknown) => {
    const res = await as(who, 'POST', `/forms/${forms[form]}/records`, { data });
    expect(res.statusCode, res.body).toBe(201);
    ids[name] = res.json().id;
    return res.json();
  };
  await create(rep, 'customers', 'acme', { name: 'Acme', tier: 'gold' });
  await create(otherRep, 'customers', 'secretCo', { name: SECRETS.secretName, tier: 'silver' });
  for (const [id, limit] of [
    [ids.acme, 5000],
    [ids.secretCo, SECRETS.creditLimit],
  ] as const) {
    const set = await as(owner, 'PATCH', `/forms/${forms.customers}/records/${id}`, {
      v: 1,
      data: { creditLimit: limit },
    });
    expect(set.statusCode, set.body).toBe(200);
  }
  await create(rep, 'deals', 'mine', {
    name: 'Mine',
    code: 'MINE-1',
    amount: 100,
    customer: ids.acme,
    stage: 'open',
    items: [{ sku: 'a', qty: 2 }],
  });
  // The owner writes what the rep may not: the margin and the hidden cost column.
  const mine = await as(owner, 'PATCH', `/forms/${forms.deals}/records/${ids.mine}`, {
    v: 1,
    data: { margin: SECRETS.margin, discount: 5, items: [{ sku: 'a', qty: 2, cost: SECRETS.cost }] },
  });
  expect(mine.statusCode, mine.body).toBe(200);
  await create(otherRep, 'deals', 'theirs', {
    name: SECRETS.theirName,
    code: SECRETS.theirCode,
    amount: 300,
    customer: ids.secretCo,
    stage: 'won',
  });
  return { owner, rep, otherRep, lead, ws, base, appId, forms, ids };
}
