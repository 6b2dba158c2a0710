/**
 * Records benchmark (issue 5): creating a record of 20 fields with 5 formulas and 1 rollup over HTTP at
 * 50 connections, as a throughput ratio to a bare Fastify route answering the same JSON in the same
 * run, and against two floors measured alike: a bare route making only the create's three store round
 * trips (aggregate, two inserts) and one making three pings instead (what the driver and the wire cost);
 * listing 50 records by a filter on an indexed field among BENCH_LIST_RECORDS records of the form
 * (default 100,000; the goal is stated for 1,000,000: `BENCH_LIST_RECORDS=1000000`), seeded through the
 * driver's insertMany; and validating + recomputing a record whose subform has 2,000 rows with two formula
 * columns, in process and as a whole HTTP create. Run: `pnpm --filter @formloom/server bench`.
 * Prints the machine's load average: on a shared machine, compare ratios within one run.
 */

import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { createTestApp } from '../../test/app.js';
import { runSetup } from '../auth/test-helpers.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const LIST_RECORDS = Number(process.env.BENCH_LIST_RECORDS ?? 100_000);
const load = () => loadavg().map((n) => Number(n.toFixed(2)));
const loadAtStart = load();
const label = (en: string) => ({ en });

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const t = await createTestApp({ RATE_LIMIT_MAX: '1000000' });
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
  await post(`/apps/${app.id}/forms`, {
    key: 'payments',
    name: label('Payments'),
    fields: [
      { key: 'payer', type: 'text', label: label('Payer'), indexed: true },
      { key: 'amount', type: 'number', label: label('Amount') },
    ],
  });
  const num = (key: string) => ({ key, type: 'number', label: label(key) });
  const text = (key: string) => ({ key, type: 'text', label: label(key) });
  const formula = (key: string, expression: string) => ({
    key,
    type: 'formula',
    label: label(key),
    expression,
    resultType: 'number',
  });
  const fields = [
    text('customer'),
    ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map(num),
    text('note1'),
    text('note2'),
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
  ];
  const target = await post(`/apps/${app.id}/forms`, { key: 'orders', name: label('Orders'), fields });
  for (let i = 0; i < 20; i++)
    await post(
      `/forms/${(await t.app.inject({ method: 'GET', url: `${base}/apps/${app.id}/forms`, headers: owner.headers })).json()[0].id}/records`,
      { data: { payer: `c${i % 5}`, amount: i } },
    );
  const body = JSON.stringify({
    data: {
      customer: 'c1',
      note1: 'first note',
      note2: 'second note',
      due: '2026-06-30',
      ...Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((k, i) => [k, i + 1])),
    },
  });
  const sample = await t.app.inject({
    method: 'POST',
    url: `${base}/forms/${target.id}/records`,
    headers: { ...owner.headers, 'content-type': 'application/json' },
    payload: body,
  });
  const answer = sample.body;

  const bare = Fastify({ logger: false });
  bare.post('/bare', async (_request, reply) => reply.type('application/json').send(answer));
  // The store's floor: a bare route making the create's three store round trips (the rollup's aggregate,
  // the record and its history entry) with the driver on the same connection, and no other work.
  const { Types: OidTypes } = await import('mongoose');
  const db = t.store.connection.db;
  if (!db) throw new Error('no database');
  const recordsCollection = db.collection('records');
  const historyCollection = db.collection('record_history');
  const sampleId = new OidTypes.ObjectId(String((sample.json() as { id: string }).id));
  const recordTemplate = await recordsCollection.findOne({ _id: sampleId });
  const historyTemplate = await historyCollection.findOne({ record: sampleId });
  if (!recordTemplate || !historyTemplate) throw new Error('sample record or history not found');
  const rollupMatch = {
    ws: recordTemplate.ws,
    form: new OidTypes.ObjectId(
      (
        await t.app.inject({ method: 'GET', url: `${base}/apps/${app.id}/forms`, headers: owner.headers })
      ).json()[0].id,
    ),
    deletedAt: null,
    'data.payer': 'c1',
  };
  bare.post('/floor', async (_request, reply) => {
    await recordsCollection
      .aggregate([{ $match: rollupMatch }, { $group: { _id: null, value: { $sum: '$data.amount' } } }])
      .toArray();
    const _id = new OidTypes.ObjectId();
    await Promise.all([
      recordsCollection.insertOne({ ...recordTemplate, _id }),
      historyCollection.insertOne({ ...historyTemplate, _id: new OidTypes.ObjectId(), record: _id }),
    ]);
    return reply.type('application/json').send(answer);
  });
  // The wire's floor: the same three round trips as pings, which the store answers without any work.
  bare.post('/pings', async (_request, reply) => {
    await db.command({ ping: 1 });
    await Promise.all([db.command({ ping: 1 }), db.command({ ping: 1 })]);
    return reply.type('application/json').send(answer);
  });
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });

  const common = {
    connections: 50,
    duration: DURATION,
    method: 'POST' as const,
    body,
    headers: { 'content-type': 'application/json' },
  };
  // BENCH_SKIP_CREATE=1 skips the create run, e.g. to measure only the list at 1,000,000 records.
  const skipCreate = process.env.BENCH_SKIP_CREATE === '1';
  // CPU time of this process (every thread) per request: unlike throughput, it barely moves when other
  // work shares the machine. It includes autocannon's own share, which runs in this process for both.
  let cpuFrom = process.cpuUsage();
  const baseline = skipCreate ? undefined : await run({ ...common, url: `${bareUrl}/bare` });
  const bareCpu = process.cpuUsage(cpuFrom);
  cpuFrom = process.cpuUsage();
  const floor = skipCreate ? undefined : await run({ ...common, url: `${bareUrl}/floor` });
  const floorCpu = process.cpuUsage(cpuFrom);
  const pings = skipCreate ? undefined : await run({ ...common, url: `${bareUrl}/pings` });
  cpuFrom = process.cpuUsage();
  const create = skipCreate
    ? undefined
    : await run({
        ...common,
        url: `${appUrl}${base}/forms/${target.id}/records`,
        headers: { ...common.headers, authorization: owner.headers.authorization },
      });
  const createCpu = process.cpuUsage(cpuFrom);
  const cpuUsPerRequest = (used: NodeJS.CpuUsage, result: autocannon.Result | undefined) =>
    Math.round((used.user + used.system) / Math.max(1, result?.requests.total ?? 0));
  await bare.close();

  // Listing: LIST_RECORDS payments, 50 by a filter on the indexed field.
  const paymentsId = (
    await t.app.inject({ method: 'GET', url: `${base}/apps/${app.id}/forms`, headers: owner.headers })
  ).json()[0].id;
  const { recordModel } = await import('./model.js');
  const { Types } = await import('mongoose');
  const now = new Date();
  const ws = new Types.ObjectId(owner.workspaceId);
  const user = new Types.ObjectId(owner.userId);
  const seedStarted = performance.now();
  const BATCH = 10_000;
  for (let start = 0; start < LIST_RECORDS; start += BATCH) {
    const docs = [];
    for (let i = start; i < Math.min(LIST_RECORDS, start + BATCH); i++) {
      docs.push({
        ws,
        app: new Types.ObjectId(app.id),
        form: new Types.ObjectId(paymentsId),
        formVersion: 1,
        data: { payer: `p${i % 1000}`, amount: i },
        owner: user,
        dept: null,
        createdBy: user,
        createdAt: now,
        updatedAt: now,
        v: 1,
        deletedAt: null,
        deletedBy: null,
      });
    }
    await recordModel(t.store.connection).collection.insertMany(docs, { ordered: false });
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  // Measure the steady state: let a checkpoint the seeding started finish writing its snapshot first.
  const checkpointStarted = performance.now();
  const snapshotting = () =>
    readdirSync(t.config.dataDir, { recursive: true }).some((name) => String(name).endsWith('.bson.tmp'));
  while (snapshotting() && performance.now() - checkpointStarted < 300_000) await sleep(500);
  const checkpointWaitSeconds = (performance.now() - checkpointStarted) / 1000;
  const filter = encodeURIComponent(JSON.stringify({ field: 'payer', op: 'eq', value: 'p7' }));
  const listOptions = {
    duration: DURATION,
    url: `${appUrl}${base}/forms/${paymentsId}/records?filter=${filter}&limit=50`,
    headers: { authorization: owner.headers.authorization },
  };
  // One client measures the latency of a list; ten show how it holds under concurrent readers.
  const list = await run({ ...listOptions, connections: 1 });
  const list10 = await run({ ...listOptions, connections: 10 });

  // Validate and recompute a record whose subform has 2,000 rows with two formula columns (no store involved).
  const { validateSubmission } = await import('@formloom/schema');
  const { planScope } = await import('./plan.js');
  const { computeRecord } = await import('./compute.js');
  const subform = {
    key: 'big',
    name: label('Big'),
    fields: [
      {
        key: 'items',
        type: 'subform',
        label: label('Items'),
        columns: [
          { key: 'qty', type: 'number', label: label('Qty') },
          { key: 'price', type: 'number', label: label('Price') },
          {
            key: 'line',
            type: 'formula',
            label: label('Line'),
            expression: 'qty * price',
            resultType: 'number',
          },
          {
            key: 'taxed',
            type: 'formula',
            label: label('Taxed'),
            expression: 'ROUND(line * 1.13, 2)',
            resultType: 'number',
          },
        ],
      },
      {
        key: 'total',
        type: 'formula',
        label: label('Total'),
        expression: 'SUM(items.taxed)',
        resultType: 'number',
      },
    ],
  };
  const rows = Array.from({ length: 2000 }, (_, i) => ({ qty: (i % 7) + 1, price: 9.99 + i }));
  const plan = planScope(subform.fields, { byKey: () => undefined });
  const timings: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const issues = validateSubmission(subform as never, { items: rows });
    if (issues.length > 0) throw new Error(JSON.stringify(issues.slice(0, 3)));
    await computeRecord(
      {
        connection: t.store.connection,
        ws,
        forms: { byKey: () => undefined },
        userId: owner.userId,
        timeZone: 'UTC',
        now,
      },
      plan,
      { items: rows },
    );
    timings.push(performance.now() - started);
  }
  // The same record as a whole HTTP create: parse, validate, compute, store the record and its history.
  const bigForm = await post(`/apps/${app.id}/forms`, subform);
  const bigBody = JSON.stringify({ data: { items: rows } });
  const httpTimings: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const res = await fetch(`${appUrl}${base}/forms/${bigForm.id}/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: owner.headers.authorization },
      body: bigBody,
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`subform create: ${res.status}`);
    httpTimings.push(performance.now() - started);
  }
  const median = (list: number[]) => Number(([...list].sort((a, b) => a - b)[2] ?? 0).toFixed(1));

  const report = {
    createRecord:
      baseline && create
        ? {
            bareRps: Math.round(baseline.requests.average),
            appRps: Math.round(create.requests.average),
            ratio: Number((create.requests.average / baseline.requests.average).toFixed(3)),
            goalRatio: 0.25,
            p50Ms: create.latency.p50,
            p99Ms: create.latency.p99,
            goalP99Ms: 50,
            // The same ratio for a route doing nothing but the create's three store round trips: the most
            // any create on this store and machine could reach.
            storeFloorRps: floor ? Math.round(floor.requests.average) : null,
            storeFloorRatio: floor
              ? Number((floor.requests.average / baseline.requests.average).toFixed(3))
              : null,
            pingFloorRps: pings ? Math.round(pings.requests.average) : null,
            pingFloorRatio: pings
              ? Number((pings.requests.average / baseline.requests.average).toFixed(3))
              : null,
            appToFloor: floor ? Number((create.requests.average / floor.requests.average).toFixed(2)) : null,
            cpuUsPerRequest: {
              bare: cpuUsPerRequest(bareCpu, baseline),
              storeFloor: cpuUsPerRequest(floorCpu, floor),
              app: cpuUsPerRequest(createCpu, create),
            },
            errors: create.errors + create.non2xx,
          }
        : 'skipped',
    listByIndexedField: {
      records: LIST_RECORDS,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      checkpointWaitSeconds: Number(checkpointWaitSeconds.toFixed(1)),
      p50Ms: list.latency.p50,
      p99Ms: list.latency.p99,
      rps: Math.round(list.requests.average),
      goalP50Ms: 20,
      tenClients: {
        rps: Math.round(list10.requests.average),
        p50Ms: list10.latency.p50,
        p99Ms: list10.latency.p99,
      },
      errors: list.errors + list.non2xx + list10.errors + list10.non2xx,
    },
    subform2000Rows: {
      runs: timings.length,
      validateAndComputeMedianMs: median(timings),
      httpCreateMedianMs: median(httpTimings),
      goalMs: 200,
    },
    loadAverage: { atStart: loadAtStart, atEnd: load() },
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  await t.close();
}
