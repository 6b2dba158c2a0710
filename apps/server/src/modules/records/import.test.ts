import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

let t: TestApp;
let w: Workspace;
let customers: string;
let orders: string;

const names = async (form: string) =>
  (
    (await call(t, w, 'GET', `/forms/${form}/records?sort=code&limit=100`)).json().items as {
      data: Record<string, unknown>;
    }[]
  ).map((r) => r.data);

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  customers = await createForm(t, w, {
    key: 'customers',
    name: label('Customers'),
    fields: [{ key: 'name', type: 'text', label: label('Name'), unique: true }],
  });
  await call(t, w, 'POST', `/forms/${customers}/records`, { data: { name: 'ACME' } });
  orders = await createForm(t, w, {
    key: 'orders',
    name: label('Orders'),
    fields: [
      { key: 'code', type: 'text', label: label('Code'), required: true, unique: true },
      { key: 'qty', type: 'number', label: label('Quantity') },
      { key: 'rush', type: 'switch', label: label('Rush') },
      {
        key: 'customer',
        type: 'relation',
        label: label('Customer'),
        form: 'customers',
        displayField: 'name',
      },
    ],
  });
});
afterAll(async () => t?.close());

const csv = ['Code,Quantity,Rush,Customer', 'A1,3,yes,ACME', 'A2,x,no,', 'A3,5,1,Nobody', ',1,no,'].join(
  '\n',
);

describe('import', () => {
  it('dry-runs: reports every bad row with its reasons and writes nothing', async () => {
    const res = await call(t, w, 'POST', `/forms/${orders}/records/import`, {
      format: 'csv',
      content: csv,
      dryRun: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ dryRun: true, total: 4, valid: 1, created: 0 });
    expect(report.errors.map((e: { row: number }) => e.row)).toEqual([3, 4, 5]);
    expect(report.errors[0].details[0].path).toBe('/rows/3/qty');
    expect(report.errors[1].details[0].message).toContain('no record named "Nobody"');
    expect(report.errors[2].details[0].path).toBe('/rows/5/code');
    expect(await names(orders)).toEqual([]);
  });

  it('all-or-nothing refuses a file with bad rows; skip imports the good ones', async () => {
    const strict = await call(t, w, 'POST', `/forms/${orders}/records/import`, {
      format: 'csv',
      content: csv,
    });
    expect(strict.statusCode).toBe(422);
    expect(await names(orders)).toEqual([]);
    const skip = await call(t, w, 'POST', `/forms/${orders}/records/import`, {
      format: 'csv',
      content: csv,
      mode: 'skip',
    });
    expect(skip.json()).toMatchObject({ created: 1, skipped: 3 });
    const [a1] = await names(orders);
    expect(a1).toMatchObject({ code: 'A1', qty: 3, rush: true });
    expect(a1?.customer).toMatch(/^[0-9a-f]{24}$/);
  });

  it('upserts by a unique field from XLSX', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('orders');
    sheet.addRow(['Code', 'Quantity']);
    sheet.addRow(['A1', 30]);
    sheet.addRow(['B1', 7]);
    const content = Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
    const res = await call(t, w, 'POST', `/forms/${orders}/records/import`, {
      format: 'xlsx',
      content,
      upsertBy: 'code',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, updated: 1, skipped: 0 });
    const rows = await names(orders);
    expect(rows.map((r) => [r.code, r.qty, r.rush])).toEqual([
      ['A1', 30, true],
      ['B1', 7, undefined],
    ]);
    const notUnique = await call(t, w, 'POST', `/forms/${orders}/records/import`, {
      format: 'xlsx',
      content,
      upsertBy: 'qty',
    });
    expect(notUnique.statusCode).toBe(400);
  });
});
