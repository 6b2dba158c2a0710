/**
 * Reports benchmark: `POST /reports/query` over BENCH_REPORT_RECORDS records of one form (default 100,000,
 * seeded through the driver's insertMany) on the embedded store, as a rep with scope "own" (half of the
 * records are theirs) and as the owner, against a hand-written loop computing the same groups over the same
 * records already in memory, measured in the same run. Run:
 * `node --conditions=source --import tsx src/modules/reports/reports.bench.ts` in apps/server.
 * Prints the machine's load average: on a shared machine, compare ratios within one run.
 */
import { loadavg } from 'node:os';
import { Types } from 'mongoose';
import { createTestApp } from '../../test/app.js';
import { buildWorld, DEALS, query, widget } from './test-fixtures.js';

const RECORDS = Number(process.env.BENCH_REPORT_RECORDS ?? 100_000);
const ROUNDS = 5;
const load = () => loadavg().map((n) => Number(n.toFixed(2)));
const loadAtStart = load();

const t = await createTestApp({ RATE_LIMIT_MAX: '1000000' });
try {
  const world = await buildWorld(t);
  const regions = ['north', 'south', 'east'];
  const owners = [new Types.ObjectId(world.rep.userId), new Types.ObjectId(world.otherRep.userId)];
  const ws = new Types.ObjectId(world.ws);
  const form = new Types.ObjectId(world.formId);
  const docs = Array.from({ length: RECORDS }, (_, i) => {
    const at = new Date(Date.UTC(2026, i % 12, (i % 28) + 1));
    return {
      ws,
      app: new Types.ObjectId(world.appId),
      form,
      formVersion: 1,
      data: {
        name: `n${i}`,
        region: regions[i % 3],
        amount: (i * 37) % 1000,
        margin: i % 100,
        closeDate: at.toISOString().slice(0, 10),
      },
      owner: owners[i % 2],
      dept: null,
      createdBy: owners[i % 2],
      createdAt: at,
      updatedAt: at,
      v: 1,
      deletedAt: null,
    };
  });
  const records = t.store.connection.collection('records');
  for (let i = 0; i < docs.length; i += 10_000) await records.insertMany(docs.slice(i, i + 10_000));
  const total = RECORDS + DEALS.length;

  const time = async (fn: () => Promise<unknown> | unknown) => {
    await fn();
    const start = performance.now();
    for (let i = 0; i < ROUNDS; i += 1) await fn();
    return (performance.now() - start) / ROUNDS;
  };
  const ask = async (who: { headers: Record<string, string> }, w: Record<string, unknown>) => {
    const res = await query(t, world, who, { widget: w });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    return res.json();
  };
  /** The hand-written baseline: one pass over the rep's records in memory, a Map of groups. */
  const byHand = (key: (d: (typeof docs)[number]) => string) => () => {
    const groups = new Map<string, { sum: number; count: number }>();
    const me = owners[0]!;
    for (const d of docs) {
      if (!d.owner?.equals(me)) continue;
      const k = key(d);
      const g = groups.get(k) ?? { sum: 0, count: 0 };
      g.sum += d.data.amount;
      g.count += 1;
      groups.set(k, g);
    }
    return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  };
  const measures = [{ aggregate: 'sum', field: 'amount' }, { aggregate: 'count' }];
  const cases: [string, Record<string, unknown>, () => unknown][] = [
    [
      'bar by region (plain group)',
      widget({ type: 'bar', dimensions: [{ field: 'region' }], measures }),
      byHand((d) => d.data.region ?? ''),
    ],
    [
      'line by month of a calendar date (days merged in shaping)',
      widget({ type: 'line', dimensions: [{ field: 'closeDate', granularity: 'month' }], measures }),
      byHand((d) => d.data.closeDate.slice(0, 7)),
    ],
    [
      'line by month of the creation time (expression stages)',
      widget({ type: 'line', dimensions: [{ field: '_createdAt', granularity: 'month' }], measures }),
      byHand((d) => d.createdAt.toISOString().slice(0, 7)),
    ],
  ];
  console.info(`reports bench: ${total} records of one form, load at start ${loadAtStart.join(' ')}`);
  for (const [name, w, hand] of cases) {
    const rep = await time(() => ask(world.rep, w));
    const owner = await time(() => ask(world.owner, w));
    const baseline = await time(hand);
    console.info(
      `${name}: rep (own, ~${Math.round(RECORDS / 2)} records) ${rep.toFixed(1)} ms, owner (all) ${owner.toFixed(1)} ms, ` +
        `hand-written loop over the rep's records ${baseline.toFixed(1)} ms, ratio rep/loop ${(rep / baseline).toFixed(1)}x`,
    );
  }
  console.info(`load at end ${load().join(' ')}`);
} finally {
  await t.close();
}
