import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';
import { createAutomation, createRecord, patchRecord, recordsOf, runsOf } from './test-fixtures.js';

let t: TestApp;
let w: Workspace;
let deals: string;
let contracts: string;
let logs: string;
const ids: Record<string, string> = {};
const time = Date.parse('2026-03-02T08:00:00Z');

const opts = (...values: string[]) => values.map((value) => ({ value }));
const log = (expression: string) => ({
  type: 'createRecord',
  config: { form: 'logs', values: { msg: expression } },
});
const messages = async () => (await recordsOf(t, w, logs)).map((r) => r.data.msg).sort();

beforeAll(async () => {
  t = await createTestApp({}, { clock: () => new Date(time), pollJobs: false });
  w = await workspaceWithApp(t);
  deals = await createForm(t, w, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'name', type: 'text', label: label('Name') },
      { key: 'stage', type: 'select', label: label('Stage'), options: opts('open', 'won', 'lost') },
      { key: 'amount', type: 'number', label: label('Amount'), precision: 0 },
      { key: 'note', type: 'text', label: label('Note') },
    ],
  });
  contracts = await createForm(t, w, {
    key: 'contracts',
    name: label('Contracts'),
    fields: [
      { key: 'deal', type: 'relation', label: label('Deal'), form: 'deals' },
      { key: 'amount', type: 'number', label: label('Amount'), precision: 0 },
    ],
  });
  logs = await createForm(t, w, {
    key: 'logs',
    name: label('Logs'),
    fields: [{ key: 'msg', type: 'text', label: label('Msg') }],
  });
  ids.created = await createAutomation(t, w, {
    key: 'on_create',
    trigger: { type: 'recordCreated', form: 'deals' },
    actions: [log('CONCATENATE("created ", name)')],
  });
  ids.won = await createAutomation(t, w, {
    key: 'on_won',
    trigger: { type: 'fieldChanged', form: 'deals', field: 'stage', to: 'won' },
    conditions: ['amount > 0'],
    actions: [
      { type: 'createRecord', config: { form: 'contracts', values: { deal: '_id', amount: 'amount' } } },
    ],
  });
  ids.note = await createAutomation(t, w, {
    key: 'on_note',
    trigger: { type: 'recordUpdated', form: 'deals', fields: ['note'] },
    actions: [log('CONCATENATE("note ", note)')],
  });
  ids.deleted = await createAutomation(t, w, {
    key: 'on_delete',
    trigger: { type: 'recordDeleted', form: 'deals' },
    actions: [log('CONCATENATE("deleted ", name)')],
  });
  ids.bulk = await createAutomation(t, w, {
    key: 'on_bulk',
    trigger: { type: 'recordCreated', form: 'deals' },
    includeBulkWrites: true,
    actions: [log('CONCATENATE("bulk-aware ", name)')],
  });
}, 60_000);

afterAll(async () => {
  await t.close();
});

describe('record triggers', () => {
  let deal: string;

  it('recordCreated runs once per new record, as a durable job', async () => {
    deal = (await createRecord(t, w, deals, { name: 'A', stage: 'open', amount: 100 })).id;
    // Nothing ran in the request: the runs are jobs.
    expect(await messages()).toEqual([]);
    await t.app.scheduler.runDue();
    expect(await messages()).toEqual(['bulk-aware A', 'created A']);
    const [run] = await runsOf(t, w, ids.created as string);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: { type: 'recordCreated', via: 'api', record: deal },
    });
    expect(run?.actions[0]).toMatchObject({ status: 'done', type: 'createRecord' });
    expect(typeof run?.durationMs).toBe('number');
    // Nothing else fired: no field changed to won, no note.
    expect(await runsOf(t, w, ids.won as string)).toEqual([]);
    expect(await runsOf(t, w, ids.note as string)).toEqual([]);
  });

  it('fieldChanged fires on the change to the value, not on later unrelated updates', async () => {
    await patchRecord(t, w, deals, deal, { stage: 'won' });
    await t.app.scheduler.runDue();
    const made = await recordsOf(t, w, contracts);
    expect(made.map((c) => c.data)).toEqual([{ deal, amount: 100 }]);
    // The record an automation writes is an ordinary record: its creator is the automation.
    expect(made[0]?.createdBy).toBe(ids.won);
    await patchRecord(t, w, deals, deal, { note: 'x' });
    await patchRecord(t, w, deals, deal, { amount: 120 });
    await t.app.scheduler.runDue();
    expect(await recordsOf(t, w, contracts)).toHaveLength(1);
    expect(await runsOf(t, w, ids.won as string)).toHaveLength(1);
    // recordUpdated with fields: only the note change fired it.
    expect(await runsOf(t, w, ids.note as string)).toHaveLength(1);
    expect(await messages()).toContain('note x');
    // A change away and back is a new change.
    await patchRecord(t, w, deals, deal, { stage: 'lost' });
    await patchRecord(t, w, deals, deal, { stage: 'won' });
    await t.app.scheduler.runDue();
    expect((await recordsOf(t, w, contracts)).map((c) => c.data.amount).sort()).toEqual([100, 120]);
  });

  it('conditions are formulas over the triggering record; unmet ones skip the run and say so', async () => {
    await createRecord(t, w, deals, { name: 'Zero', stage: 'won', amount: 0 });
    await t.app.scheduler.runDue();
    const [run] = await runsOf(t, w, ids.won as string);
    expect(run).toMatchObject({ status: 'skipped', reason: 'condition 1 does not hold', actions: [] });
    expect(await recordsOf(t, w, contracts)).toHaveLength(2);
  });

  it('recordDeleted fires on deletion', async () => {
    const res = await call(t, w, 'DELETE', `/forms/${deals}/records/${deal}`);
    expect(res.statusCode).toBe(200);
    await t.app.scheduler.runDue();
    expect(await messages()).toContain('deleted A');
  });

  it('imports fire only automations that include bulk writes, and the run log says so', async () => {
    const res = await call(t, w, 'POST', `/forms/${deals}/records/import`, {
      format: 'csv',
      content: 'name,stage,amount\nImported,open,5\n',
    });
    expect(res.statusCode).toBe(200);
    await t.app.scheduler.runDue();
    const texts = await messages();
    expect(texts).toContain('bulk-aware Imported');
    expect(texts).not.toContain('created Imported');
    const [run] = await runsOf(t, w, ids.bulk as string);
    expect(run?.trigger.via).toBe('import');
  });

  it('a batch create sent as a bulk load (?bulk=true) fires only automations that include bulk writes', async () => {
    const res = await call(t, w, 'POST', `/forms/${deals}/records/batch?bulk=true`, {
      records: [{ data: { name: 'Loaded', stage: 'won', amount: 9 } }],
    });
    expect(res.statusCode, res.body).toBe(200);
    await t.app.scheduler.runDue();
    const texts = await messages();
    expect(texts).toContain('bulk-aware Loaded');
    expect(texts).not.toContain('created Loaded');
    // No contract for a deal loaded as won: the loader writes such effects itself.
    const made = await recordsOf(t, w, contracts);
    expect(made.some((c) => c.data.amount === 9)).toBe(false);
    // Without the flag the same batch fires them all.
    await call(t, w, 'POST', `/forms/${deals}/records/batch`, {
      records: [{ data: { name: 'Batched', stage: 'open', amount: 3 } }],
    });
    await t.app.scheduler.runDue();
    expect(await messages()).toContain('created Batched');
    const bad = await call(t, w, 'POST', `/forms/${deals}/records/batch?bulk=1`, {
      records: [{ data: { name: 'X' } }],
    });
    expect(bad.statusCode).toBe(400);
  });

  it('bulk edits and deletes from a list (?bulk=true) fire only automations that include bulk writes', async () => {
    const b = await createRecord(t, w, deals, { name: 'Mass', stage: 'open', amount: 1 });
    const aware = await createAutomation(t, w, {
      key: 'on_bulk_note',
      trigger: { type: 'recordUpdated', form: 'deals', fields: ['note'] },
      includeBulkWrites: true,
      actions: [log('CONCATENATE("bulk-aware note ", note)')],
    });
    await t.app.scheduler.runDue();
    const edited = await call(t, w, 'PATCH', `/forms/${deals}/records/${b.id}?bulk=true`, {
      v: 1,
      data: { note: 'mass' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const removed = await call(t, w, 'DELETE', `/forms/${deals}/records/${b.id}?bulk=true`);
    expect(removed.statusCode, removed.body).toBe(200);
    await t.app.scheduler.runDue();
    const texts = await messages();
    expect(texts).toContain('bulk-aware note mass');
    expect(texts).not.toContain('note mass');
    expect(texts).not.toContain('deleted Mass');
    const [run] = await runsOf(t, w, aware);
    expect(run?.trigger.via).toBe('bulk');
    const bad = await call(t, w, 'PATCH', `/forms/${deals}/records/${b.id}?bulk=yes`, { v: 2, data: {} });
    expect(bad.statusCode).toBe(400);
  });

  it('a disabled automation does not fire', async () => {
    expect((await call(t, w, 'POST', `/automations/${ids.created}/disable`)).json()).toMatchObject({
      enabled: false,
    });
    await createRecord(t, w, deals, { name: 'Quiet' });
    await t.app.scheduler.runDue();
    expect(await messages()).not.toContain('created Quiet');
    expect((await call(t, w, 'POST', `/automations/${ids.created}/enable`)).json()).toMatchObject({
      enabled: true,
    });
  });
});
