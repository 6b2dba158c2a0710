import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember } from '../auth/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

// The import wizard's server side: a preview with column guesses, and undoing a finished import.
let t: TestApp;
let w: Workspace;
let orders: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  orders = await createForm(t, w, {
    key: 'orders',
    name: label('Orders'),
    fields: [
      {
        key: 'code',
        type: 'text',
        label: { en: 'Order code', 'zh-CN': '订单号' },
        required: true,
        unique: true,
      },
      { key: 'qty', type: 'number', label: { en: 'Quantity', 'zh-CN': '数量' } },
      { key: 'unitPrice', type: 'money', currency: 'CNY', label: { en: 'Unit price', 'zh-CN': '单价' } },
      {
        key: 'total',
        type: 'formula',
        label: label('Total'),
        expression: 'qty * unitPrice',
        resultType: 'number',
      },
    ],
  });
});
afterAll(async () => t?.close());

async function xlsx(rows: unknown[][]): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Orders');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
}

async function finished(job: string): Promise<Record<string, unknown>> {
  for (;;) {
    const res = await call(t, w, 'GET', `/imports/${job}`);
    const body = res.json() as Record<string, unknown>;
    if (body.status !== 'running') return body;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const codes = async () =>
  (
    (await call(t, w, 'GET', `/forms/${orders}/records?sort=code&limit=100`)).json().items as Array<{
      data: { code: string; qty?: number };
    }>
  ).map((r) => `${r.data.code}:${r.data.qty ?? ''}`);

describe('import preview', () => {
  it("reads the file's columns and first rows, and guesses each column's field", async () => {
    const content = await xlsx([
      ['订单号', 'quantity', 'Unit Price ', 'Comment'],
      ['P-1', 2, 10, 'first'],
      ['P-2', 3, 20, 'second'],
    ]);
    const res = await call(t, w, 'POST', `/forms/${orders}/records/import/preview`, {
      format: 'xlsx',
      content,
    });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    expect(preview.headers).toEqual(['订单号', 'quantity', 'Unit Price ', 'Comment']);
    expect(preview.total).toBe(2);
    expect(preview.sample[0]).toEqual({
      订单号: 'P-1',
      quantity: '2',
      'Unit Price ': '10',
      Comment: 'first',
    });
    expect(preview.guesses).toEqual({ 订单号: 'code', quantity: 'qty', 'Unit Price ': 'unitPrice' });
    // Computed fields are not importable.
    expect(preview.fields.map((f: { key: string }) => f.key)).toEqual(['code', 'qty', 'unitPrice']);
    expect((await call(t, w, 'GET', '/forms/nope/records')).statusCode).toBe(404);
    // Writes nothing.
    expect(await codes()).toEqual([]);
  });

  it('leaves out a column mapped to nothing, even when its header names a field', async () => {
    const res = await call(t, w, 'POST', `/forms/${orders}/records/import`, {
      format: 'csv',
      content: ['Order code,Quantity', 'S-1,lots'].join('\n'),
      mapping: { Quantity: '' },
      dryRun: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ valid: 1, errors: [] });
  });

  it('refuses a file that is no spreadsheet, and callers who may not add records', async () => {
    const bad = await call(t, w, 'POST', `/forms/${orders}/records/import/preview`, {
      format: 'xlsx',
      content: 'bm90IGEgemlw',
    });
    expect(bad.statusCode).toBe(400);
    const member = await addMember(t.app, w.owner, w.ws, 'member@example.com');
    const refused = await call(
      t,
      w,
      'POST',
      `/forms/${orders}/records/import/preview`,
      { format: 'csv', content: 'a\n1' },
      member.headers,
    );
    expect(refused.statusCode).toBe(403);
  });
});

describe('undoing an import', () => {
  it('removes the records it created and gives updated ones their earlier values back, once', async () => {
    await call(t, w, 'POST', `/forms/${orders}/records`, { data: { code: 'OLD', qty: 1 } });
    const csv = ['Order code,Quantity', 'OLD,9', 'N-1,1', 'N-2,2'].join('\n');
    const started = await call(t, w, 'POST', `/forms/${orders}/records/import`, {
      format: 'csv',
      content: csv,
      upsertBy: 'code',
      async: true,
    });
    expect(started.statusCode, started.body).toBe(202);
    const job = started.json().jobId as string;
    expect(await finished(job)).toMatchObject({
      status: 'done',
      created: 2,
      updated: 1,
      undoable: true,
      undone: null,
    });
    expect(await codes()).toEqual(['N-1:1', 'N-2:2', 'OLD:9']);

    const stranger = await addMember(t.app, w.owner, w.ws, 'stranger@example.com');
    expect((await call(t, w, 'POST', `/imports/${job}/undo`, undefined, stranger.headers)).statusCode).toBe(
      404,
    );

    const undone = await call(t, w, 'POST', `/imports/${job}/undo`);
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json()).toEqual({ undone: 3, kept: 0 });
    expect(await codes()).toEqual(['OLD:1']);
    expect(await finished(job)).toMatchObject({ undoable: false, undone: { kept: 0 } });
    expect((await call(t, w, 'POST', `/imports/${job}/undo`)).statusCode).toBe(409);
  });

  it('removes the records it created even when someone changed them since', async () => {
    const started = await call(t, w, 'POST', `/forms/${orders}/records/import`, {
      format: 'csv',
      content: ['Order code,Quantity', 'K-1,1', 'K-2,2'].join('\n'),
      async: true,
    });
    const job = started.json().jobId as string;
    await finished(job);
    const list = (await call(t, w, 'GET', `/forms/${orders}/records?q=K-1`)).json().items as Array<{
      id: string;
      v: number;
    }>;
    const changed = list[0] as { id: string; v: number };
    expect(
      (
        await call(t, w, 'PATCH', `/forms/${orders}/records/${changed.id}`, {
          v: changed.v,
          data: { qty: 5 },
        })
      ).statusCode,
    ).toBe(200);
    const undone = (await call(t, w, 'POST', `/imports/${job}/undo`)).json();
    // A created record is removed whatever happened to it since; an updated one only if unchanged.
    expect(undone).toEqual({ undone: 2, kept: 0 });
    expect((await codes()).filter((c) => c.startsWith('K-'))).toEqual([]);
  });

  it('cannot undo a dry run', async () => {
    const started = await call(t, w, 'POST', `/forms/${orders}/records/import`, {
      format: 'csv',
      content: ['Order code', 'D-1'].join('\n'),
      dryRun: true,
      async: true,
    });
    const job = started.json().jobId as string;
    expect(await finished(job)).toMatchObject({ status: 'done', undoable: false });
    expect((await call(t, w, 'POST', `/imports/${job}/undo`)).statusCode).toBe(409);
  });
});
