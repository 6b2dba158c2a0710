import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { richPack } from '../apps/test-fixtures.js';
import { runSetup, type Session } from '../auth/test-helpers.js';
import { connected, listen } from '../realtime/test-helpers.js';
import { DEFAULT_TEMPLATES_DIR } from '../templates/catalogue.js';

/**
 * Gallery imports whose demo is a generator: all or nothing (a seeding that fails part-way leaves no
 * trace), two imports are two apps, and an API token is told why it gets no demo accounts.
 */

/** The fixture generator breaks its task record number `globalThis[BREAK_AT]` (a test seam of the fixture only). */
const BREAK_AT = '__formloomCrewDemoBreakAt';

const GENERATOR = `
export function generate() {
  const breakAt = globalThis.${BREAK_AT};
  const tasks = Array.from({ length: 6 }, (_, i) => ({
    data: { title: 'Task ' + i, project: { $record: 'p1' }, projectCode: 'P1', estimate: i === breakAt ? 'many' : i },
  }));
  return {
    password: 'replaced-by-the-gallery',
    departments: [{ ref: 'crew', name: 'Crew HQ' }, { ref: 'crewA', name: 'Crew A', parent: 'crew' }],
    members: [
      { ref: 'boss', name: 'Boss', email: 'boss@example.com', roles: ['member', 'lead'], department: 'crew' },
      { ref: 'worker', name: 'Worker', email: 'worker@example.com', roles: ['member', 'editor'],
        department: 'crewA', manager: 'boss' },
    ],
    signIn: [{ member: 'worker', label: 'worker' }, { label: 'owner' }],
    steps: [
      { kind: 'records', form: 'clients', records: [
        { ref: 'acme', data: { name: 'Acme', region: 'north', manager: { $member: 'boss' } } },
      ] },
      { kind: 'records', form: 'tasks', records: [{ data: { title: 'Kick-off' } }] },
      { kind: 'records', form: 'projects', startFlows: true, records: [
        { ref: 'p1', as: 'worker', data: { code: 'P1', client: { $record: 'acme' }, clientName: 'Acme', budget: 100 } },
      ] },
      { kind: 'records', form: 'tasks', records: tasks },
    ],
  };
}
`;

function write(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

/**
 * `crew`: the rich test pack with a demo generator; `studio`: the same with demo records;
 * `sales_performance`: the repository's pack.
 */
function fixtureCatalogue(): string {
  const dir = mkdtempSync(join(tmpdir(), 'formloom-gallery-'));
  const { records, manifest, ...pack } = richPack() as Record<string, unknown> & {
    manifest: Record<string, unknown>;
    records: Record<string, unknown[]>;
  };
  write(join(dir, 'crew', 'pack.json'), { ...pack, manifest: { ...manifest, key: 'crew' } });
  write(join(dir, 'crew', 'demo', 'generate.mjs'), GENERATOR);
  // `studio`: the same pack with demo records instead (they name no new people).
  write(join(dir, 'studio', 'pack.json'), { ...pack, manifest });
  for (const [form, list] of Object.entries(records))
    write(join(dir, 'studio', 'demo', `${form}.json`), list);
  cpSync(join(DEFAULT_TEMPLATES_DIR, 'sales-performance'), join(dir, 'sales-performance'), {
    recursive: true,
  });
  return dir;
}

/** Every collection an import or its demo seeding writes to (the audit and security logs aside). */
const COLLECTIONS = [
  'apps',
  'forms',
  'form_versions',
  'flows',
  'flow_versions',
  'automations',
  'automation_runs',
  'records',
  'record_history',
  'counters',
  'jobs',
  'tasks',
  'notifications',
  'comments',
  'files.files',
  'members',
  'departments',
  'invitations',
  'users',
  'sessions',
];

let t: TestApp;
let root: string;
let owner: Session & { workspaceId: string };
let url: string;

beforeAll(async () => {
  root = fixtureCatalogue();
  t = await createTestApp({ TEMPLATES_DIR: root }, { pollJobs: false });
  owner = await runSetup(t.app);
  url = await listen(t);
});
afterAll(async () => {
  delete (globalThis as Record<string, unknown>)[BREAK_AT];
  await t?.close();
  rmSync(root, { recursive: true, force: true });
});

async function counts(): Promise<Record<string, number>> {
  const db = t.store.connection;
  const out: Record<string, number> = {};
  for (const name of COLLECTIONS) out[name] = await db.collection(name).countDocuments();
  return out;
}

function importTemplate(body: Record<string, unknown>, headers: Record<string, string> = owner.headers) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${owner.workspaceId}/apps/import`,
    headers,
    payload: body,
  });
}

interface Imported {
  appId: string;
  forms: Record<string, string>;
  records: number;
  demo: { password: string; accounts: Array<{ label: string; email: string }> };
}

describe('a gallery import whose demo seeding fails part-way', () => {
  it('leaves nothing of the app, its people or its work; the progress ends failed; the next import works', async () => {
    const before = await counts();
    const client = await connected(url, { token: owner.token });
    try {
      expect((await client.subscribe(owner.workspaceId)).ok).toBe(true);
      (globalThis as Record<string, unknown>)[BREAK_AT] = 3;
      const res = await importTemplate(
        { template: 'crew', demoData: true, progressKey: 'crew-1' },
        { ...owner.headers, 'accept-language': 'zh-CN' },
      );
      expect(res.statusCode, res.body).toBe(422);
      const error = (res.json() as { error: { code: string; message: string; details: unknown[] } }).error;
      expect(error.code).toBe('UNPROCESSABLE');
      expect(error.message).toBe('模板的演示数据写入失败；导入已撤销，没有留下任何内容');
      // The people, then clients, a task, projects and tasks: the last step failed.
      expect(error.details).toEqual([{ path: '/demoData', message: '在第 5 步（共 5 步）失败' }]);

      const failed = (await client.next(
        (event, payload) =>
          event === 'apps:importProgress' && (payload as { phase: string }).phase === 'failed',
      )) as { progressKey: string; error: { code: string; message: string } };
      expect(failed).toMatchObject({
        progressKey: 'crew-1',
        error: { code: 'UNPROCESSABLE', message: error.message },
      });
      const phases = client.events
        .filter((e) => e.event === 'apps:importProgress')
        .map((e) => (e.payload as { phase: string }).phase);
      expect([...new Set(phases)]).toEqual(['checking', 'forms', 'finishing', 'demo', 'failed']);
    } finally {
      client.close();
      delete (globalThis as Record<string, unknown>)[BREAK_AT];
    }

    // Tasks 0-2 and 4-5 of the failing batch were written, with the projects' approval task, the
    // automation's notifications and runs, the demo accounts and departments: none of it is left.
    expect(await counts()).toEqual(before);
    const audit = await t.store.connection
      .collection('audit')
      .findOne({ action: 'apps.importFailed', 'details.template': 'crew' });
    expect(audit?.details.removed).toMatchObject({ apps: 1, forms: 3, automations: 1 });
    expect(audit?.details.removed.tasks).toBeGreaterThan(0);
    expect(audit?.details.removed.records).toBeGreaterThanOrEqual(7);
    expect(audit?.details.removed.notifications).toBeGreaterThan(0);
    expect(audit?.details.removed.automationRuns).toBeGreaterThan(0);

    delete (globalThis as Record<string, unknown>)[BREAK_AT];
    const again = await importTemplate({ template: 'crew', demoData: true });
    expect(again.statusCode, again.body).toBe(201);
    const imported = again.json() as Imported;
    expect(imported.records).toBe(9);
    const worker = imported.demo.accounts.find((a) => a.label === 'worker');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: worker?.email, password: imported.demo.password },
    });
    expect(login.statusCode, login.body).toBe(200);
  });

  it('gives two independent apps when imported twice, each with its own people', async () => {
    const first = (await t.store.connection.collection('apps').findOne({ key: 'studio' })) as {
      _id: Types.ObjectId;
    };
    const res = await importTemplate({ template: 'crew', demoData: true, appKey: 'studio_2' });
    expect(res.statusCode, res.body).toBe(201);
    const second = res.json() as Imported;
    expect(second.appId).not.toBe(first._id.toHexString());
    const records = t.store.connection.collection('records');
    const firstCount = await records.countDocuments({ app: first._id });
    expect(firstCount).toBe(await records.countDocuments({ app: new Types.ObjectId(second.appId) }));
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/workspaces/${owner.workspaceId}/apps/${second.appId}`,
      headers: owner.headers,
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    // Deleting one leaves the other whole.
    expect(await records.countDocuments({ app: first._id })).toBe(firstCount);
    expect(await t.store.connection.collection('tasks').countDocuments({ app: first._id })).toBeGreaterThan(
      0,
    );
  });
});

describe('a gallery import with demo data by an API token', () => {
  it('is refused before anything is written: the demo accounts would outlive the token', async () => {
    const made = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${owner.workspaceId}/api-tokens`,
      headers: owner.headers,
      payload: { name: 'CI', role: 'admin' },
    });
    expect(made.statusCode).toBe(201);
    const headers = { authorization: `Bearer ${(made.json() as { token: string }).token}` };
    const before = await counts();
    for (const template of ['sales_performance', 'crew']) {
      const res = await importTemplate({ template, demoData: true, appKey: `${template}_by_token` }, headers);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toEqual({
        error: {
          code: 'FORBIDDEN',
          message: expect.stringContaining('only a signed-in person'),
          details: [{ path: '/demoData', message: 'creates accounts, which an API token may not' }],
        },
      });
    }
    expect(await counts()).toEqual(before);
    // Without demo data, or with demo records (no new people), the token imports as a person would.
    const plain = await importTemplate({ template: 'crew', appKey: 'crew_by_token' }, headers);
    expect(plain.statusCode, plain.body).toBe(201);
    const withRecords = await importTemplate(
      { template: 'studio', demoData: true, appKey: 'studio_by_token' },
      headers,
    );
    expect(withRecords.statusCode, withRecords.body).toBe(201);
    expect((withRecords.json() as Imported).records).toBe(8);
  });
});
