import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';
import { migrateLegacyUniqueIndexes, UNIQUE_INDEX } from './unique.js';

let t: TestApp;
let w: Workspace;

const create = (form: string, data: Record<string, unknown>) =>
  call(t, w, 'POST', `/forms/${form}/records`, { data });
const paths = (res: { json: () => { error: { details: Array<{ path: string }> } } }) =>
  res.json().error.details.map((d) => d.path);
const records = () => t.store.connection.collection('records');

function publish(form: string, key: string, fields: unknown[]) {
  return call(t, w, 'PUT', `/forms/${form}`, {
    publish: true,
    definition: { key, name: label(key), fields },
  });
}

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
});
afterAll(async () => t?.close());

describe('one shared unique index for all forms', () => {
  it('keeps one index for unique fields however many forms have them', async () => {
    for (let i = 0; i < 5; i++) {
      await createForm(t, w, {
        key: `many${i}`,
        name: label('Many'),
        fields: [
          { key: 'a', type: 'text', label: label('A'), unique: true },
          { key: 'b', type: 'number', label: label('B'), unique: true },
        ],
      });
    }
    const names = (await records().indexes()).map((index) => String(index.name));
    expect(names.filter((name) => name === UNIQUE_INDEX)).toHaveLength(1);
    expect(names.filter((name) => name.startsWith('unique_'))).toEqual([]);
  });

  it('names each taken field, compares values as stored (0 is a value, text is case-sensitive)', async () => {
    const form = await createForm(t, w, {
      key: 'pairs',
      name: label('Pairs'),
      fields: [
        { key: 'code', type: 'text', label: label('Code'), unique: true },
        { key: 'rank', type: 'number', label: label('Rank'), unique: true },
      ],
    });
    expect((await create(form, { code: 'x', rank: 0 })).statusCode).toBe(201);
    const both = await create(form, { code: 'x', rank: 0 });
    expect(both.statusCode).toBe(409);
    expect(paths(both)).toEqual(['/data/code', '/data/rank']);
    expect((await create(form, { code: 'X', rank: 1 })).statusCode).toBe(201);
    // One form's values do not bind another form's field of the same key.
    const other = await createForm(t, w, {
      key: 'pairs2',
      name: label('Pairs 2'),
      fields: [{ key: 'code', type: 'text', label: label('Code'), unique: true }],
    });
    expect((await create(other, { code: 'x' })).statusCode).toBe(201);
  });

  it('backfills entries when a field becomes unique and removes them when it stops being', async () => {
    const fields = [{ key: 'sku', type: 'text', label: label('SKU') }];
    const form = await createForm(t, w, { key: 'items', name: label('Items'), fields });
    const a = (await create(form, { sku: 'a' })).json();
    await create(form, { sku: 'b' });
    const deleted = (await create(form, { sku: 'gone' })).json();
    await call(t, w, 'DELETE', `/forms/${form}/records/${deleted.id}`);
    const unique = [{ ...fields[0], unique: true }];
    const made = await publish(form, 'items', unique);
    expect(made.statusCode, made.body).toBe(200);
    const stored = await records().findOne({ _id: new Types.ObjectId(a.id) });
    expect(stored?.uniq).toEqual(['sku\u0000"a"']);
    // A deleted record holds no entry, and its value was no duplicate.
    expect((await records().findOne({ _id: new Types.ObjectId(deleted.id) }))?.uniq).toBeUndefined();
    const dup = await create(form, { sku: 'a' });
    expect(dup.statusCode).toBe(409);
    expect(paths(dup)).toEqual(['/data/sku']);
    const race = await Promise.all([create(form, { sku: 'c' }), create(form, { sku: 'c' })]);
    expect(race.map((r) => r.statusCode).sort()).toEqual([201, 409]);

    expect((await publish(form, 'items', fields)).statusCode).toBe(200);
    expect(await records().countDocuments({ form: new Types.ObjectId(form), uniq: { $exists: true } })).toBe(
      0,
    );
    expect((await create(form, { sku: 'a' })).statusCode).toBe(201);
  });

  it('gives records written under the earlier definition during a publish their entries afterwards', async () => {
    const fields = [{ key: 'ref', type: 'text', label: label('Ref') }];
    const form = await createForm(t, w, { key: 'late', name: label('Late'), fields });
    const early = (await create(form, { ref: 'taken' })).json();
    const made = await publish(form, 'late', [{ ...fields[0], unique: true }]);
    expect(made.statusCode, made.body).toBe(200);
    // The catch-up waits until no writer can still hold the earlier definition.
    const jobs = t.store.connection.collection('jobs');
    const job = await jobs.findOne({ type: 'uniqueCatchUp', status: 'pending', payload: { $regex: form } });
    if (!job) throw new Error('no catch-up job was queued');
    expect(job.runAt.getTime()).toBeGreaterThan(Date.now() + t.config.cacheTtlMs);
    // Two writers that still held the earlier definition (another instance's cache) stored records
    // without entries: one with a new value, one repeating a value an entry already holds.
    const stored = await records().findOne({ _id: new Types.ObjectId(early.id) });
    const { uniq: _entries, ...template } = (stored ?? {}) as Record<string, unknown>;
    const stale = (ref: string) => ({
      ...template,
      _id: new Types.ObjectId(),
      data: { ref },
      updatedAt: new Date(),
    });
    const fresh = stale('fresh');
    const repeated = stale('taken');
    await records().insertMany([fresh, repeated]);
    // Until the catch-up, the stale record's value is not enforced.
    const slipped = await create(form, { ref: 'fresh' });
    expect(slipped.statusCode).toBe(201);
    expect((await call(t, w, 'DELETE', `/forms/${form}/records/${slipped.json().id}`)).statusCode).toBe(200);
    // Due now: the worker runs it.
    await jobs.updateOne({ _id: job._id }, { $set: { runAt: new Date() } });
    for (let i = 0; i < 100 && (await jobs.findOne({ _id: job._id }))?.status !== 'done'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await jobs.findOne({ _id: job._id }))?.status).toBe('done');
    expect((await records().findOne({ _id: fresh._id }))?.uniq).toEqual(['ref\u0000"fresh"']);
    const dup = await create(form, { ref: 'fresh' });
    expect(dup.statusCode).toBe(409);
    expect(paths(dup)).toEqual(['/data/ref']);
    // The repeat could not take the entry the earlier record holds: it stays unenforced, not lost.
    expect((await records().findOne({ _id: repeated._id }))?.uniq).toBeUndefined();
    expect((await records().findOne({ _id: repeated._id }))?.data).toEqual({ ref: 'taken' });
  });

  it('moves a store with per-form unique indexes over to the shared one', async () => {
    const form = await createForm(t, w, {
      key: 'legacy',
      name: label('Legacy'),
      fields: [{ key: 'code', type: 'text', label: label('Code'), unique: true }],
    });
    await create(form, { code: 'old' });
    // As the earlier design left it: records without entries, one partial unique index per field.
    const id = new Types.ObjectId(form);
    await records().updateMany({ form: id }, { $unset: { uniq: '' } });
    await records().createIndex(
      { ws: 1, form: 1, 'data.code': 1 },
      {
        name: `unique_${form}_code`,
        unique: true,
        partialFilterExpression: { form: id, deletedAt: { $type: 'null' }, 'data.code': { $gt: '' } },
      },
    );
    expect(await migrateLegacyUniqueIndexes(t.store.connection)).toBe(1);
    const names = (await records().indexes()).map((index) => String(index.name));
    expect(names.filter((name) => name.startsWith('unique_'))).toEqual([]);
    expect(await records().countDocuments({ form: id, uniq: 'code\u0000"old"' })).toBe(1);
    const race = await Promise.all([create(form, { code: 'old' }), create(form, { code: 'new' })]);
    expect(race.map((r) => r.statusCode)).toEqual([409, 201]);
  });

  it('never sends the entries out, and a client cannot send them', async () => {
    const form = await createForm(t, w, {
      key: 'private',
      name: label('Private'),
      fields: [{ key: 'code', type: 'text', label: label('Code'), unique: true }],
    });
    const forged = await call(t, w, 'POST', `/forms/${form}/records`, {
      data: { code: 'p' },
      uniq: ['code\u0000"q"'],
    });
    expect(forged.statusCode).toBe(400);
    expect(paths(forged)).toEqual(['/uniq']);
    const res = await create(form, { code: 'p' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).not.toHaveProperty('uniq');
    const one = await call(t, w, 'GET', `/forms/${form}/records/${res.json().id}`);
    expect(one.json()).not.toHaveProperty('uniq');
    expect(one.json().data).not.toHaveProperty('uniq');
    const stored = await records().findOne({ _id: new Types.ObjectId(res.json().id) });
    expect(stored?.uniq).toEqual(['code\u0000"p"']);
    expect((await create(form, { code: 'q' })).statusCode).toBe(201);
  });
});
