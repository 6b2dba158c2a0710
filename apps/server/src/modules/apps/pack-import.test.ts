import type { LightMyRequestResponse } from 'fastify';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { auditModel } from '../audit/service.js';
import { runSetup, type Session } from '../auth/test-helpers.js';
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

function importInto(ws: string, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return request('POST', `/workspaces/${ws}/apps/import`, body);
}

interface ImportAnswer {
  appId: string;
  forms: Record<string, string>;
  flows: Record<string, string>;
  dashboards: Record<string, string>;
}

async function records(
  ws: string,
  form: string,
): Promise<Array<{ id: string; data: Record<string, unknown> }>> {
  const res = await request('GET', `/workspaces/${ws}/forms/${form}/records?limit=100`);
  expect(res.statusCode).toBe(200);
  return (res.json() as { items: Array<{ id: string; data: Record<string, unknown> }> }).items;
}

function details(res: LightMyRequestResponse): Array<{ path: string; message: string }> {
  return (res.json() as { error: { details: Array<{ path: string; message: string }> } }).error.details;
}

describe('importing a template pack', () => {
  let ws: string;
  let answer: ImportAnswer;

  beforeAll(async () => {
    ws = await newWorkspace('Import target');
    const res = await importInto(ws, { pack: richPack(), demoData: true });
    expect(res.statusCode, res.body).toBe(201);
    answer = res.json() as ImportAnswer;
  });

  it('answers the new ids by key and publishes every form as version 1', async () => {
    expect(Object.keys(answer.forms)).toEqual(['clients', 'projects', 'tasks']);
    expect(Object.keys(answer.flows)).toEqual(['project_review']);
    expect(Object.keys(answer.dashboards)).toEqual(['overview']);
    const forms = await request('GET', `/workspaces/${ws}/apps/${answer.appId}/forms`);
    expect(
      (forms.json() as Array<{ key: string; id: string; version: number }>).map((f) => [
        f.key,
        f.id,
        f.version,
      ]),
    ).toEqual([
      ['clients', answer.forms.clients, 1],
      ['projects', answer.forms.projects, 1],
      ['tasks', answer.forms.tasks, 1],
    ]);
    const app = await request('GET', `/workspaces/${ws}/apps/${answer.appId}`);
    expect(app.json()).toMatchObject({
      key: 'studio',
      roles: [{ key: 'editor' }, { key: 'viewer' }, { key: 'lead' }],
    });
    const indexes = await t.store.connection.collection('records').indexes();
    expect(indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining(['ws_form_data.name', 'ws_form_data.hours']),
    );
  });

  it('writes demo records through the records path: refs become ids, formulas, serials, lookups and rollups computed', async () => {
    const clients = await records(ws, answer.forms.clients as string);
    const acme = clients.find((r) => r.data.name === 'Acme');
    expect(acme?.data).toMatchObject({ no: 'C-0001', openBudget: 1500, projectCount: 2, doubled: 3000 });
    expect(clients.find((r) => r.data.name === 'Globex')?.data).toMatchObject({
      no: 'C-0002',
      openBudget: 200,
    });
    const projects = await records(ws, answer.forms.projects as string);
    const p1 = projects.find((r) => r.data.code === 'P1');
    const p2 = projects.find((r) => r.data.code === 'P2');
    expect(p1?.data).toMatchObject({
      client: acme?.id,
      clientTier: 'gold',
      net: 900,
      gross: 1350,
      twiceGross: 2700,
      itemsTotal: 25,
      taskCount: 2,
      related: [p2?.id],
    });
    // p1 named p2 before p2 existed: filled in once it did.
    expect(p2?.data.related).toEqual([p1?.id]);
    const tasks = await records(ws, answer.forms.tasks as string);
    const globex = clients.find((r) => r.data.name === 'Globex');
    expect((tasks.find((r) => r.data.title === 'Design')?.data.links as unknown[])?.[0]).toMatchObject({
      note: 'ask',
      client: globex?.id,
    });
    expect(tasks.find((r) => r.data.title === 'Design')?.data).toMatchObject({
      project: p1?.id,
      projectBudget: 1000,
    });
  });

  it('enforces unique fields of imported forms: demo values are taken, and of two creates of one value one wins', async () => {
    const form = answer.forms.clients as string;
    const create = (name: string) =>
      request('POST', `/workspaces/${ws}/forms/${form}/records`, { data: { name } });
    // A value a demo record holds: the import wrote the record's unique entries.
    const taken = await create('Acme');
    expect(taken.statusCode, taken.body).toBe(409);
    expect(details(taken).map((d) => d.path)).toEqual(['/data/name']);
    const first = await create('Initech');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).not.toHaveProperty('uniq');
    const second = await create('Initech');
    expect(second.statusCode, second.body).toBe(409);
    expect(details(second).map((d) => d.path)).toEqual(['/data/name']);
    // In parallel the check cannot see the other write: the shared unique index decides.
    const race = await Promise.all([create('Umbrella'), create('Umbrella')]);
    expect(race.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(details(race.find((r) => r.statusCode === 409)!).map((d) => d.path)).toEqual(['/data/name']);
    const db = t.store.connection;
    const stored = await db.collection('records').findOne({ _id: new Types.ObjectId(first.json().id) });
    expect(stored?.uniq).toEqual(['name\u0000"Initech"']);
    const names = (await db.collection('records').indexes()).map((i) => String(i.name));
    expect(names).toContain('ws_form_uniq');
    expect(names.filter((name) => name.startsWith('unique_'))).toEqual([]);
    const listed = await records(ws, form);
    expect(listed.every((r) => !('uniq' in r) && !('uniq' in r.data))).toBe(true);
  });

  it('refuses a second app with the same key (409) and takes a new key', async () => {
    const again = await importInto(ws, { pack: richPack() });
    expect(again.statusCode).toBe(409);
    const renamed = await importInto(ws, { pack: richPack(), appKey: 'studio_two' });
    expect(renamed.statusCode).toBe(201);
    const badKey = await importInto(ws, { pack: richPack(), appKey: 'Not A Key' });
    expect(badKey.statusCode).toBe(400);
    expect(details(badKey)[0]?.path).toBe('/appKey');
  });
});

describe('concurrent imports', () => {
  it('lets one of two imports of the same key win; the other answers 409 and leaves nothing', async () => {
    const ws = await newWorkspace('Race');
    const [a, b] = await Promise.all([
      importInto(ws, { pack: richPack(), demoData: true }),
      importInto(ws, { pack: richPack(), demoData: true }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const apps = (await request('GET', `/workspaces/${ws}/apps`)).json() as Array<{ key: string }>;
    expect(apps.map((x) => x.key)).toEqual(['studio']);
    const db = t.store.connection;
    expect(await db.collection('forms').countDocuments({ ws: new Types.ObjectId(ws) })).toBe(3);
    expect(await db.collection('records').countDocuments({ ws: new Types.ObjectId(ws) })).toBe(8);
  });
});

describe('rejected packs write nothing', () => {
  it('answers 400 with every schema error and its path', async () => {
    const pack = richPack() as { manifest: Record<string, unknown>; forms: Array<Record<string, unknown>> };
    delete pack.manifest.version;
    (pack.forms[1]!.fields as Array<Record<string, unknown>>)[4]!.currency = 'dollars';
    pack.forms[2]!.colour = 'red';
    const res = await importInto(owner.workspaceId, { pack });
    expect(res.statusCode).toBe(400);
    expect(details(res).map((d) => d.path)).toEqual(
      expect.arrayContaining(['/manifest/version', '/forms/1/fields/4/currency', '/forms/2/colour']),
    );
  });

  it('answers 422 with paths for references that do not resolve', async () => {
    const pack = richPack() as {
      forms: Array<{ fields: Array<Record<string, unknown>> }>;
      roles: Array<{ forms: Array<Record<string, unknown>> }>;
      flows: Array<Record<string, unknown>>;
    };
    pack.forms[2]!.fields[1]!.form = 'nowhere';
    pack.roles[1]!.forms[0]!.form = 'missing';
    pack.flows[0]!.form = 'absent';
    const res = await importInto(owner.workspaceId, { pack });
    expect(res.statusCode).toBe(422);
    expect(details(res).map((d) => d.path)).toEqual(
      expect.arrayContaining(['/forms/2/fields/1/form', '/roles/1/forms/0/form', '/flows/0/form']),
    );
  });

  it('answers 422 for a role named like a workspace role, and leaves nothing behind', async () => {
    const ws = await newWorkspace('Roles');
    const pack = richPack() as { roles: Array<Record<string, unknown>> };
    pack.roles[1]!.key = 'admin';
    const res = await importInto(ws, { pack });
    expect(res.statusCode).toBe(422);
    expect(details(res)).toEqual([
      { path: '/roles/1/key', message: expect.stringContaining('workspace role') },
    ]);
    const apps = await request('GET', `/workspaces/${ws}/apps`);
    expect(apps.json()).toEqual([]);
    expect(await t.store.connection.collection('forms').countDocuments({ ws: new Types.ObjectId(ws) })).toBe(
      0,
    );
  });

  it('checks custom scopes against the written forms and rolls the import back when one does not compile', async () => {
    const ws = await newWorkspace('Scopes');
    const pack = richPack() as { roles: Array<{ forms: Array<Record<string, unknown>> }> };
    pack.roles[0]!.forms[1]!.view = { custom: { field: 'stars', op: 'contains', value: 'x' } };
    const res = await importInto(ws, { pack });
    expect(res.statusCode, res.body).toBe(422);
    expect(details(res)[0]?.path).toMatch(/^\/roles\/0\/forms\/1\/view/);
    // Found after the forms were written (scopes compile against them): those writes were undone.
    const entry = await auditModel(t.store.connection)
      .findOne({ ws: new Types.ObjectId(ws), action: 'apps.importFailed' })
      .lean();
    expect(entry?.details.removed).toMatchObject({ apps: 1, forms: 3, formVersions: 3 });
    expect((await request('GET', `/workspaces/${ws}/apps`)).json()).toEqual([]);
    for (const name of ['forms', 'form_versions']) {
      expect(await t.store.connection.collection(name).countDocuments({ ws: new Types.ObjectId(ws) })).toBe(
        0,
      );
    }
  });

  it('answers 422 with the path of a formula cycle', async () => {
    const pack = richPack() as { forms: Array<{ fields: Array<Record<string, unknown>> }> };
    const fields = pack.forms[1]!.fields;
    const net = fields.findIndex((f) => f.key === 'net');
    fields[net]!.expression = 'twiceGross + budget';
    const res = await importInto(owner.workspaceId, { pack });
    expect(res.statusCode).toBe(422);
    const [detail] = details(res);
    expect(detail?.path).toMatch(/^\/forms\/1\/fields\/\d+$/);
    expect(detail).toMatchObject({
      code: 'formula.CIRCULAR_REFERENCE',
      message: expect.stringContaining('→'),
    });
  });

  it('answers 422 for records naming refs that do not exist', async () => {
    const pack = richPack() as { records: { tasks: Array<{ data: Record<string, unknown> }> } };
    pack.records.tasks[0]!.data.project = 'p9';
    const res = await importInto(owner.workspaceId, { pack, demoData: true, appKey: 'refs' });
    expect(res.statusCode).toBe(422);
    expect(details(res)).toEqual([{ path: '/records/tasks/0/data/project', message: expect.any(String) }]);
  });

  it('answers 422 when a subform row names a record written after it, and rolls back', async () => {
    const ws = await newWorkspace('Rows');
    const pack = richPack() as {
      forms: Array<{ fields: Array<Record<string, unknown>> }>;
      records: { projects: Array<{ data: Record<string, unknown> }>; tasks: Array<{ ref?: string }> };
    };
    pack.forms[1]!.fields.push({
      key: 'blockers',
      type: 'subform',
      label: { en: 'Blockers' },
      columns: [{ key: 'task', type: 'relation', label: { en: 'Task' }, form: 'tasks' }],
    });
    pack.records.tasks[0]!.ref = 't1';
    pack.records.projects[0]!.data.blockers = [{ task: 't1' }];
    const res = await importInto(ws, { pack, demoData: true });
    expect(res.statusCode).toBe(422);
    expect(details(res)).toEqual([
      { path: '/records/projects/0/data/blockers/0/task', message: expect.any(String) },
    ]);
    expect((await request('GET', `/workspaces/${ws}/apps`)).json()).toEqual([]);
    expect(
      await t.store.connection.collection('records').countDocuments({ ws: new Types.ObjectId(ws) }),
    ).toBe(0);
  });

  it('answers 413 for a pack larger than the body limit', async () => {
    const pack = richPack() as { manifest: Record<string, unknown> };
    pack.manifest.description = { en: 'x'.repeat(t.config.bodyLimit + 10) };
    const res = await importInto(owner.workspaceId, { pack });
    expect(res.statusCode).toBe(413);
  });

  it('needs a template or a pack, not both; members may not import', async () => {
    expect((await importInto(owner.workspaceId, {})).statusCode).toBe(400);
    expect((await importInto(owner.workspaceId, { template: 'x', pack: richPack() })).statusCode).toBe(400);
  });

  it('removes everything of an import that fails late, down to counters and indexes', async () => {
    const ws = await newWorkspace('Rollback');
    const pack = richPack() as {
      forms: Array<{ fields: Array<Record<string, unknown>> }>;
      records: { tasks: Array<{ data: Record<string, unknown> }> };
    };
    // A field key no other form uses, so its index is this import's own.
    pack.forms[2]!.fields.push({ key: 'onlyHereKey', type: 'text', label: { en: 'x' }, indexed: true });
    pack.forms[2]!.fields.push({
      key: 'checked',
      type: 'number',
      label: { en: 'checked' },
      validation: { formula: 'checked < 10', message: { en: 'too big' } },
    });
    // The very last record breaks a validation rule: everything before it was written.
    pack.records.tasks[2]!.data.checked = 50;
    const res = await importInto(ws, { pack, demoData: true });
    expect(res.statusCode, res.body).toBe(400);
    expect(details(res)[0]?.path).toMatch(/^\/records\/tasks\/2\/data/);

    const db = t.store.connection;
    const wsId = new Types.ObjectId(ws);
    const entry = await auditModel(db).findOne({ ws: wsId, action: 'apps.importFailed' }).lean();
    const removed = entry?.details.removed as Record<string, number | string>;
    expect(removed).toMatchObject({
      apps: 1,
      forms: 3,
      formVersions: 3,
      records: 7,
      counters: 1,
      indexes: 1,
    });
    expect(removed.history).toBeGreaterThanOrEqual(7);
    const importId = new Types.ObjectId(String(removed.importId));
    for (const name of ['apps', 'forms', 'form_versions', 'records', 'record_history', 'counters', 'jobs']) {
      expect(await db.collection(name).countDocuments({ ws: wsId }), name).toBe(0);
      expect(await db.collection(name).countDocuments({ importId }), name).toBe(0);
    }
    const indexes = await db.collection('records').indexes();
    expect(indexes.map((i) => i.name)).not.toContain('ws_form_data.onlyHereKey');
    // The key is free again: the same pack without the bad record imports.
    pack.records.tasks[2]!.data.checked = 5;
    expect((await importInto(ws, { pack, demoData: true })).statusCode).toBe(201);
  });
});
