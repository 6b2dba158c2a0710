import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session, signIn } from '../auth/test-helpers.js';
import { label } from '../records/test-fixtures.js';

/** A workspace with a `crm` app, its `deals` form, members of two roles and records of each. */
export interface ReportWorld {
  owner: Session & { workspaceId: string };
  /** Role `rep`: views own records, `margin` hidden. */
  rep: Session;
  otherRep: Session;
  /** Role `lead`: views all records and every field. */
  lead: Session;
  /** A member with no role granting the form. */
  outsider: Session;
  ws: string;
  base: string;
  appId: string;
  formId: string;
}

const options = (...values: string[]) => values.map((value) => ({ value, label: label(value) }));

/** The records of the world: who writes them, and their data. */
export const DEALS: ReadonlyArray<{ by: 'rep' | 'otherRep' | 'owner'; data: Record<string, unknown> }> = [
  {
    by: 'rep',
    data: {
      name: 'a',
      region: 'north',
      amount: 100,
      margin: 11,
      stage: 'lead',
      closeDate: '2026-01-10',
      tags: ['x'],
    },
  },
  {
    by: 'rep',
    data: {
      name: 'b',
      region: 'south',
      amount: 200,
      margin: 22,
      stage: 'won',
      closeDate: '2026-02-10',
      tags: ['x', 'y'],
    },
  },
  {
    by: 'otherRep',
    data: { name: 'c', region: 'north', amount: 400, margin: 44, stage: 'lead', closeDate: '2026-04-02' },
  },
  {
    by: 'otherRep',
    data: { name: 'd', region: 'east', amount: 800, margin: 88, stage: 'proposal', closeDate: '2026-05-20' },
  },
  {
    by: 'owner',
    data: { name: 'e', region: 'east', amount: 1600, margin: 99, stage: 'won', closeDate: '2026-05-21' },
  },
];

/** POSTs a report query as `who`. */
export function query(
  t: TestApp,
  world: Pick<ReportWorld, 'base'>,
  who: { headers: Record<string, string> },
  body: unknown,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: `${world.base}/reports/query`,
    headers: who.headers,
    payload: body as Record<string, unknown>,
  });
}

/** A widget over `deals` with defaults for the required keys. */
export function widget(spec: Record<string, unknown>): Record<string, unknown> {
  return { key: 'w', title: { en: 'W' }, source: { form: 'deals' }, ...spec };
}

/**
 * Builds the world: on a fresh test app by running setup, or in a workspace `owner` already owns
 * (`domain` keeps the members' emails apart).
 */
export async function buildWorld(
  t: TestApp,
  existing?: { owner: Session & { workspaceId: string }; domain: string },
): Promise<ReportWorld> {
  const owner = existing?.owner ?? (await runSetup(t.app));
  const ws = owner.workspaceId;
  const base = `/api/v1/workspaces/${ws}`;
  const post = (path: string, payload: unknown, headers = owner.headers) =>
    t.app.inject({
      method: 'POST',
      url: `${base}${path}`,
      headers,
      payload: payload as Record<string, unknown>,
    });
  const app = await post('/apps', {
    key: 'crm',
    name: label('CRM'),
    roles: [
      {
        key: 'rep',
        name: label('Rep'),
        forms: [
          {
            form: 'deals',
            submit: true,
            view: 'own',
            edit: 'own',
            fields: [{ field: 'margin', access: 'hidden' }],
          },
        ],
      },
      { key: 'lead', name: label('Lead'), forms: [{ form: 'deals', view: 'all' }] },
      { key: 'clerk', name: label('Clerk'), forms: [] },
    ],
  });
  expect(app.statusCode, app.body).toBe(201);
  const appId = app.json().id as string;
  const form = await post(`/apps/${appId}/forms`, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'name', type: 'text', label: label('Name') },
      { key: 'region', type: 'select', label: label('Region'), options: options('north', 'south', 'east') },
      { key: 'amount', type: 'number', label: label('Amount') },
      { key: 'margin', type: 'number', label: label('Margin') },
      // Made of margin: hidden from whoever margin is hidden from.
      {
        key: 'marginx2',
        type: 'formula',
        label: label('Margin x2'),
        expression: 'margin * 2',
        resultType: 'number',
      },
      { key: 'stage', type: 'select', label: label('Stage'), options: options('lead', 'proposal', 'won') },
      { key: 'closeDate', type: 'date', label: label('Close date') },
      { key: 'tags', type: 'multiselect', label: label('Tags'), options: options('x', 'y') },
    ],
  });
  expect(form.statusCode, form.body).toBe(201);
  const formId = form.json().id as string;
  const domain = existing?.domain ?? 'example.com';
  const rep = await addMember(t.app, owner, ws, `rep@${domain}`, ['member', 'rep']);
  const otherRep = await addMember(t.app, owner, ws, `rep2@${domain}`, ['member', 'rep']);
  const lead = await addMember(t.app, owner, ws, `lead@${domain}`, ['member', 'lead']);
  const outsider = await addMember(t.app, owner, ws, `clerk@${domain}`, ['member', 'clerk']);
  const sessions = { rep, otherRep, owner };
  for (const deal of DEALS) {
    const who = sessions[deal.by];
    // Reps may not write the hidden margin: they create, the owner sets it.
    const { margin, ...data } = deal.data;
    const created = await post(`/forms/${formId}/records`, { data }, who.headers);
    expect(created.statusCode, created.body).toBe(201);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `${base}/forms/${formId}/records/${created.json().id}`,
      headers: owner.headers,
      payload: { v: 1, data: { margin } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
  }
  return { owner, rep, otherRep, lead, outsider, ws, base, appId, formId };
}

/** A second workspace, made by `admin`, owned by a new user who is signed in. */
export async function otherWorkspace(
  t: TestApp,
  admin: Session,
  email: string,
): Promise<Session & { workspaceId: string }> {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/workspaces',
    headers: admin.headers,
    payload: { name: 'Elsewhere' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const workspaceId = created.json().id as string;
  await addMember(t.app, admin, workspaceId, email, ['owner']);
  return { ...(await signIn(t.app, email)), workspaceId };
}
