import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { label } from '../records/test-fixtures.js';
import { createTask } from '../tasks/service.js';
import { type Client, connect, connected, listen } from './test-helpers.js';

/**
 * Realtime over a listening server with real socket.io clients. Counted in the attack-suite style: every
 * attempt to get at something the caller may not see, and every leak found.
 */

let t: TestApp;
let url: string;
let owner: Session & { workspaceId: string };
let rep1: Session;
let rep2: Session;
let outsider: Session;
let wsA: string;
let wsB: string;
let formA: string;
let formB: string;
let attempts = 0;
const leaks: string[] = [];
const clients: Client[] = [];

const as = (who: Session, method: 'GET' | 'POST' | 'PATCH', path: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function client(who: Session): Promise<Client> {
  const c = await connected(url, { token: who.token });
  clients.push(c);
  return c;
}

async function leadsForm(ws: string): Promise<string> {
  const app = await as(owner, 'POST', `/workspaces/${ws}/apps`, {
    key: 'crm',
    name: label('CRM'),
    roles: [
      {
        key: 'rep',
        name: label('Rep'),
        forms: [
          {
            form: 'leads',
            submit: true,
            view: 'own',
            edit: 'own',
            fields: [{ field: 'margin', access: 'hidden' }],
          },
        ],
      },
    ],
  });
  expect(app.statusCode, app.body).toBe(201);
  const form = await as(owner, 'POST', `/workspaces/${ws}/apps/${app.json().id}/forms`, {
    key: 'leads',
    name: label('Leads'),
    fields: [
      { key: 'code', type: 'text', label: label('Code'), unique: true },
      { key: 'margin', type: 'number', label: label('Margin') },
    ],
  });
  expect(form.statusCode, form.body).toBe(201);
  return form.json().id;
}

const create = async (who: Session, ws: string, form: string, data: Record<string, unknown>) => {
  const res = await as(who, 'POST', `/workspaces/${ws}/forms/${form}/records`, { data });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; v: number };
};

const recordEvents = (c: Client) =>
  c.events.filter((e) => e.event.startsWith('record:')) as Array<{
    event: string;
    payload: { ws: string; record?: { id: string; data: Record<string, unknown> }; id?: string };
  }>;
const isRecord = (id: string) => (event: string, payload: unknown) =>
  event.startsWith('record:') && (payload as { record?: { id: string } }).record?.id === id;
/** A create and an update within one delivery batch arrive as one `record:created` with the latest values. */
const atVersion = (id: string, v: number) => (event: string, payload: unknown) =>
  isRecord(id)(event, payload) && (payload as { record: { v: number } }).record.v === v;

beforeAll(async () => {
  t = await createTestApp();
  url = await listen(t);
  owner = await runSetup(t.app);
  wsA = owner.workspaceId;
  formA = await leadsForm(wsA);
  rep1 = await addMember(t.app, owner, wsA, 'rep1@example.com', ['member', 'rep']);
  rep2 = await addMember(t.app, owner, wsA, 'rep2@example.com', ['member', 'rep']);
  const b = await as(owner, 'POST', '/workspaces', { name: 'Other Co' });
  wsB = b.json().id;
  formB = await leadsForm(wsB);
  outsider = await addMember(t.app, owner, wsB, 'outsider@example.com', ['member', 'rep']);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await t?.close();
  console.info(`realtime attack suite: ${attempts} attempts, ${leaks.length} leaks`);
});

describe('connection', () => {
  it('refuses a connection without a token', async () => {
    attempts += 1;
    const outcome = await connect(url, {});
    if ('client' in outcome) leaks.push('connected without a token');
    expect('refused' in outcome && outcome.refused.data?.code).toBe('UNAUTHORIZED');
  });

  it('refuses malformed, unknown and revoked tokens', async () => {
    const session = await addMember(t.app, owner, wsA, 'leaver@example.com');
    // The token works before it is revoked...
    (await connected(url, { token: session.token })).close();
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: session.headers,
    });
    expect(logout.statusCode).toBe(204);
    for (const token of [session.token, 'nonsense', `fls_${'A'.repeat(43)}`]) {
      attempts += 1;
      const outcome = await connect(url, { token });
      if ('client' in outcome) leaks.push(`connected with ${token.slice(0, 8)}`);
      expect('refused' in outcome && outcome.refused.data?.code).toBe('UNAUTHORIZED');
    }
    attempts += 1;
    const header = await connect(url, { headers: { authorization: `Bearer ${session.token}` } });
    expect('refused' in header).toBe(true);
  });

  it('refuses the session cookie from another site', async () => {
    attempts += 1;
    const outcome = await connect(url, {
      headers: { cookie: `formloom_session=${owner.token}`, origin: 'https://evil.example' },
    });
    if ('client' in outcome) leaks.push('cookie accepted cross-site');
    expect('refused' in outcome).toBe(true);
  });
});

describe('subscriptions', () => {
  it('an API token subscribes to its own workspace only and hears what its role may see', async () => {
    const created = await as(owner, 'POST', `/workspaces/${wsA}/api-tokens`, { name: 'ERP', role: 'rep' });
    expect(created.statusCode, created.body).toBe(201);
    const c = await connected(url, { headers: { authorization: `Bearer ${created.json().token}` } });
    clients.push(c);
    attempts += 1;
    const other = await c.subscribe(wsB);
    if (other.ok) leaks.push('API token subscribed to another workspace');
    expect(other).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await c.subscribe(wsA)).ok).toBe(true);
    const byToken = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${wsA}/forms/${formA}/records`,
      headers: { authorization: `Bearer ${created.json().token}` },
      payload: { data: { code: 'TOKEN-1', margin: 5 } },
    });
    // The rep role cannot write the hidden margin, through a socket or otherwise.
    expect(byToken.statusCode).toBe(403);
    const own = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${wsA}/forms/${formA}/records`,
      headers: { authorization: `Bearer ${created.json().token}` },
      payload: { data: { code: 'TOKEN-1' } },
    });
    expect(own.statusCode, own.body).toBe(201);
    expect(await c.next(isRecord(own.json().id))).toMatchObject({ record: { data: { code: 'TOKEN-1' } } });
  });

  it("a deactivated member's subscription ends at once and cannot be taken up again", async () => {
    const member = await addMember(t.app, owner, wsA, 'soon-gone@example.com');
    const c = await client(member);
    expect((await c.subscribe(wsA)).ok).toBe(true);
    const res = await as(owner, 'POST', `/workspaces/${wsA}/members/${member.userId}/deactivate`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(await c.next((event) => event === 'subscription:ended')).toEqual({ ws: wsA });
    attempts += 1;
    const again = await c.subscribe(wsA);
    if (again.ok) leaks.push('deactivated member subscribed again');
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('credentials revoked while connected', () => {
  it('disconnects the socket at the next delivery once the re-check is due, without sending it anything', async () => {
    // An admin sees every record: anything delivered after the logout would be a leak.
    const viewer = await addMember(t.app, owner, wsA, 'viewer@example.com', ['admin']);
    const c = await client(viewer);
    expect((await c.subscribe(wsA)).ok).toBe(true);
    const gone = new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: viewer.headers });
    expect(out.statusCode).toBe(204);
    // Memberships and credentials are re-read at most every 5 s (docs/realtime.md).
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    attempts += 1;
    const res = await as(owner, 'POST', `/workspaces/${wsA}/forms/${formA}/records`, {
      data: { code: 'AFTER-LOGOUT' },
    });
    expect(res.statusCode).toBe(201);
    expect(await gone).toBe('io server disconnect');
    const leaked = recordEvents(c).filter((e) => e.payload.record?.id === res.json().id);
    if (leaked.length > 0) leaks.push('event delivered after logout');
    expect(leaked).toEqual([]);
  });
});

describe('record events', () => {
  it('subscribing to another workspace looks exactly like subscribing to one that does not exist', async () => {
    const c = await client(rep1);
    attempts += 3;
    const other = await c.subscribe(wsB);
    const missing = await c.subscribe('0123456789abcdef01234567');
    const otherForm = await c.subscribe(wsA, [formB]);
    if (other.ok || otherForm.ok) leaks.push('subscribed across workspaces');
    expect(other).toEqual(missing);
    expect(other).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Workspace not found' } });
    expect(otherForm).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await c.subscribe(wsA, [formA])).toMatchObject({ ok: true });
  });

  it('a member of workspace A gets none of the events of workspace B', async () => {
    const c = await client(owner);
    expect((await c.subscribe(wsA)).ok).toBe(true);
    attempts += 1;
    const inB = await create(outsider, wsB, formB, { code: 'B-1' });
    // Events are delivered in order: once A's arrives, B's would already be here.
    const inA = await create(owner, wsA, formA, { code: 'A-1' });
    await c.next(isRecord(inA.id));
    const seenB = recordEvents(c).filter((e) => e.payload.ws === wsB || e.payload.record?.id === inB.id);
    if (seenB.length > 0) leaks.push('event of workspace B delivered to A');
    expect(seenB).toEqual([]);
  });

  it('a member whose view scope is `own` hears only of their own records, without hidden fields', async () => {
    const [c1, c2, admin] = [await client(rep1), await client(rep2), await client(owner)];
    for (const c of [c1, c2, admin]) expect((await c.subscribe(wsA)).ok).toBe(true);
    const mine = await create(rep1, wsA, formA, { code: 'R1-1' });
    const set = await as(owner, 'PATCH', `/workspaces/${wsA}/forms/${formA}/records/${mine.id}`, {
      v: mine.v,
      data: { margin: 42 },
    });
    expect(set.statusCode, set.body).toBe(200);
    const theirs = await create(rep2, wsA, formA, { code: 'R2-1' });

    const updated = (await c1.next(atVersion(mine.id, 2))) as {
      record: { data: Record<string, unknown>; v: number };
    };
    attempts += 1;
    if ('margin' in updated.record.data) leaks.push('hidden field in socket payload');
    expect(updated.record.data).toEqual({ code: 'R1-1' });
    expect(updated.record.v).toBe(2);
    // The owner sees every field of the same change.
    const forAdmin = (await admin.next(atVersion(mine.id, 2))) as {
      record: { data: Record<string, unknown> };
    };
    expect(forAdmin.record.data).toEqual({ code: 'R1-1', margin: 42 });

    // rep2's own record comes after rep1's changes: had those reached rep2, they would be here already.
    await c2.next(isRecord(theirs.id));
    attempts += 2;
    const foreign = recordEvents(c2).filter((e) => e.payload.record?.id === mine.id);
    if (foreign.length > 0) leaks.push("another member's record delivered under scope own");
    expect(foreign).toEqual([]);
    await c1.next(isRecord(mine.id));
    expect(recordEvents(c1).some((e) => e.payload.record?.id === theirs.id)).toBe(false);
  });

  it('serves more access groups than one visibility query holds, each with exactly its own records', async () => {
    const tokens: { token: string; client: Client }[] = [];
    // 55 own-scope callers: 55 groups, past the 50 groups one query covers.
    for (let i = 0; i < 55; i++) {
      const res = await as(owner, 'POST', `/workspaces/${wsA}/api-tokens`, { name: `own-${i}`, role: 'rep' });
      const token = res.json().token as string;
      const c = await connected(url, { headers: { authorization: `Bearer ${token}` } });
      clients.push(c);
      expect((await c.subscribe(wsA, [formA])).ok).toBe(true);
      tokens.push({ token, client: c });
    }
    const ids: string[] = [];
    for (const [i, { token }] of tokens.entries()) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${wsA}/forms/${formA}/records`,
        headers: { authorization: `Bearer ${token}` },
        payload: { data: { code: `OWN-${i}` } },
      });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    for (const [i, { client: c }] of tokens.entries()) await c.next(isRecord(ids[i] ?? ''));
    // Every batch is out once the last one is; an acknowledged round trip per socket flushes what is in flight.
    for (const { client: c } of tokens) await c.socket.emitWithAck('unsubscribe', { ws: 'none' });
    for (const [i, { client: c }] of tokens.entries()) {
      attempts += 1;
      const got = recordEvents(c).map((e) => e.payload.record?.id);
      if (got.length !== 1) leaks.push(`own-scope token ${i} got ${got.length} records`);
      expect(got).toEqual([ids[i]]);
    }
  });

  it('announces deletes to those who could see the record', async () => {
    const [c1, c2] = [await client(rep1), await client(rep2)];
    for (const c of [c1, c2]) expect((await c.subscribe(wsA, [formA])).ok).toBe(true);
    const gone = await create(rep1, wsA, formA, { code: 'R1-DEL' });
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/workspaces/${wsA}/forms/${formA}/records/${gone.id}`,
      headers: owner.headers,
    });
    expect(del.statusCode, del.body).toBe(200);
    const sentinel = await create(rep2, wsA, formA, { code: 'R2-SENTINEL' });
    expect(await c1.next((e, p) => e === 'record:deleted' && (p as { id: string }).id === gone.id)).toEqual({
      ws: wsA,
      form: formA,
      id: gone.id,
      v: 2,
    });
    await c2.next(isRecord(sentinel.id));
    attempts += 1;
    expect(c2.events.some((e) => (e.payload as { id?: string }).id === gone.id)).toBe(false);
  });

  it('announces records whose rollups the recompute worker changed', async () => {
    const app = await as(owner, 'POST', `/workspaces/${wsA}/apps`, { key: 'ledger', name: label('Ledger') });
    expect(app.statusCode, app.body).toBe(201);
    const forms = `/workspaces/${wsA}/apps/${app.json().id}/forms`;
    const payments = await as(owner, 'POST', forms, {
      key: 'payments',
      name: label('Payments'),
      fields: [
        { key: 'payer', type: 'text', label: label('Payer') },
        { key: 'amount', type: 'number', label: label('Amount') },
      ],
    });
    expect(payments.statusCode, payments.body).toBe(201);
    const accounts = await as(owner, 'POST', forms, {
      key: 'accounts',
      name: label('Accounts'),
      fields: [
        { key: 'name', type: 'text', label: label('Name') },
        {
          key: 'paid',
          type: 'rollup',
          label: label('Paid'),
          form: 'payments',
          field: 'amount',
          aggregate: 'sum',
          conditions: { and: [{ field: 'payer', op: 'eq', value: { $field: 'name' } }] },
        },
      ],
    });
    expect(accounts.statusCode, accounts.body).toBe(201);
    const c = await client(owner);
    expect((await c.subscribe(wsA, [accounts.json().id])).ok).toBe(true);
    const account = await create(owner, wsA, accounts.json().id, { name: 'ACME' });
    await create(owner, wsA, payments.json().id, { payer: 'ACME', amount: 40 });
    // No client wrote the account: the worker did, and subscribers hear of it like of any update.
    const event = (await c.next(
      (e, p) =>
        e === 'record:updated' &&
        (p as { record?: { id: string; data: { paid?: number } } }).record?.id === account.id &&
        (p as { record: { data: { paid?: number } } }).record.data.paid === 40,
    )) as { record: { v: number; data: Record<string, unknown> } };
    expect(event.record).toMatchObject({ v: 2, data: { name: 'ACME', paid: 40 } });
  });

  it('tells a member of tasks that became theirs: created for them, or moved from a deactivated member', async () => {
    const boss = await addMember(t.app, owner, wsA, 'boss@example.com');
    const leaver = await addMember(t.app, owner, wsA, 'tasks-leaver@example.com', ['member'], {
      manager: boss.userId,
    });
    const [bossSocket, leaverSocket, otherSocket] = [
      await client(boss),
      await client(leaver),
      await client(rep2),
    ];
    for (const c of [bossSocket, leaverSocket, otherSocket]) expect((await c.subscribe(wsA)).ok).toBe(true);
    const task = await createTask(t.store.connection, {
      ws: wsA,
      app: new Types.ObjectId(),
      form: new Types.ObjectId(),
      record: new Types.ObjectId(),
      kind: 'approve',
      assignee: leaver.userId,
      title: { en: 'Approve the order' },
    });
    expect(await leaverSocket.next((e) => e === 'tasks:assigned')).toEqual({
      ws: wsA,
      tasks: [task.id],
      reason: 'created',
    });
    const off = await as(owner, 'POST', `/workspaces/${wsA}/members/${leaver.userId}/deactivate`);
    expect(off.statusCode, off.body).toBe(200);
    expect(await bossSocket.next((e) => e === 'tasks:assigned')).toEqual({
      ws: wsA,
      tasks: [task.id],
      reason: 'member.deactivated',
    });
    // Nobody else hears of them.
    const sentinel = await create(rep2, wsA, formA, { code: 'R2-TASKS' });
    await otherSocket.next(isRecord(sentinel.id));
    attempts += 1;
    if (otherSocket.events.some((e) => e.event === 'tasks:assigned'))
      leaks.push('tasks event to another member');
    expect(otherSocket.events.some((e) => e.event === 'tasks:assigned')).toBe(false);
  });
});
