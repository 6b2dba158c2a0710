/**
 * Integration-API benchmark (issue 17), ratios against baselines measured in the same run:
 * - single create of a 20-field record (5 formulas, 1 rollup, history) over HTTP at 50 connections, against
 *   what a developer would hand-write: a Fastify route validating the same 20-field body (JSON Schema) and
 *   storing it with one insertOne through the same driver and store (goal ≥ 0.5, p99 < 100 ms);
 * - batch create of 100 such records a call (goal ≥ 5,000 records/s), against the hand-written route
 *   storing 100 records with one insertMany.
 * Each part also prints the server thread's CPU time per create / per record and the ratio of those: on
 * a shared, loaded machine requests per second swing with the neighbours' load, CPU per request hardly.
 * Run: `node --conditions=source --import tsx src/modules/records/batch.bench.ts` (in `pnpm bench`).
 * `BENCH_CPU_PROFILE=<file>` writes CPU profiles of the server thread during the measured single-create runs
 * (Formloom's to <file>, the hand-written route's to <file>.hand.cpuprofile; for Chrome's profiler);
 * `BENCH_ONLY=single` skips the batch part.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { Session as Inspector } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { Types } from 'mongoose';
import { createTestApp } from '../../test/app.js';
import { runSetup } from '../auth/test-helpers.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const PROFILE = process.env.BENCH_CPU_PROFILE;
const SINGLE_ONLY = process.env.BENCH_ONLY === 'single';
const load = () => loadavg().map((n) => Number(n.toFixed(2)));
const loadAtStart = load();
const label = (en: string) => ({ en });
const LETTERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

/**
 * CPU time of this process's main thread in ms (Linux: /proc), or undefined elsewhere. The server, its
 * routes and the embedded store all run on this thread, so its CPU per request is the cost that bounds
 * throughput on a quiet machine; unlike requests per second it hardly moves with the machine's load.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** A measured run: autocannon's result and the main thread's CPU time per completed request (ms). */
interface Measured {
  result: autocannon.Result;
  cpuPerRequest: number | undefined;
}

/**
 * Loads a route from a worker thread, for both sides alike: the load generator in the server's own thread
 * would take CPU from the server under test (the store runs in that thread too). A short unmeasured run
 * first lets the driver's connection pool grow to the load, so neither side pays for its connections.
 */
async function run(options: autocannon.Options, profile?: string): Promise<Measured> {
  const once = (o: autocannon.Options) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      autocannon({ ...o, workers: 1 }, (error, result) => (error ? reject(error) : resolve(result)));
    });
  await once({ ...options, duration: 1 });
  const inspector = profile ? new Inspector() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    // Finer than the default 1 ms: a create takes a few hundred µs of this thread.
    await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
    await inspector.post('Profiler.start');
  }
  const before = mainThreadCpuMs();
  const result = await once(options);
  const after = mainThreadCpuMs();
  if (inspector && profile) {
    const { profile: taken } = await inspector.post('Profiler.stop');
    writeFileSync(profile, JSON.stringify(taken));
    inspector.disconnect();
  }
  const done = result.requests.total;
  const cpuPerRequest =
    before === undefined || after === undefined || done === 0 ? undefined : (after - before) / done;
  return { result, cpuPerRequest };
}

const t = await createTestApp({ RATE_LIMIT_MAX: '1000000', TOKEN_RATE_LIMIT: '0' });
try {
  const owner = await runSetup(t.app);
  const base = `/api/v1/workspaces/${owner.workspaceId}`;
  const post = async (url: string, payload: unknown) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `${base}${url}`,
      headers: owner.headers,
      payload: payload as object,
    });
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string };
  };
  const app = await post('/apps', { key: 'bench', name: label('Bench') });
  const payments = await post(`/apps/${app.id}/forms`, {
    key: 'payments',
    name: label('Payments'),
    fields: [
      { key: 'payer', type: 'text', label: label('Payer'), indexed: true },
      { key: 'amount', type: 'number', label: label('Amount') },
    ],
  });
  for (let i = 0; i < 20; i++)
    await post(`/forms/${payments.id}/records`, { data: { payer: `c${i % 5}`, amount: i } });
  const formula = (key: string, expression: string) => ({
    key,
    type: 'formula',
    label: label(key),
    expression,
    resultType: 'number',
  });
  const orders = await post(`/apps/${app.id}/forms`, {
    key: 'orders',
    name: label('Orders'),
    fields: [
      { key: 'customer', type: 'text', label: label('customer') },
      ...LETTERS.map((key) => ({ key, type: 'number', label: label(key) })),
      { key: 'note1', type: 'text', label: label('note1') },
      { key: 'note2', type: 'text', label: label('note2') },
      { key: 'due', type: 'date', label: label('Due') },
      formula('f1', 'a + b'),
      formula('f2', 'c * d'),
      formula('f3', 'f1 + f2'),
      formula('f4', 'ROUND(e / (f + 1), 2)'),
      formula('f5', 'IF(f3 > 100, f3 - g, h + i + j)'),
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
  const data = {
    customer: 'c1',
    note1: 'first note',
    note2: 'second note',
    due: '2026-06-30',
    ...Object.fromEntries(LETTERS.map((k, i) => [k, i + 1])),
  };
  const single = JSON.stringify({ data });
  const hundred = JSON.stringify({ records: Array.from({ length: 100 }, () => ({ data })) });

  // What a developer would hand-write: validate the same body, store it with one insert.
  const db = t.store.connection.db;
  if (!db) throw new Error('no database');
  const plain = db.collection('bench_plain');
  const ws = new Types.ObjectId(owner.workspaceId);
  const dataSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      customer: { type: 'string', maxLength: 1000 },
      note1: { type: 'string', maxLength: 1000 },
      note2: { type: 'string', maxLength: 1000 },
      due: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      ...Object.fromEntries(LETTERS.map((k) => [k, { type: 'number' }])),
    },
  };
  const hand = Fastify({ logger: false });
  hand.post(
    '/one',
    { schema: { body: { type: 'object', required: ['data'], properties: { data: dataSchema } } } },
    async (request, reply) => {
      const doc = { ws, data: (request.body as { data: object }).data, createdAt: new Date(), v: 1 };
      const { insertedId } = await plain.insertOne(doc);
      return reply.status(201).send({ id: insertedId, ...doc });
    },
  );
  hand.post(
    '/many',
    {
      schema: {
        body: {
          type: 'object',
          required: ['records'],
          properties: {
            records: {
              type: 'array',
              maxItems: 1000,
              items: { type: 'object', properties: { data: dataSchema } },
            },
          },
        },
      },
    },
    async (request) => {
      const now = new Date();
      const docs = (request.body as { records: Array<{ data: object }> }).records.map((r) => ({
        ws,
        data: r.data,
        createdAt: now,
        v: 1,
      }));
      await plain.insertMany(docs);
      return { results: docs };
    },
  );
  const handUrl = await hand.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const headers = { 'content-type': 'application/json', authorization: owner.headers.authorization };

  const oneHandRun = await run(
    {
      url: `${handUrl}/one`,
      method: 'POST',
      body: single,
      headers,
      connections: 50,
      duration: DURATION,
    },
    PROFILE && `${PROFILE}.hand.cpuprofile`,
  );
  // The hand-written route's documents are dropped after each of its runs: Formloom's runs should not pay
  // the garbage collector for a heap holding them (hundreds of thousands after the insertMany run).
  await plain.drop();
  const oneAppRun = await run(
    {
      url: `${appUrl}${base}/forms/${orders.id}/records`,
      method: 'POST',
      body: single,
      headers,
      connections: 50,
      duration: DURATION,
    },
    PROFILE,
  );
  const runBatches = async () => {
    const manyHandRun = await run({
      url: `${handUrl}/many`,
      method: 'POST',
      body: hundred,
      headers,
      connections: 4,
      duration: DURATION,
    });
    await plain.drop();
    const manyAppRun = await run({
      url: `${appUrl}${base}/forms/${orders.id}/records/batch`,
      method: 'POST',
      body: hundred,
      headers,
      connections: 4,
      duration: DURATION,
    });
    return { manyHandRun, manyAppRun };
  };
  const batchRuns = SINGLE_ONLY ? undefined : await runBatches();
  await hand.close();
  const [oneHand, oneApp] = [oneHandRun.result, oneAppRun.result];
  /** The CPU-time ratio (hand's CPU per request over ours): the throughput ratio a quiet machine would show. */
  const cpuRatio = (hand: Measured, ours: Measured) =>
    hand.cpuPerRequest && ours.cpuPerRequest ? (hand.cpuPerRequest / ours.cpuPerRequest).toFixed(3) : 'n/a';
  const cpuText = (m: Measured, per: number) =>
    m.cpuPerRequest === undefined ? 'n/a' : `${((m.cpuPerRequest * 1000) / per).toFixed(0)} µs`;

  const rate = (r: autocannon.Result) => r.requests.average;
  const non2xx = (r: autocannon.Result) => r.non2xx + r.errors;
  console.log(`load average at start ${loadAtStart.join(' ')}, at end ${load().join(' ')}`);
  console.log('single create, 50 connections:');
  console.log(
    `  hand-written validate + insertOne  ${rate(oneHand).toFixed(0)} req/s  p99 ${oneHand.latency.p99} ms`,
  );
  console.log(
    `  Formloom create                     ${rate(oneApp).toFixed(0)} req/s  p99 ${oneApp.latency.p99} ms  ` +
      `ratio ${(rate(oneApp) / rate(oneHand)).toFixed(3)} (goal ≥ 0.5, p99 < 100 ms)  non-2xx ${non2xx(oneApp)}`,
  );
  console.log(
    `  server thread CPU per create: hand-written ${cpuText(oneHandRun, 1)}, Formloom ${cpuText(oneAppRun, 1)}  ` +
      `CPU ratio ${cpuRatio(oneHandRun, oneAppRun)}`,
  );
  if (batchRuns) {
    const { manyHandRun, manyAppRun } = batchRuns;
    const [manyHand, manyApp] = [manyHandRun.result, manyAppRun.result];
    console.log('batch create of 100 records a call, 4 connections:');
    console.log(`  hand-written validate + insertMany  ${(rate(manyHand) * 100).toFixed(0)} records/s`);
    console.log(
      `  Formloom batch                      ${(rate(manyApp) * 100).toFixed(0)} records/s  ` +
        `ratio ${(rate(manyApp) / rate(manyHand)).toFixed(3)} (goal ≥ 5,000 records/s)  non-2xx ${non2xx(manyApp)}`,
    );
    const perRecord = manyAppRun.cpuPerRequest === undefined ? undefined : manyAppRun.cpuPerRequest / 100;
    console.log(
      `  server thread CPU per record: hand-written ${cpuText(manyHandRun, 100)}, Formloom ${cpuText(manyAppRun, 100)}  ` +
        `CPU ratio ${cpuRatio(manyHandRun, manyAppRun)}` +
        (perRecord ? `  (one free core: ${(1000 / perRecord).toFixed(0)} records/s)` : ''),
    );
  }
} finally {
  await t.close();
}
