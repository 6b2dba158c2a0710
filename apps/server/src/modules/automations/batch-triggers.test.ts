import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';
import { createAutomation, recordsOf } from './test-fixtures.js';

/**
 * Batch writes (issue 17) fire automations like single writes: once for every record written — created,
 * upserted or updated — and never for a record the batch refused or took back.
 */
let t: TestApp;
let w: Workspace;
let items: string;
let logs: string;

const log = (expression: string) => ({
  type: 'createRecord',
  config: { form: 'logs', values: { msg: expression } },
});
/** What the automations logged since the last call, sorted. */
const seen = new Set<string>();
async function logged(): Promise<string[]> {
  await t.app.scheduler.runDue();
  const fresh = (await recordsOf(t, w, logs)).filter((r) => !seen.has(r.id));
  for (const r of fresh) seen.add(r.id);
  return fresh.map((r) => String(r.data.msg)).sort();
}
const batch = (method: 'POST' | 'PATCH', body: unknown) =>
  call(t, w, method, `/forms/${items}/records/batch`, body as Record<string, unknown>);

beforeAll(async () => {
  t = await createTestApp({}, { pollJobs: false });
  w = await workspaceWithApp(t);
  items = await createForm(t, w, {
    key: 'items',
    name: label('Items'),
    fields: [
      { key: 'code', type: 'text', label: label('Code'), unique: true },
      { key: 'qty', type: 'number', label: label('Qty'), validation: { min: 0 } },
    ],
  });
  logs = await createForm(t, w, {
    key: 'logs',
    name: label('Logs'),
    fields: [{ key: 'msg', type: 'text', label: label('Msg') }],
  });
  await createAutomation(t, w, {
    key: 'on_create',
    trigger: { type: 'recordCreated', form: 'items' },
    actions: [log('CONCATENATE("created ", code)')],
  });
  await createAutomation(t, w, {
    key: 'on_qty',
    trigger: { type: 'recordUpdated', form: 'items', fields: ['qty'] },
    actions: [log('CONCATENATE("qty ", code, " ", qty)')],
  });
}, 60_000);
afterAll(async () => t?.close());

describe('automations on batch writes', () => {
  it('a batch create fires once per stored record, none for the refused ones', async () => {
    const res = await batch('POST', {
      records: [
        { data: { code: 'A', qty: 1 } },
        { data: { code: 'B', qty: -1 } },
        { data: { code: 'C', qty: 2 } },
        { data: { code: 'A', qty: 3 } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 2, failed: 2 });
    expect(await logged()).toEqual(['created A', 'created C']);
  });

  it('an atomic batch that is refused or taken back fires nothing', async () => {
    const invalid = await batch('POST', {
      atomic: true,
      records: [{ data: { code: 'D', qty: 1 } }, { data: { code: 'E', qty: -1 } }],
    });
    expect(invalid.statusCode).toBe(400);
    // Passes every check, then clashes in the store: the records written first are taken back.
    const clash = await batch('POST', {
      atomic: true,
      records: [{ data: { code: 'F', qty: 1 } }, { data: { code: 'F', qty: 2 } }],
    });
    expect(clash.statusCode).toBe(409);
    expect(await logged()).toEqual([]);
  });

  it('an upsert fires the create automation for new records and the update one for existing ones', async () => {
    const res = await batch('POST', {
      mode: 'upsert',
      key: 'code',
      records: [
        { data: { code: 'A', qty: 7 } },
        { data: { code: 'G', qty: 1 } },
        { data: { code: 'C', qty: 2 } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, updated: 2 });
    // C's quantity did not change, so its field trigger does not fire.
    expect(await logged()).toEqual(['created G', 'qty A 7']);
  });

  it('a batch update fires once per updated record, none for a stale version', async () => {
    const [a, c] = await Promise.all(
      ['A', 'C'].map(async (code) => {
        const [found] = await recordsOf(t, w, items, { and: [{ field: 'code', op: 'eq', value: code }] });
        return found as { id: string; v: number };
      }),
    );
    const res = await batch('PATCH', {
      records: [
        { id: a?.id, v: a?.v, data: { qty: 8 } },
        { id: c?.id, v: (c?.v ?? 0) + 5, data: { qty: 9 } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results.map((r: { ok: boolean }) => r.ok)).toEqual([true, false]);
    expect(await logged()).toEqual(['qty A 8']);
  });
});
