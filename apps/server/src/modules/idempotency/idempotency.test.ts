import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember } from '../auth/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';
import { idempotencyModel } from './model.js';

let t: TestApp;
let w: Workspace;
let formId: string;

type Headers = Record<string, string> & { authorization: string };
const withKey = (headers: Headers, key?: string): Headers =>
  key ? { ...headers, 'idempotency-key': key } : headers;
const create = (data: Record<string, unknown>, key?: string, headers: Headers = w.owner.headers) =>
  call(t, w, 'POST', `/forms/${formId}/records`, { data }, withKey(headers, key));
const count = async () =>
  (await call(t, w, 'GET', `/forms/${formId}/records?limit=200`)).json().items.length as number;

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  formId = await createForm(t, w, {
    key: 'notes',
    name: label('Notes'),
    fields: [
      { key: 'title', type: 'text', label: label('Title'), required: true },
      { key: 'code', type: 'text', label: label('Code'), unique: true },
    ],
  });
});
afterAll(async () => t?.close());

describe('Idempotency-Key', () => {
  it('answers a retried create with the first answer and writes nothing', async () => {
    const before = await count();
    const first = await create({ title: 'a' }, 'retry-1');
    const again = await create({ title: 'a' }, 'retry-1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await count()).toBe(before + 1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const first = await create({ title: 'b', code: 'B' }, 'order');
    const again = await create({ code: 'B', title: 'b' }, 'order');
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
  });

  it('answers 422 when the key is reused with another body or route', async () => {
    await create({ title: 'c' }, 'reuse');
    const other = await create({ title: 'c2' }, 'reuse');
    expect(other.statusCode).toBe(422);
    expect(other.json().error.details[0].path).toBe('/headers/idempotency-key');
    const otherRoute = await call(
      t,
      w,
      'POST',
      `/apps/${w.appId}/forms`,
      { key: 'x', name: label('X'), fields: [] },
      withKey(w.owner.headers, 'reuse'),
    );
    expect(otherRoute.statusCode).toBe(422);
  });

  it('lets exactly one of ten racing requests with one key run; all answer alike', async () => {
    const before = await count();
    const results = await Promise.all(Array.from({ length: 10 }, () => create({ title: 'race' }, 'race-1')));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
    expect(await count()).toBe(before + 1);
  });

  it('answers a retried or racing batch create with the first answer and writes its records once', async () => {
    const before = await count();
    const body = { records: [{ data: { title: 'b1' } }, { data: { title: 'b2', code: 'BATCH-1' } }] };
    const send = () =>
      call(t, w, 'POST', `/forms/${formId}/records/batch`, body, withKey(w.owner.headers, 'batch-1'));
    const racing = await Promise.all([send(), send()]);
    expect(racing.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(racing.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(1);
    const ids = (res: (typeof racing)[number]) =>
      res.json().results.map((r: { record: { id: string } }) => r.record.id) as string[];
    expect(ids(racing[1] as (typeof racing)[number])).toEqual(ids(racing[0] as (typeof racing)[number]));
    const retried = await send();
    expect(retried.body).toBe(racing[0]?.body);
    expect(await count()).toBe(before + 2);
    // The same key with another batch is refused, not run.
    const other = await call(
      t,
      w,
      'POST',
      `/forms/${formId}/records/batch`,
      { records: [{ data: { title: 'b3' } }] },
      withKey(w.owner.headers, 'batch-1'),
    );
    expect(other.statusCode).toBe(422);
    expect(await count()).toBe(before + 2);
  });

  it('keeps keys per caller: another member with the same key makes their own record', async () => {
    const other = await addMember(t.app, w.owner, w.ws, 'other@example.com', ['admin']);
    const mine = await create({ title: 'k' }, 'shared-key');
    const theirs = await create({ title: 'k' }, 'shared-key', other.headers);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(mine.json().id);
  });

  it('runs a refused request again on retry (nothing was written the first time)', async () => {
    await create({ title: 'u', code: 'TAKEN' });
    const refused = await create({ title: 'v', code: 'TAKEN' }, 'refused');
    expect(refused.statusCode).toBe(409);
    // The clash goes away; the retry runs and succeeds.
    const list = (await call(t, w, 'GET', `/forms/${formId}/records?limit=200`)).json().items as Array<{
      id: string;
      data: { code?: string };
    }>;
    const holder = list.find((r) => r.data.code === 'TAKEN');
    expect((await call(t, w, 'DELETE', `/forms/${formId}/records/${holder?.id}`)).statusCode).toBe(200);
    const retried = await create({ title: 'v', code: 'TAKEN' }, 'refused');
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });

  it('takes over a key whose first run died', async () => {
    // A run that started and never finished (its instance died) holds the key with an expired lease.
    const crashed = await create({ title: 'crash' }, 'crash');
    const Keys = idempotencyModel(t.store.connection);
    const doc = await Keys.findOne({ state: 'done', body: crashed.body }).lean();
    if (!doc) throw new Error('the key was not kept');
    await Keys.updateOne(
      { _id: doc._id },
      { $set: { state: 'running', owner: 'dead', leaseUntil: new Date(Date.now() - 1000), body: null } },
    );
    const retried = await create({ title: 'crash' }, 'crash');
    expect(retried.statusCode).toBe(201);
    expect((await Keys.findById(doc._id).lean())?.state).toBe('done');
  });

  it('refuses a malformed key', async () => {
    const long = await create({ title: 'x' }, 'k'.repeat(256));
    expect(long.statusCode).toBe(400);
    const spaced = await create({ title: 'x' }, 'has space');
    expect(spaced.statusCode).toBe(400);
    expect(spaced.json().error.details[0].path).toBe('/headers/idempotency-key');
  });

  it('creates twice without a key', async () => {
    const before = await count();
    await create({ title: 'plain' });
    await create({ title: 'plain' });
    expect(await count()).toBe(before + 2);
  });
});
