/**
 * Dashboard benchmark (issue 14): a stored dashboard of 8 widgets — kpi, bar by member, line by month of the
 * creation time in a time zone, cumulative funnel, pivot by two dimensions, ranking, table, gauge — over
 * BENCH_DASHBOARD_RECORDS records of one form (default 1,000,000, seeded through the driver's insertMany) on
 * the embedded store, through the dashboard widget route, as a rep (scope "own", one of 20 members) and as
 * the owner. Each widget is compared with a hand-written single pass over the same documents in memory
 * (filter by workspace, form, not deleted and the caller's scope, then group and aggregate), measured in the
 * same run, in alternating rounds (route, pass, route, pass...) whose medians are compared, so a burst of
 * other work on the machine or a collection of garbage falls on one round rather than on one side; then
 * the whole dashboard cold (result cache empty), again with nothing changed, and after one record changed.
 * Run: `node --conditions=source --import tsx src/modules/dashboards/dashboard.bench.ts` in apps/server.
 * Prints the machine's load average: on a shared machine, compare ratios within one run.
 * BENCH_CPU_PROFILE=file.cpuprofile profiles the measured part (not the seeding) for Chrome's profiler.
 */
import { writeFileSync } from 'node:fs';
import { Session as Inspector } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { Types } from 'mongoose';
import { createTestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import { forgetReportAnswers } from '../reports/cache.js';

const RECORDS = Number(process.env.BENCH_DASHBOARD_RECORDS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** `BENCH_ONLY=gauge,table` measures only these widgets; `BENCH_AS=rep` (or `owner`) only that caller. */
const ONLY = process.env.BENCH_ONLY?.split(',');
const AS = process.env.BENCH_AS;
const ZONE = 'Asia/Shanghai';
const MEMBERS = 20;
const load = () => loadavg().map((n) => Number(n.toFixed(2)));
const loadAtStart = load();
const label = (en: string) => ({ en });
const options = (...values: string[]) => values.map((value) => ({ value, label: label(value) }));

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];
const FUNNEL = STAGES.slice(0, 5);
const LINES = ['hardware', 'software', 'services', 'support'];

const t = await createTestApp({ RATE_LIMIT_MAX: '1000000' });
try {
  const owner = await runSetup(t.app);
  const ws = owner.workspaceId;
  const base = `/api/v1/workspaces/${ws}`;
  const call = async (method: 'POST' | 'GET', url: string, payload: unknown, who: Session = owner) => {
    const res = await t.app.inject({
      method,
      url: `${base}${url}`,
      headers: who.headers,
      payload: payload as object,
    });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 500)}`);
    return res.json();
  };
  const app = await call('POST', '/apps', {
    key: 'sales',
    name: label('Sales'),
    roles: [{ key: 'rep', name: label('Rep'), forms: [{ form: 'deals', submit: true, view: 'own' }] }],
  });
  const form = await call('POST', `/apps/${app.id}/forms`, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'region', type: 'select', label: label('Region'), options: options(...REGIONS) },
      { key: 'stage', type: 'select', label: label('Stage'), options: options(...STAGES) },
      { key: 'highestStage', type: 'select', label: label('Highest stage'), options: options(...STAGES) },
      { key: 'productLine', type: 'select', label: label('Line'), options: options(...LINES) },
      { key: 'customer', type: 'text', label: label('Customer') },
      { key: 'amount', type: 'number', label: label('Amount') },
      { key: 'closedAt', type: 'datetime', label: label('Closed at') },
    ],
  });
  const members: Session[] = [];
  for (let i = 0; i < MEMBERS; i += 1)
    members.push(await addMember(t.app, owner, ws, `rep${i}@example.com`, ['member', 'rep']));
  const rep = members[0] as Session;
  const owners = members.map((m) => new Types.ObjectId(m.userId));

  // Deterministic pseudo-random values, so every run measures the same data.
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const wsId = new Types.ObjectId(ws);
  const formId = new Types.ObjectId(form.id as string);
  const appId = new Types.ObjectId(app.id as string);
  const start = Date.UTC(2025, 0, 1);
  const span = Date.UTC(2026, 11, 31) - start;
  const docs = Array.from({ length: RECORDS }, (_, i) => {
    const at = new Date(start + Math.floor(random() * span));
    const reached = Math.floor(random() ** 2 * 6);
    return {
      _id: new Types.ObjectId(),
      ws: wsId,
      app: appId,
      form: formId,
      formVersion: 1,
      data: {
        region: pick(REGIONS),
        stage: STAGES[reached],
        highestStage: STAGES[reached],
        productLine: pick(LINES),
        customer: `c${Math.floor(random() * 5000)}`,
        amount: Math.round(random() * 100_000) / 100,
        closedAt: at.toISOString(),
      },
      owner: owners[i % MEMBERS] as Types.ObjectId,
      dept: null,
      createdBy: owners[i % MEMBERS] as Types.ObjectId,
      createdAt: at,
      updatedAt: at,
      v: 1,
      deletedAt: null,
    };
  });
  const seedStart = performance.now();
  const records = t.store.connection.collection('records');
  for (let i = 0; i < docs.length; i += 10_000) await records.insertMany(docs.slice(i, i + 10_000));
  const seedMs = performance.now() - seedStart;
  // The store writes a snapshot in the background after large writes: measuring during it would count its
  // work. Wait until the process has been idle (under 5% of a core) for half a second, at most a minute.
  for (let waited = 0; waited < 60_000; waited += 500) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 < 25) break;
  }

  const measures = {
    amount: { key: 'amount', aggregate: 'sum', field: 'amount' },
    count: { key: 'deals', aggregate: 'count' },
  };
  const widgets = [
    {
      key: 'kpi',
      type: 'kpi',
      measures: [
        measures.amount,
        measures.count,
        { key: 'customers', aggregate: 'countDistinct', field: 'customer' },
      ],
    },
    { key: 'byMember', type: 'bar', dimensions: [{ field: '_owner' }], measures: [measures.amount] },
    {
      key: 'byMonth',
      type: 'line',
      dimensions: [{ field: '_createdAt', granularity: 'month' }],
      measures: [measures.amount],
    },
    {
      key: 'funnel',
      type: 'funnel',
      dimensions: [{ field: 'highestStage' }],
      options: { stages: FUNNEL, cumulative: true },
    },
    {
      key: 'pivot',
      type: 'pivot',
      dimensions: [{ field: 'region' }, { field: 'stage' }],
      measures: [measures.amount],
    },
    { key: 'ranking', type: 'ranking', dimensions: [{ field: '_owner' }], measures: [measures.amount] },
    {
      key: 'table',
      type: 'table',
      dimensions: [{ field: 'productLine' }],
      measures: [measures.amount, { key: 'avg', aggregate: 'avg', field: 'amount' }, measures.count],
    },
    { key: 'gauge', type: 'gauge', measures: [measures.amount], options: { max: 100_000_000 } },
  ].map((w) => ({ ...w, title: label(w.key), source: { form: 'deals' } }));
  const layout = widgets.map((w, i) => ({
    widget: w.key,
    x: (i % 3) * 8,
    y: Math.floor(i / 3) * 6,
    w: 8,
    h: 6,
  }));
  const dashboard = await call('POST', `/apps/${app.id}/dashboards`, {
    key: 'cockpit',
    name: label('Cockpit'),
    widgets,
    layout,
  });

  /**
   * The hand-written single passes, as an engineer would write them for speed: one loop, the same filter
   * (workspace, form, not deleted, the caller's scope), groups in Maps keyed by cheap values.
   */
  type Doc = (typeof docs)[number];
  const zoneOffset = 8 * 3600_000; // Asia/Shanghai has no daylight saving time
  const byHand = (who: Types.ObjectId | null) => {
    const visible = (d: Doc) =>
      d.deletedAt === null &&
      d.ws.equals(wsId) &&
      d.form.equals(formId) &&
      (who === null || d.owner.equals(who));
    const sumBy = (key: (d: Doc) => unknown) => () => {
      const out = new Map<unknown, number>();
      for (const d of docs) {
        if (!visible(d)) continue;
        const k = key(d);
        out.set(k, (out.get(k) ?? 0) + d.data.amount);
      }
      return out;
    };
    const byOwner = sumBy((d) => d.owner.toHexString());
    return {
      kpi: () => {
        let sum = 0;
        let n = 0;
        const customers = new Set<string>();
        for (const d of docs) {
          if (!visible(d)) continue;
          sum += d.data.amount;
          n += 1;
          customers.add(d.data.customer);
        }
        return [sum, n, customers.size];
      },
      byMember: byOwner,
      byMonth: sumBy((d) => {
        const local = new Date(d.createdAt.getTime() + zoneOffset);
        return local.getUTCFullYear() * 100 + local.getUTCMonth() + 1;
      }),
      funnel: () => {
        const counts = new Map<string, number>();
        for (const d of docs)
          if (visible(d))
            counts.set(d.data.highestStage as string, (counts.get(d.data.highestStage as string) ?? 0) + 1);
        let total = 0;
        return FUNNEL.toReversed().map((s) => (total += counts.get(s) ?? 0));
      },
      pivot: () => {
        const out = new Map<string, Map<string, number>>();
        for (const d of docs) {
          if (!visible(d)) continue;
          let row = out.get(d.data.region as string);
          if (!row) {
            row = new Map();
            out.set(d.data.region as string, row);
          }
          row.set(d.data.stage as string, (row.get(d.data.stage as string) ?? 0) + d.data.amount);
        }
        return out;
      },
      ranking: () => [...byOwner().entries()].sort((a, b) => b[1] - a[1]).slice(0, 10),
      table: () => {
        const out = new Map<string, { sum: number; n: number }>();
        for (const d of docs) {
          if (!visible(d)) continue;
          let g = out.get(d.data.productLine as string);
          if (!g) {
            g = { sum: 0, n: 0 };
            out.set(d.data.productLine as string, g);
          }
          g.sum += d.data.amount;
          g.n += 1;
        }
        return out;
      },
      gauge: () => {
        let sum = 0;
        for (const d of docs) if (visible(d)) sum += d.data.amount;
        return sum;
      },
    } as Record<string, () => unknown>;
  };

  const collect = (globalThis as { gc?: () => void }).gc;
  /**
   * Wall and CPU milliseconds per round. The store runs in this process, so CPU time counts the route's whole
   * work; on a shared machine it is what stays comparable when other work takes the cores.
   */
  const time = async (fn: () => Promise<unknown> | unknown, rounds = ROUNDS) => {
    // Only with --expose-gc (not in pnpm bench): at a million records a forced full collection leaves
    // concurrent sweeping that process.cpuUsage() counts in the next measurement, which made ratios worse.
    collect?.();
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < rounds; i += 1) await fn();
    const cpu = process.cpuUsage(cpu0);
    return { wall: (performance.now() - start) / rounds, cpu: (cpu.user + cpu.system) / 1000 / rounds };
  };
  type Timing = { wall: number; cpu: number };
  const median = (values: number[]) => {
    const sorted = values.toSorted((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const medianOf = (rounds: Timing[]): Timing => ({
    wall: median(rounds.map((r) => r.wall)),
    cpu: median(rounds.map((r) => r.cpu)),
  });
  const runWidget = (who: Session, key: string) =>
    call('POST', `/apps/${app.id}/dashboards/${dashboard.id}/widgets/${key}/query`, { timeZone: ZONE }, who);
  /** Every widget of the dashboard in one request, as the web app loads a dashboard. */
  const wholeDashboard = async (who: Session) => {
    const answer = await call(
      'POST',
      `/apps/${app.id}/dashboards/${dashboard.id}/query`,
      { timeZone: ZONE },
      who,
    );
    for (const [key, result] of Object.entries(answer.widgets as Record<string, { error?: unknown }>))
      if (result.error) throw new Error(`${key}: ${JSON.stringify(result.error)}`);
    return answer;
  };
  /** Forgets the kept answers, so the next run computes (a write would do it too, with background work). */
  const dropCache = async () => forgetReportAnswers(t.store.connection);

  const profile = process.env.BENCH_CPU_PROFILE;
  const inspector = profile ? new Inspector() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  console.info(
    `dashboard bench: ${RECORDS} records of one form (seeded in ${(seedMs / 1000).toFixed(1)} s), ${MEMBERS} members, ` +
      `time zone ${ZONE}, load at start ${loadAtStart.join(' ')}`,
  );
  for (const [who, session, scope] of [
    ['rep (own)', rep, new Types.ObjectId(rep.userId)],
    ['owner (all)', owner, null],
  ] as const) {
    if (AS && !who.startsWith(AS)) continue;
    await dropCache();
    const cold = await time(() => wholeDashboard(session), 1);
    const warm = await time(() => wholeDashboard(session), 5);
    const hand = byHand(scope);
    const lines: string[] = [];
    let worstWall = 0;
    let worstCpu = 0;
    for (const w of widgets) {
      if (ONLY && !ONLY.includes(w.key)) continue;
      const fn = hand[w.key] as () => unknown;
      fn();
      await runWidget(session, w.key);
      // Alternating rounds: the route with the result cache emptied (so it computes), then the pass.
      const routeRounds: Timing[] = [];
      const loopRounds: Timing[] = [];
      for (let i = 0; i < ROUNDS; i += 1) {
        await dropCache();
        routeRounds.push(await time(() => runWidget(session, w.key), 1));
        loopRounds.push(await time(fn, 1));
      }
      const route = medianOf(routeRounds);
      const loop = medianOf(loopRounds);
      worstWall = Math.max(worstWall, route.wall / loop.wall);
      worstCpu = Math.max(worstCpu, route.cpu / loop.cpu);
      lines.push(
        `  ${w.key.padEnd(9)} route ${route.wall.toFixed(1).padStart(7)} ms (cpu ${route.cpu.toFixed(1).padStart(7)}), ` +
          `hand-written pass ${loop.wall.toFixed(1).padStart(7)} ms (cpu ${loop.cpu.toFixed(1).padStart(7)}), ` +
          `ratio ${(route.wall / loop.wall).toFixed(2)}x (cpu ${(route.cpu / loop.cpu).toFixed(2)}x)`,
      );
    }
    // One record edited: the write drops the store's value columns for the collection, and a save through
    // the routes would also make the result cache stale (written here through the driver, so it is emptied
    // by hand); the next dashboard computes everything again.
    const edited = docs[Math.floor(RECORDS / 2)] as (typeof docs)[number];
    edited.data.amount += 1;
    await records.updateOne({ _id: edited._id }, { $set: { 'data.amount': edited.data.amount } });
    await dropCache();
    const afterWrite = await time(() => wholeDashboard(session), 1);
    console.info(
      `${who}: whole dashboard cold ${cold.wall.toFixed(0)} ms (cpu ${cold.cpu.toFixed(0)}), unchanged ${warm.wall.toFixed(1)} ms ` +
        `(cpu ${warm.cpu.toFixed(1)}), after one record changed ${afterWrite.wall.toFixed(0)} ms (cpu ${afterWrite.cpu.toFixed(0)}); ` +
        `worst widget ratio ${worstWall.toFixed(2)}x (cpu ${worstCpu.toFixed(2)}x)`,
    );
    for (const line of lines) console.info(line);
  }
  if (inspector && profile) {
    const { profile: taken } = await inspector.post('Profiler.stop');
    writeFileSync(profile, JSON.stringify(taken));
    inspector.disconnect();
  }
  console.info(`load at end ${load().join(' ')}`);
} finally {
  await t.close();
}
