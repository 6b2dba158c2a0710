import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';
import { fileBucket } from './model.js';
import { sweepAbandoned, sweepFiles, sweepUnattached } from './sweep.js';
import { EXE, gridCounts, PNG, upload } from './test-helpers.js';

let t: TestApp;
let w: Workspace;
let formId: string;
const FILE_MAX = 8 * 1024 * 1024;

const filesUrl = (field: string) => `${w.base}/forms/${formId}/files?field=${encodeURIComponent(field)}`;
const send = (field: string, content: Buffer, name: string, type?: string, slow = false) =>
  upload(t, filesUrl(field), w.owner.headers, content, name, type, slow);

beforeAll(async () => {
  t = await createTestApp({ FILE_MAX_BYTES: String(FILE_MAX) });
  w = await workspaceWithApp(t);
  formId = await createForm(t, w, {
    key: 'claims',
    name: label('Claims'),
    fields: [
      { key: 'title', type: 'text', label: label('Title') },
      { key: 'docs', type: 'attachment', label: label('Documents') },
      { key: 'pdfs', type: 'attachment', label: label('PDFs'), accept: ['application/pdf'], maxSize: 2048 },
      { key: 'photos', type: 'image', label: label('Photos'), maxFiles: 3 },
      { key: 'sign', type: 'signature', label: label('Signature'), maxSize: 4096 },
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
});
afterAll(async () => t?.close());

describe('upload and download', () => {
  it('round-trips a binary of several MB byte for byte, past the JSON body limit', async () => {
    // 6 MiB: larger than BODY_LIMIT (5 MiB), smaller than FILE_MAX_BYTES, so multipart is not capped by it.
    const content = randomBytes(6 * 1024 * 1024 + 123);
    const up = await send('docs', content, 'data.bin');
    expect(up.statusCode, up.body).toBe(201);
    const ref = up.json();
    expect(ref).toEqual({
      id: expect.any(String),
      name: 'data.bin',
      size: content.length,
      mime: 'application/octet-stream',
    });

    const created = await call(t, w, 'POST', `/forms/${formId}/records`, {
      data: { title: 'a', docs: [ref] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const record = created.json();
    expect(record.data.docs).toEqual([ref]);

    const down = await call(t, w, 'GET', `/forms/${formId}/records/${record.id}/files/${ref.id}`);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(content)).toBe(true);
    expect(down.headers['content-type']).toBe('application/octet-stream');
    expect(down.headers['content-length']).toBe(String(content.length));
    expect(down.headers['content-disposition']).toBe('attachment; filename="data.bin"');
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    const audited = await t.store.connection
      .collection('audit')
      .countDocuments({ action: 'files.downloaded' });
    const head = await t.app.inject({
      method: 'HEAD',
      url: `${w.base}/forms/${formId}/records/${record.id}/files/${ref.id}`,
      headers: w.owner.headers,
    });
    expect(head.statusCode).toBe(404);
    expect(await t.store.connection.collection('audit').countDocuments({ action: 'files.downloaded' })).toBe(
      audited,
    );
  });

  it('names non-ASCII files with RFC 6266 filename*, serves images inline with their real type', async () => {
    const up = await send('photos', PNG, 'фото 1.png', 'image/png');
    expect(up.statusCode, up.body).toBe(201);
    const ref = up.json();
    expect(ref.mime).toBe('image/png');
    const rec = (await call(t, w, 'POST', `/forms/${formId}/records`, { data: { photos: [ref] } })).json();
    const down = await call(t, w, 'GET', `/forms/${formId}/records/${rec.id}/files/${ref.id}`);
    expect(down.statusCode).toBe(200);
    expect(down.headers['content-type']).toBe('image/png');
    expect(down.headers['content-disposition']).toBe(
      `inline; filename="____ 1.png"; filename*=UTF-8''${encodeURIComponent('фото 1.png')}`,
    );
    expect(down.rawPayload.equals(PNG)).toBe(true);
  });

  it('replaces the name, size and type a client claims with the stored ones', async () => {
    const ref = (await send('docs', Buffer.from('hello'), 'note.txt', 'text/plain')).json();
    const lie = { ...ref, name: 'other.exe', size: 1, mime: 'application/pdf' };
    const rec = await call(t, w, 'POST', `/forms/${formId}/records`, { data: { docs: [lie] } });
    expect(rec.statusCode, rec.body).toBe(201);
    expect(rec.json().data.docs).toEqual([{ ...ref, mime: 'text/plain' }]);
  });

  it('attaches signatures and files in subform columns', async () => {
    const sign = (await send('sign', PNG, 'sign.png', 'image/png')).json();
    const receipt = (
      await send('lines.receipt', Buffer.from('%PDF-1.4\n%…'), 'r.pdf', 'application/pdf')
    ).json();
    expect(receipt.mime).toBe('application/pdf');
    const res = await call(t, w, 'POST', `/forms/${formId}/records`, {
      data: { sign, lines: [{ what: 'taxi', receipt: [receipt] }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    for (const file of [sign, receipt]) {
      const down = await call(t, w, 'GET', `/forms/${formId}/records/${id}/files/${file.id}`);
      expect(down.statusCode).toBe(200);
      expect(down.rawPayload.length).toBe(file.size);
    }
    // A file uploaded for one field cannot be put into another.
    const wrong = await call(t, w, 'POST', `/forms/${formId}/records`, { data: { docs: [receipt] } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.details[0].path).toBe('/data/docs/0');
  });

  it('audits downloads', async () => {
    const audit = await call(t, w, 'GET', '/audit?action=files.downloaded');
    expect(audit.statusCode, audit.body).toBe(200);
    const items = audit.json().items as Array<{ action: string; target: { kind: string } }>;
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.every((e) => e.action === 'files.downloaded' && e.target.kind === 'file')).toBe(true);
  });
});

describe('limits', () => {
  it('refuses files over the global cap with 413 naming the limit, leaving no chunks', async () => {
    const before = await gridCounts(t);
    // Arriving slowly, the file is partly stored before the limit is hit: those chunks are removed.
    for (const slow of [false, true]) {
      const res = await send('docs', randomBytes(FILE_MAX + 1), 'big.bin', undefined, slow);
      expect(res.statusCode).toBe(413);
      expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(res.json().error.message).toContain(String(FILE_MAX));
      expect(await gridCounts(t)).toEqual(before);
    }
  });

  it('removes what a body cut off midway had stored', async () => {
    const before = await gridCounts(t);
    const content = randomBytes(2 * 1024 * 1024);
    const res = await upload(
      t,
      filesUrl('docs'),
      w.owner.headers,
      content,
      'cut.bin',
      undefined,
      true,
      1024 * 1024,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(await gridCounts(t)).toEqual(before);
  });

  it("applies a field's maxSize and accept list", async () => {
    const before = await gridCounts(t);
    const big = await send(
      'pdfs',
      Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(4096)]),
      'a.pdf',
      'application/pdf',
    );
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toContain('2048');
    const png = await send('pdfs', PNG, 'a.png', 'image/png');
    expect(png.statusCode).toBe(400);
    const sign = await send('sign', Buffer.concat([PNG, randomBytes(5000)]), 's.png', 'image/png');
    expect(sign.statusCode).toBe(413);
    expect(sign.json().error.message).toContain('4096');
    expect(png.json().error.details[0]).toEqual({
      path: '/file',
      message: 'image/png is not one of application/pdf',
    });
    expect(await gridCounts(t)).toEqual(before);
    expect((await send('pdfs', Buffer.from('%PDF-1.4\n'), 'ok.pdf', 'application/pdf')).statusCode).toBe(201);
  });

  it('checks the real type by magic bytes', async () => {
    const before = await gridCounts(t);
    const cases: Array<[string, Buffer, string, string]> = [
      ['photos', EXE, 'photo.png', 'image/png'],
      ['docs', EXE, 'photo.png', 'image/png'],
      ['docs', EXE, 'photo.png', 'application/octet-stream'],
      ['photos', randomBytes(2000), 'photo.png', 'image/png'],
      ['photos', Buffer.from('just text'), 'notes.txt', 'text/plain'],
      ['sign', Buffer.from('<svg onload="alert(1)"/>'), 's.svg', 'image/svg+xml'],
      ['docs', Buffer.from('<svg onload="alert(1)"/>'), 's.svg', 'image/svg+xml'],
    ];
    for (const [field, content, name, type] of cases) {
      const res = await send(field, content, name, type);
      expect(res.statusCode, `${field} ${name} ${type}`).toBe(400);
      expect(res.json().error.details[0].path).toBe('/file');
    }
    expect(await gridCounts(t)).toEqual(before);
    // An executable under its own name is an attachment like any other, typed as what it is.
    const exe = await send('docs', EXE, 'tool.exe');
    expect(exe.statusCode).toBe(201);
    expect(exe.json().mime).toBe('application/x-msdownload');
  });

  it('refuses unknown fields, fields of other types and non-multipart bodies', async () => {
    for (const field of ['nope', 'title', 'lines', 'lines.what']) {
      const res = await send(field, PNG, 'a.png', 'image/png');
      expect(res.statusCode, field).toBe(400);
      expect(res.json().error.details[0].path).toBe('/field');
    }
    const json = await t.app.inject({
      method: 'POST',
      url: filesUrl('docs'),
      headers: w.owner.headers,
      payload: { file: 'x' },
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 400 to a multipart body without a usable boundary (it answered 500)', async () => {
    const before = await gridCounts(t);
    const body =
      '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhi\r\n--x--\r\n';
    for (const type of [
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/form-data; charset=utf-8',
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: filesUrl('docs'),
        headers: { ...w.owner.headers, 'content-type': type },
        payload: body,
      });
      expect(res.statusCode, `${type}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await gridCounts(t)).toEqual(before);
  });
});

describe('lifecycle', () => {
  it('keeps files of deleted records and sweeps uploads never attached', async () => {
    const kept = (await send('docs', Buffer.from('kept'), 'kept.txt', 'text/plain')).json();
    const loose = (await send('docs', randomBytes(300_000), 'loose.bin')).json();
    const rec = (await call(t, w, 'POST', `/forms/${formId}/records`, { data: { docs: [kept] } })).json();
    expect((await call(t, w, 'DELETE', `/forms/${formId}/records/${rec.id}`)).statusCode).toBe(200);
    const url = `/forms/${formId}/records/${rec.id}/files/${kept.id}`;
    expect((await call(t, w, 'GET', url)).statusCode).toBe(404);

    const db = t.store.connection.db!;
    // Nothing is young enough to be swept within the grace period.
    expect(await sweepUnattached(t.store.connection, new Date(Date.now() - 60_000))).toBe(0);
    const removed = await sweepUnattached(t.store.connection, new Date(Date.now() + 60_000));
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(
      await db
        .collection('files.files')
        .countDocuments({ _id: new (await import('mongoose')).Types.ObjectId(loose.id) }),
    ).toBe(0);
    const orphanChunks = await db.collection('files.chunks').countDocuments({
      files_id: {
        $nin: (
          await db
            .collection('files.files')
            .find({}, { projection: { _id: 1 } })
            .toArray()
        ).map((d) => d._id),
      },
    });
    expect(orphanChunks).toBe(0);
    // The unattached file can no longer be referenced.
    const late = await call(t, w, 'POST', `/forms/${formId}/records`, { data: { docs: [loose] } });
    expect(late.statusCode).toBe(422);

    // The deleted record's file survived the sweep: restoring the record serves it again.
    expect((await call(t, w, 'POST', `/forms/${formId}/records/${rec.id}/restore`)).statusCode).toBe(200);
    const down = await call(t, w, 'GET', url);
    expect(down.statusCode).toBe(200);
    expect(down.body).toBe('kept');
  });

  it('removes the chunks of an upload whose process died midway, and only those', async () => {
    const db = t.store.connection.db!;
    // Finished and refused uploads leave no pending marker behind.
    expect(await db.collection('files.pending').countDocuments({})).toBe(0);
    const { Types } = await import('mongoose');
    const id = new Types.ObjectId();
    await db.collection('files.pending').insertOne({ _id: id, ws: new Types.ObjectId(w.ws), at: new Date() });
    const stream = fileBucket(t.store.connection).openUploadStream('dying.bin', { id });
    await new Promise<void>((resolve, reject) =>
      stream.write(randomBytes(600_000), (e) => (e ? reject(e) : resolve())),
    );
    // …and the process is gone: no end, no abort.
    expect(await db.collection('files.chunks').countDocuments({ files_id: id })).toBe(2);
    const chunksBefore = await db.collection('files.chunks').countDocuments({});
    expect(await sweepAbandoned(t.store.connection, new Date(Date.now() - 60_000))).toBe(0);
    await sweepFiles(t.store.connection, new Date(Date.now() + 25 * 60 * 60 * 1000));
    expect(await db.collection('files.chunks').countDocuments({ files_id: id })).toBe(0);
    expect(await db.collection('files.pending').countDocuments({})).toBe(0);
    // Files on records are untouched by both sweeps.
    const attached = await db
      .collection('files.files')
      .find({ 'metadata.record': { $ne: null } })
      .toArray();
    expect(attached.length).toBeGreaterThan(3);
    const kept = await db
      .collection('files.chunks')
      .countDocuments({ files_id: { $in: attached.map((f) => f._id) } });
    expect(kept).toBeGreaterThan(0);
    expect(await db.collection('files.chunks').countDocuments({})).toBeLessThanOrEqual(chunksBefore - 2);
  });
});
