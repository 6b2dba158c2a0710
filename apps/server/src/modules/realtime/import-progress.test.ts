import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { IMPORT_REPORT_DAYS, importJobModel } from '../records/import-jobs.js';
import { label } from '../records/test-fixtures.js';
import { type Client, connected, listen } from './test-helpers.js';

/** Background imports: progress over socket.io and by polling, who may poll, all-or-nothing undo. */

let t: TestApp;
let url: string;
let owner: Session & { workspaceId: string };
let rep: Session;
let rep2: Session;
let outsider: Session;
let ws: string;
let otherWs: string;
let form: string;
let attempts = 0;
const leaks: string[] = [];
const clients: Client[] = [];

interface Progress {
  jobId: string;
  status: 'running' | 'done' | 'failed';
  phase: 'validating' | 'writing' | 'undoing';
  total: number;
  done: number;
  created: number;
  errorCount: number;
  error: { code: string; message: string } | null;
}

const inject = (who: Session, method: 'GET' | 'POST', path: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

/**
 * Waits until the store holds a record whose code starts with `prefix`: the import has written its first
 * chunk of rows (200) and is working on the next one, which the file's later rows are in.
 */
async function firstChunkWritten(connection: Connection, prefix: string): Promise<void> {
  const written = () =>
    connection.collection('records').countDocuments({ 'data.code': { $regex: `^${prefix}-` } }, { limit: 1 });
  while ((await written()) === 0) await new Promise((resolve) => setImmediate(resolve));
}

async function subscribed(who: Session): Promise<Client> {
  const c = await connected(url, { token: who.token });
  clients.push(c);
  expect((await c.subscribe(ws)).ok).toBe(true);
  return c;
}

const csv = (prefix: string, rows: number) =>
  ['Code', ...Array.from({ length: rows }, (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')}`)].join(
    '\n',
  );

async function startImport(who: Session, content: string): Promise<string> {
  const res = await inject(who, 'POST', `/workspaces/${ws}/forms/${form}/records/import`, {
    format: 'csv',
    content,
    async: true,
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().jobId;
}

const progressOf = (c: Client, jobId: string) =>
  c.events
    .filter((e) => e.event === 'import:progress' && (e.payload as Progress).jobId === jobId)
    .map((e) => e.payload as Progress);

const finished = (c: Client, jobId: string) =>
  c.next(
    (event, payload) =>
      event === 'import:progress' &&
      (payload as Progress).jobId === jobId &&
      (payload as Progress).status !== 'running',
  ) as Promise<Progress>;

async function codes(): Promise<string[]> {
  const res = await inject(owner, 'GET', `/workspaces/${ws}/forms/${form}/records?limit=999`);
  return (res.json().items as { data: { code: string } }[]).map((r) => r.data.code);
}

beforeAll(async () => {
  t = await createTestApp();
  url = await listen(t);
  owner = await runSetup(t.app);
  ws = owner.workspaceId;
  const app = await inject(owner, 'POST', `/workspaces/${ws}/apps`, {
    key: 'crm',
    name: label('CRM'),
    roles: [{ key: 'rep', name: label('Rep'), forms: [{ form: 'leads', submit: true, view: 'own' }] }],
  });
  const created = await inject(owner, 'POST', `/workspaces/${ws}/apps/${app.json().id}/forms`, {
    key: 'leads',
    name: label('Leads'),
    fields: [{ key: 'code', type: 'text', label: label('Code'), required: true, unique: true }],
  });
  expect(created.statusCode, created.body).toBe(201);
  form = created.json().id;
  rep = await addMember(t.app, owner, ws, 'rep@example.com', ['member', 'rep']);
  rep2 = await addMember(t.app, owner, ws, 'rep2@example.com', ['member', 'rep']);
  otherWs = (await inject(owner, 'POST', '/workspaces', { name: 'Elsewhere' })).json().id;
  outsider = await addMember(t.app, owner, otherWs, 'outsider@example.com', ['owner']);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await t?.close();
  console.info(`import progress attack suite: ${attempts} attempts, ${leaks.length} leaks`);
});

describe('background imports', () => {
  it('reports progress in order, ending with done, and the polling endpoint agrees', async () => {
    const c = await subscribed(owner);
    const jobId = await startImport(owner, csv('P', 120));
    const last = await finished(c, jobId);
    expect(last).toMatchObject({
      status: 'done',
      total: 120,
      done: 120,
      created: 120,
      errorCount: 0,
      error: null,
    });
    const events = progressOf(c, jobId);
    const order = ['validating', 'writing'];
    for (const [i, event] of events.entries()) {
      const before = events[i - 1];
      if (!before) continue;
      expect(order.indexOf(event.phase)).toBeGreaterThanOrEqual(order.indexOf(before.phase));
      if (event.phase === before.phase) expect(event.done).toBeGreaterThanOrEqual(before.done);
    }
    expect(events.map((e) => e.phase)).toContain('writing');
    expect(events.filter((e) => e.status !== 'running')).toHaveLength(1);
    const polled = await inject(owner, 'GET', `/workspaces/${ws}/imports/${jobId}`);
    expect(polled.statusCode).toBe(200);
    expect(polled.json()).toEqual({ ...last, errors: [] });
    expect((await codes()).filter((code) => code.startsWith('P-'))).toHaveLength(120);
  });

  it('only the starter and workspace admins may poll a job; others get 404', async () => {
    const c = await subscribed(rep);
    const jobId = await startImport(rep, csv('R', 5));
    expect(await finished(c, jobId)).toMatchObject({ status: 'done', created: 5 });
    expect((await inject(rep, 'GET', `/workspaces/${ws}/imports/${jobId}`)).statusCode).toBe(200);
    expect((await inject(owner, 'GET', `/workspaces/${ws}/imports/${jobId}`)).statusCode).toBe(200);
    const denied = [
      await inject(rep2, 'GET', `/workspaces/${ws}/imports/${jobId}`),
      await inject(outsider, 'GET', `/workspaces/${otherWs}/imports/${jobId}`),
      await inject(outsider, 'GET', `/workspaces/${ws}/imports/${jobId}`),
      await inject(rep2, 'GET', `/workspaces/${ws}/imports/0123456789abcdef01234567`),
    ];
    attempts += denied.length;
    for (const res of denied) {
      if (res.statusCode !== 404) leaks.push(`job polled: ${res.statusCode}`);
      expect(res.statusCode).toBe(404);
    }
    // Progress went only to the starter's sockets.
    const other = await subscribed(rep2);
    const next = await startImport(rep, csv('S', 3));
    await finished(c, next);
    const sentinel = await startImport(rep2, csv('T', 1));
    await finished(other, sentinel);
    attempts += 1;
    expect(progressOf(other, next)).toEqual([]);
  });

  it('keeps a finished report for IMPORT_REPORT_DAYS: the TTL sweep of the store removes it after', async () => {
    const jobs = importJobModel(t.store.connection);
    await jobs.init();
    expect(await jobs.collection.indexes()).toContainEqual(
      expect.objectContaining({ key: { finishedAt: 1 }, expireAfterSeconds: IMPORT_REPORT_DAYS * 24 * 3600 }),
    );
    expect(IMPORT_REPORT_DAYS).toBe(7);
  });

  it('answers mistakes that need no file reading at once, not through the job', async () => {
    const path = `/workspaces/${ws}/forms/${form}/records/import`;
    const bad = await inject(owner, 'POST', path, {
      format: 'csv',
      content: 'Code\nX',
      async: true,
      upsertBy: 'nope',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('/upsertBy');
    const mapping = await inject(owner, 'POST', path, {
      format: 'csv',
      content: 'Code\nX',
      async: true,
      mapping: { Code: 'missing' },
    });
    expect(mapping.statusCode).toBe(400);
    // A file that is not an XLSX is found while reading it: the job fails and says why.
    const c = await subscribed(owner);
    const jobId = (
      await inject(owner, 'POST', path, { format: 'xlsx', content: 'bm90IHhsc3g=', async: true })
    ).json().jobId as string;
    expect(await finished(c, jobId)).toMatchObject({
      status: 'failed',
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('undoes an all-or-nothing import whose write fails midway, and never announces its records', async () => {
    const c = await subscribed(owner);
    const jobId = await startImport(owner, csv('AON', 400));
    // Once the first chunk is written, someone else takes the value of the file's last row (in the next).
    await firstChunkWritten(t.store.connection, 'AON');
    const taken = await inject(owner, 'POST', `/workspaces/${ws}/forms/${form}/records`, {
      data: { code: 'AON-0400' },
    });
    expect(taken.statusCode, taken.body).toBe(201);
    const last = await finished(c, jobId);
    expect(last).toMatchObject({ status: 'failed', created: 0, error: { code: 'UNPROCESSABLE' } });
    expect(last.error?.message).toContain('Row 401');
    expect(last.error?.message).toContain('undone');
    expect((await codes()).filter((code) => code.startsWith('AON-'))).toEqual(['AON-0400']);
    const polled = (await inject(owner, 'GET', `/workspaces/${ws}/imports/${jobId}`)).json();
    expect(polled).toMatchObject({ status: 'failed', created: 0 });
    // Announcements are in order: after this one, any of the undone records would already be here.
    const sentinel = await inject(owner, 'POST', `/workspaces/${ws}/forms/${form}/records`, {
      data: { code: 'Z' },
    });
    await c.next(
      (e, p) => e === 'record:created' && (p as { record: { id: string } }).record.id === sentinel.json().id,
    );
    const announced = c.events
      .filter((e) => e.event === 'record:created')
      .map((e) => (e.payload as { record: { data: { code: string } } }).record.data.code)
      .filter((code) => code.startsWith('AON-'));
    expect(announced).toEqual(['AON-0400']);
  });
});

describe('shutdown', () => {
  it('stops a running all-or-nothing import, undoes it and records the failure before the store closes', async () => {
    const own = await createTestApp();
    try {
      const ownUrl = await listen(own);
      const admin = await runSetup(own.app);
      const w = admin.workspaceId;
      const app = await own.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${w}/apps`,
        headers: admin.headers,
        payload: { key: 'crm', name: label('CRM') },
      });
      const leads = await own.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${w}/apps/${app.json().id}/forms`,
        headers: admin.headers,
        payload: {
          key: 'leads',
          name: label('Leads'),
          fields: [{ key: 'code', type: 'text', label: label('Code') }],
        },
      });
      const c = await connected(ownUrl, { token: admin.token });
      clients.push(c);
      expect((await c.subscribe(w)).ok).toBe(true);
      const started = await own.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${w}/forms/${leads.json().id}/records/import`,
        headers: admin.headers,
        payload: { format: 'csv', content: csv('SD', 400), async: true },
      });
      expect(started.statusCode).toBe(202);
      await firstChunkWritten(own.store.connection, 'SD');
      await own.app.close();
      const { connection } = own.store;
      const job = await connection.collection('import_jobs').findOne({});
      expect(job).toMatchObject({ status: 'failed', created: 0, error: { code: 'STORE_UNAVAILABLE' } });
      expect(await connection.collection('records').countDocuments({})).toBe(0);
    } finally {
      await own.close();
    }
  });
});
