import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { Caller } from '../apps/caller.js';
import { addMember, type Session } from '../auth/test-helpers.js';
import { openForm } from '../records/context.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';
import { attachFiles } from './attach.js';
import { detachFiles } from './detach.js';
import type { FileDoc, FileRef } from './model.js';
import { sweepFiles, UNATTACHED_GRACE_MS } from './sweep.js';
import { PNG, upload } from './test-helpers.js';

/** Garbage collection of files a record update no longer references (docs/files.md, "Dropped files"). */

let t: TestApp;
let w: Workspace;
let admin: Session;
let formId: string;

const put = async (field: string, content: string | Buffer, name = 'f.txt', type = 'text/plain') => {
  const res = await upload(
    t,
    `${w.base}/forms/${formId}/files?field=${field}`,
    w.owner.headers,
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    name,
    type,
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as FileRef;
};
const create = async (data: Record<string, unknown>) => {
  const res = await call(t, w, 'POST', `/forms/${formId}/records`, { data });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; v: number; data: Record<string, unknown> };
};
const update = (rec: { id: string; v: number }, data: Record<string, unknown>, headers = w.owner.headers) =>
  call(t, w, 'PATCH', `/forms/${formId}/records/${rec.id}`, { v: rec.v, data }, headers);
const download = (record: string, file: string) =>
  call(t, w, 'GET', `/forms/${formId}/records/${record}/files/${file}`);
const meta = async (file: FileRef) => {
  const doc = await t.store.connection.db
    ?.collection<FileDoc>('files.files')
    .findOne({ _id: new Types.ObjectId(file.id) });
  return doc?.metadata;
};
const chunks = (file: FileRef) =>
  t.store.connection.db?.collection('files.chunks').countDocuments({ files_id: new Types.ObjectId(file.id) });
const later = (ms: number) => new Date(Date.now() + ms);

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  formId = await createForm(t, w, {
    key: 'claims',
    name: label('Claims'),
    fields: [
      { key: 'title', type: 'text', label: label('Title') },
      { key: 'docs', type: 'attachment', label: label('Documents') },
      { key: 'sign', type: 'signature', label: label('Signature') },
      {
        key: 'lines',
        type: 'subform',
        label: label('Lines'),
        columns: [
          { key: 'what', type: 'text', label: label('What') },
          { key: 'receipt', type: 'attachment', label: label('Receipt') },
        ],
      },
    ],
  });
  admin = await addMember(t.app, w.owner, w.ws, 'admin@example.com', ['admin']);
});
afterAll(async () => t?.close());

describe('an update that drops a file', () => {
  it('detaches a replaced attachment, which then answers 404 through the record', async () => {
    const [a, b] = [await put('docs', 'first'), await put('docs', 'second')];
    const rec = await create({ docs: [a] });
    expect((await download(rec.id, a.id)).statusCode).toBe(200);
    const res = await update(rec, { docs: [b] });
    expect(res.statusCode, res.body).toBe(200);
    const dropped = await meta(a);
    expect(dropped?.record).toBeNull();
    expect(dropped?.detachedFrom?.toHexString()).toBe(rec.id);
    expect(dropped?.detachedAt).toBeInstanceOf(Date);
    expect((await meta(b))?.record?.toHexString()).toBe(rec.id);
    expect((await download(rec.id, a.id)).statusCode).toBe(404);
    expect((await download(rec.id, b.id)).body).toBe('second');
  });

  it('detaches a cleared signature, and keeps files an update leaves alone', async () => {
    const sign = await put('sign', PNG, 's.png', 'image/png');
    const doc = await put('docs', 'stays');
    const rec = await create({ sign, docs: [doc] });
    const res = await update(rec, { sign: null, title: 'signed no more' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await meta(sign))?.record).toBeNull();
    expect((await download(rec.id, sign.id)).statusCode).toBe(404);
    expect((await meta(doc))?.record?.toHexString()).toBe(rec.id);
    expect((await meta(doc))?.detachedAt).toBeUndefined();
  });

  it('detaches the file of a removed subform row only', async () => {
    const [r1, r2] = [await put('lines.receipt', 'taxi'), await put('lines.receipt', 'hotel')];
    const rec = await create({
      lines: [
        { what: 'taxi', receipt: [r1] },
        { what: 'hotel', receipt: [r2] },
      ],
    });
    const res = await update(rec, { lines: [{ what: 'hotel', receipt: [r2] }] });
    expect(res.statusCode, res.body).toBe(200);
    expect((await meta(r1))?.record).toBeNull();
    expect((await meta(r2))?.record?.toHexString()).toBe(rec.id);
    expect((await download(rec.id, r1.id)).statusCode).toBe(404);
    expect((await download(rec.id, r2.id)).body).toBe('hotel');
  });
});

describe('putting a dropped file back', () => {
  it('re-attaches it through a later write to the same record, by any member who may edit it', async () => {
    const a = await put('docs', 'back again');
    const rec = await create({ docs: [a] });
    const cleared = (await update(rec, { docs: [] })).json();
    expect((await meta(a))?.record).toBeNull();
    // The admin did not upload it, but it is this record's file.
    const back = await update(cleared, { docs: [a] }, admin.headers);
    expect(back.statusCode, back.body).toBe(200);
    const restored = await meta(a);
    expect(restored?.record?.toHexString()).toBe(rec.id);
    expect(restored?.detachedAt).toBeUndefined();
    expect(restored?.detachedFrom).toBeUndefined();
    expect((await download(rec.id, a.id)).body).toBe('back again');
    // Attached again, it survives a sweep long after the grace period.
    await sweepFiles(t.store.connection, later(3 * UNATTACHED_GRACE_MS));
    expect((await download(rec.id, a.id)).body).toBe('back again');
  });

  it('refuses it to other records, even to its uploader', async () => {
    const a = await put('docs', 'left behind');
    const rec = await create({ docs: [a] });
    expect((await update(rec, { docs: [] })).statusCode).toBe(200);
    const other = await call(t, w, 'POST', `/forms/${formId}/records`, { data: { docs: [a] } });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.details[0].path).toBe('/data/docs/0');
    const elsewhere = await create({ title: 'elsewhere' });
    expect((await update(elsewhere, { docs: [a] })).statusCode).toBe(422);
    expect((await meta(a))?.detachedFrom?.toHexString()).toBe(rec.id);
  });
});

describe('the sweep of dropped files', () => {
  it('counts the grace from detachedAt, not from the upload, and leaves no chunks', async () => {
    const a = await put('docs', 'x'.repeat(300_000), 'big.txt');
    const rec = await create({ docs: [a] });
    expect(await chunks(a)).toBe(2);
    // An old upload: its grace counted from the upload ended long ago.
    await t.store.connection.db
      ?.collection('files.files')
      .updateOne(
        { _id: new Types.ObjectId(a.id) },
        { $set: { uploadDate: later(-2 * UNATTACHED_GRACE_MS) } },
      );
    expect((await update(rec, { docs: [] })).statusCode).toBe(200);
    const detachedAt = (await meta(a))?.detachedAt;
    if (!detachedAt) throw new Error('not detached');
    const at = (ms: number) => new Date(detachedAt.getTime() + ms);
    // A minute after it was dropped, and a minute before its grace ends: kept.
    await sweepFiles(t.store.connection, at(60_000));
    await sweepFiles(t.store.connection, at(UNATTACHED_GRACE_MS - 60_000));
    expect(await meta(a)).toBeDefined();
    expect(await chunks(a)).toBe(2);
    await sweepFiles(t.store.connection, at(UNATTACHED_GRACE_MS + 60_000));
    expect(await meta(a)).toBeUndefined();
    expect(await chunks(a)).toBe(0);
    // No chunk anywhere lost its file document.
    const db = t.store.connection.db;
    const ids = (
      await db
        ?.collection('files.files')
        .find({}, { projection: { _id: 1 } })
        .toArray()
    )?.map((d) => d._id);
    expect(await db?.collection('files.chunks').countDocuments({ files_id: { $nin: ids } })).toBe(0);
    // The record is untouched and no longer offers the file.
    expect((await download(rec.id, a.id)).statusCode).toBe(404);
  });

  it('keeps the files of soft-deleted records, served again after a restore', async () => {
    const a = await put('docs', 'deleted but kept');
    const rec = await create({ docs: [a] });
    expect((await call(t, w, 'DELETE', `/forms/${formId}/records/${rec.id}`)).statusCode).toBe(200);
    expect((await meta(a))?.record?.toHexString()).toBe(rec.id);
    await sweepFiles(t.store.connection, later(3 * UNATTACHED_GRACE_MS));
    expect(await chunks(a)).toBe(1);
    expect((await call(t, w, 'POST', `/forms/${formId}/records/${rec.id}/restore`)).statusCode).toBe(200);
    expect((await download(rec.id, a.id)).body).toBe('deleted but kept');
  });

  it('attaches a dropped file back instead of removing it when its record mentions it again', async () => {
    const a = await put('docs', 'undone');
    const rec = await create({ docs: [a] });
    expect((await update(rec, { docs: [] })).statusCode).toBe(200);
    // What an import undo does: the data of before the update is written back around the files module.
    await t.store.connection.db
      ?.collection('records')
      .updateOne({ _id: new Types.ObjectId(rec.id) }, { $set: { 'data.docs': [a] } });
    await sweepFiles(t.store.connection, later(2 * UNATTACHED_GRACE_MS));
    expect((await meta(a))?.record?.toHexString()).toBe(rec.id);
    expect((await download(rec.id, a.id)).body).toBe('undone');
  });
});

describe('writes settling out of order', () => {
  const target = async () => {
    const member = await t.store.connection.db
      ?.collection('members')
      .findOne({ ws: new Types.ObjectId(w.ws), userId: new Types.ObjectId(w.owner.userId) });
    const caller: Caller = {
      ws: new Types.ObjectId(w.ws),
      userId: new Types.ObjectId(w.owner.userId),
      roles: (member?.roles as string[]) ?? [],
      timeZone: 'UTC',
    };
    return openForm(t.store.connection, caller, new Types.ObjectId(formId));
  };

  it('a late detach of an older version loses to the attach of a newer one', async () => {
    const a = await put('docs', 'raced');
    const rec = await create({ docs: [a] });
    const id = new Types.ObjectId(rec.id);
    const file = new Types.ObjectId(a.id);
    const form = await target();
    // v3 put the file back (attached) before v2's detach of it ran.
    await attachFiles(form, { _id: id, v: 3 }, [file]);
    await detachFiles(form, { _id: id, v: 2 }, [file], new Date());
    expect((await meta(a))?.record?.toHexString()).toBe(rec.id);
    expect((await meta(a))?.recordV).toBe(3);
  });

  it('a late attach of an older version loses to the detach of a newer one', async () => {
    const a = await put('docs', 'raced back');
    const rec = await create({ title: 'no files yet' });
    const id = new Types.ObjectId(rec.id);
    const file = new Types.ObjectId(a.id);
    const form = await target();
    // v2 stored the fresh upload, v3 dropped it, and v3's detach ran before v2's attach.
    await detachFiles(form, { _id: id, v: 3 }, [file], new Date());
    await attachFiles(form, { _id: id, v: 2 }, [file]);
    const state = await meta(a);
    expect(state?.record).toBeNull();
    expect(state?.detachedFrom?.toHexString()).toBe(rec.id);
    expect(state?.recordV).toBe(3);
  });
});
