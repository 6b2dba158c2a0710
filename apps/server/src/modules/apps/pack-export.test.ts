import { validateTemplatePack } from '@formloom/schema';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { auditModel } from '../audit/service.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { richPack } from './test-fixtures.js';

let t: TestApp;
let owner: Session & { workspaceId: string };

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
});
afterAll(async () => t?.close());

function request(method: 'GET' | 'POST', path: string, payload?: unknown, headers = owner.headers) {
  return t.app.inject({
    method,
    url: `/api/v1${path}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

async function newWorkspace(name: string): Promise<string> {
  const res = await request('POST', '/workspaces', { name });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}

async function importPack(ws: string, body: Record<string, unknown>): Promise<string> {
  const res = await request('POST', `/workspaces/${ws}/apps/import`, body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { appId: string }).appId;
}

type Pack = Record<string, unknown> & {
  app: { key: string };
  records?: Record<string, Array<{ ref: string; data: Record<string, unknown> }>>;
};

async function exportPack(ws: string, app: string, data = true, headers = owner.headers): Promise<Pack> {
  const res = await request(
    'GET',
    `/workspaces/${ws}/apps/${app}/export${data ? '?data=true' : ''}`,
    undefined,
    headers,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Pack;
}

describe('export and import round trips', () => {
  let ws: string;
  let appId: string;
  let first: Pack;

  beforeAll(async () => {
    ws = await newWorkspace('Source');
    appId = await importPack(ws, { pack: richPack(), demoData: true });
    first = await exportPack(ws, appId);
  });

  it('exports the app as the pack it came from, records named by refs, no ids', () => {
    const original = richPack();
    for (const part of ['manifest', 'app', 'forms', 'flows', 'automations', 'dashboards', 'roles']) {
      expect(first[part], part).toEqual(original[part]);
    }
    expect(first.records?.projects?.[0]).toEqual({
      ref: 'r1',
      // People travel by email: the owner here, a member of the importing workspace there.
      owner: 'owner@example.com',
      data: {
        code: 'P1',
        client: 'r1',
        clientName: 'Acme',
        budget: 1000,
        discount: 0.1,
        items: [
          { item: 'a', qty: 2, price: 10 },
          { item: 'b', qty: 1, price: 5 },
        ],
        related: ['r2'],
        hours: 1.5,
      },
    });
    expect(first.records?.tasks?.map((r) => r.data.project)).toEqual(['r1', 'r1', 'r3']);
    expect(first.records?.tasks?.[0]?.data.links).toEqual([{ note: 'ask', client: 'r2' }]);
    // Computed values are left to the importing server; no id of this workspace or its people.
    expect(first.records?.clients?.[0]?.data).not.toHaveProperty('openBudget');
    expect(JSON.stringify(first)).not.toMatch(/[0-9a-fA-F]{24}/);
  });

  it('imports the export into another workspace as an equal app', async () => {
    const other = await newWorkspace('Target');
    const copy = await importPack(other, { pack: first, demoData: true });
    expect(await exportPack(other, copy)).toEqual(first);
    // Computed values come out the same, computed anew by the importing workspace.
    const computed = async (w: string, app: string) => {
      const forms = await request('GET', `/workspaces/${w}/apps/${app}/forms`);
      const clients = (forms.json() as Array<{ id: string; key: string }>).find((f) => f.key === 'clients');
      const list = await request('GET', `/workspaces/${w}/forms/${clients?.id}/records`);
      return (list.json() as { items: Array<{ data: Record<string, unknown> }> }).items.map((r) => [
        r.data.no,
        r.data.openBudget,
        r.data.projectCount,
        r.data.doubled,
      ]);
    };
    expect(await computed(other, copy)).toEqual(await computed(ws, appId));
    expect(await computed(ws, appId)).toContainEqual(['C-0001', 1500, 2, 3000]);
  });

  it('imports the export into the same workspace under a new key', async () => {
    const copy = await importPack(ws, { pack: first, demoData: true, appKey: 'studio_copy' });
    const second = await exportPack(ws, copy);
    expect(second.app.key).toBe('studio_copy');
    expect({ ...second, app: { ...second.app, key: first.app.key } }).toEqual(first);
  });

  it('leaves records out unless asked for, and audits every export', async () => {
    const bare = await exportPack(ws, appId, false);
    expect(bare).not.toHaveProperty('records');
    const res = await request('POST', `/workspaces/${await newWorkspace('Bare')}/apps/import`, {
      pack: bare,
      demoData: true,
    });
    expect(res.json()).toMatchObject({ records: 0 });
    const entries = await auditModel(t.store.connection)
      .find({ ws: new Types.ObjectId(ws), action: 'apps.exported' })
      .lean();
    expect(entries.map((e) => e.details)).toEqual(
      expect.arrayContaining([
        { data: true, records: 8 },
        { data: false, records: 0 },
      ]),
    );
  });
});

describe('an app built in the workspace', () => {
  it('exports as a valid pack (manifest from the app, member defaults left out) that imports back equal', async () => {
    const ws = await newWorkspace('Built');
    const created = await request('POST', `/workspaces/${ws}/apps`, { key: 'desk', name: { en: 'Desk' } });
    expect(created.statusCode).toBe(201);
    const app = (created.json() as { id: string }).id;
    const form = await request('POST', `/workspaces/${ws}/apps/${app}/forms`, {
      key: 'tickets',
      name: { en: 'Tickets' },
      fields: [
        { key: 'title', type: 'text', label: { en: 'Title' } },
        { key: 'agent', type: 'member', label: { en: 'Agent' }, default: { value: owner.userId } },
      ],
    });
    expect(form.statusCode, form.body).toBe(201);
    const pack = await exportPack(ws, app);
    const { records, ...documents } = pack;
    expect(validateTemplatePack(documents)).toEqual([]);
    expect(pack.manifest).toEqual({ key: 'desk', name: { en: 'Desk' }, version: '1.0.0', locales: ['en'] });
    expect(JSON.stringify(pack)).not.toContain(owner.userId);
    const target = await newWorkspace('Built copy');
    const copy = await importPack(target, { pack, demoData: true });
    expect(await exportPack(target, copy)).toEqual(pack);
  });
});

describe('who may export', () => {
  let ws: string;
  let appId: string;

  beforeAll(async () => {
    ws = await newWorkspace('Access');
    appId = await importPack(ws, { pack: richPack(), demoData: true });
  });

  it('refuses members without manageApp (403) and lets a manageApp role export what it may see', async () => {
    const editor = await addMember(t.app, owner, ws, 'editor@example.com', ['member', 'editor']);
    const denied = await request('GET', `/workspaces/${ws}/apps/${appId}/export`, undefined, editor.headers);
    expect(denied.statusCode).toBe(403);
    const imported = await request(
      'POST',
      `/workspaces/${ws}/apps/import`,
      { pack: richPack(), appKey: 'x' },
      editor.headers,
    );
    expect(imported.statusCode).toBe(403);

    const lead = await addMember(t.app, owner, ws, 'lead@example.com', ['member', 'lead', 'editor']);
    const pack = await exportPack(ws, appId, true, lead.headers);
    // The editor role sees northern clients only, without notes, and no tasks.
    expect(pack.records?.clients?.map((r) => r.data.name)).toEqual(['Acme']);
    expect(pack.records?.clients?.[0]?.data).not.toHaveProperty('notes');
    expect(pack.records).not.toHaveProperty('tasks');
    expect(pack.records?.projects).toHaveLength(3);
  });

  it("answers 404 for another workspace's app and for malformed ids", async () => {
    const other = await newWorkspace('Elsewhere');
    expect((await request('GET', `/workspaces/${other}/apps/${appId}/export`)).statusCode).toBe(404);
    expect((await request('GET', `/workspaces/${other}/apps/nope/export`)).statusCode).toBe(404);
    const stranger = await addMember(t.app, owner, other, 'stranger@example.com', ['admin']);
    const res = await request('GET', `/workspaces/${ws}/apps/${appId}/export`, undefined, stranger.headers);
    expect(res.statusCode).toBe(404);
  });
});
