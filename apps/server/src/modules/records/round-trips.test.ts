import type { mongo } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

/**
 * Store round trips of the create path, counted at the driver (its command events): a create's cost under
 * load is mostly its round trips (the driver's and the store's work per command), so their number must not
 * grow unnoticed. Counts, not timings.
 */
let t: TestApp;
let w: Workspace;
let orders: string;
let payments: string;
let commands: mongo.CommandStartedEvent[] = [];

/** What was sent to the store, as `command collection`, in order. */
const sent = () => commands.map((c) => `${c.commandName} ${String(c.command[c.commandName])}`);

/** Lets fire-and-forget follow-ups of the writes (the report stamp) reach the store. */
async function settled() {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeAll(async () => {
  // Cached identities and definitions live for the whole file, so a slow machine's expiries add no reads.
  t = await createTestApp({ CACHE_TTL_MS: '60000' }, { pollJobs: false, monitorCommands: true });
  w = await workspaceWithApp(t);
  payments = await createForm(t, w, {
    key: 'payments',
    name: label('Payments'),
    fields: [
      { key: 'payer', type: 'text', label: label('Payer'), indexed: true },
      { key: 'amount', type: 'number', label: label('Amount') },
    ],
  });
  for (const [payer, amount] of [
    ['c1', 5],
    ['c1', 7],
    ['c2', 100],
  ] as const) {
    expect(
      (await call(t, w, 'POST', `/forms/${payments}/records`, { data: { payer, amount } })).statusCode,
    ).toBe(201);
  }
  orders = await createForm(t, w, {
    key: 'orders',
    name: label('Orders'),
    fields: [
      { key: 'customer', type: 'text', label: label('Customer') },
      { key: 'a', type: 'number', label: label('A') },
      { key: 'b', type: 'number', label: label('B') },
      { key: 'total', type: 'formula', label: label('Total'), expression: 'a + b', resultType: 'number' },
      {
        key: 'paid',
        type: 'rollup',
        label: label('Paid'),
        form: 'payments',
        field: 'amount',
        aggregate: 'sum',
        conditions: { and: [{ field: 'payer', op: 'eq', value: { $field: 'customer' } }] },
      },
    ],
  });
  t.store.connection
    .getClient()
    .on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
  // The first create of a form reads its definitions and automations into the caches.
  await call(t, w, 'POST', `/forms/${orders}/records`, { data: { customer: 'c1', a: 1, b: 2 } });
  await settled();
});
afterAll(async () => t?.close());
beforeEach(() => {
  commands = [];
});

describe('store round trips of a create', () => {
  it('a single create: the rollup, the record, its history entry and the reports stamp', async () => {
    const res = await call(t, w, 'POST', `/forms/${orders}/records`, {
      data: { customer: 'c1', a: 1, b: 2 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().data).toMatchObject({ total: 3, paid: 12 });
    await settled();
    expect(sent().sort()).toEqual(
      ['aggregate records', 'insert records', 'insert record_history', 'update report_stamps'].sort(),
    );
  });

  it("no rollup read when the record leaves the condition's operand empty (nothing can match)", async () => {
    const res = await call(t, w, 'POST', `/forms/${orders}/records`, { data: { a: 1, b: 2 } });
    expect(res.statusCode).toBe(201);
    expect(res.json().data).toMatchObject({ total: 3, paid: 0 });
    await settled();
    expect(sent().sort()).toEqual(['insert records', 'insert record_history', 'update report_stamps'].sort());
  });

  it('concurrent creates share identical rollup reads and group their inserts', async () => {
    const data = (customer: string) => ({ data: { customer, a: 1, b: 2 } });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(t, w, 'POST', `/forms/${orders}/records`, data(i % 2 === 0 ? 'c1' : 'c2')),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(201));
    expect(answers.map((a) => a.json().data.paid)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 12 : 100)),
    );
    await settled();
    const count = (name: string) => sent().filter((s) => s === name).length;
    // One read per customer asked in the same turn (and at most one more for askers that came while the
    // first was on its way), instead of 20.
    expect(count('aggregate records')).toBeGreaterThanOrEqual(2);
    expect(count('aggregate records')).toBeLessThanOrEqual(4);
    expect(count('insert records')).toBeLessThanOrEqual(2);
    expect(count('insert record_history')).toBeLessThanOrEqual(2);
    expect(commands.length).toBeLessThanOrEqual(10);
  });

  it('a rollup read never answers a create with values from before a payment it waited for', async () => {
    const before = await call(t, w, 'POST', `/forms/${orders}/records`, {
      data: { customer: 'c3', a: 0, b: 0 },
    });
    expect(before.json().data.paid).toBe(0);
    await call(t, w, 'POST', `/forms/${payments}/records`, { data: { payer: 'c3', amount: 9 } });
    const after = await call(t, w, 'POST', `/forms/${orders}/records`, {
      data: { customer: 'c3', a: 0, b: 0 },
    });
    expect(after.json().data.paid).toBe(9);
  });
});
