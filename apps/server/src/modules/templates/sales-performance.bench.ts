/**
 * Cockpit benchmark: every widget of the sales-performance cockpit through the reports route
 * (`POST /reports/query`), as the owner (everything) and as a rep (their own records), over the demo data,
 * against the cheapest read of the same store measured in the same run (the first page of a record list)
 * and the whole dashboard at once (`POST .../dashboards/sales_cockpit/query`) as the owner.
 *
 * Data: `BENCH_DEMO_DATA_DIR` names a data directory seeded by `pnpm demo --scale N` (e.g. N = 100 for
 * 563,513 records); otherwise the bench seeds `BENCH_DEMO_SCALE` (default 0.05) of the demo into a
 * temporary store first. Run `node --conditions=source --import tsx
 * src/modules/templates/sales-performance.bench.ts` in apps/server; it prints the scale and load it ran at.
 */
import { loadavg } from 'node:os';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { openStore } from '../../store.js';
import { createTestApp } from '../../test/app.js';
import { runDemo } from '../demo/run.js';
import { forgetReportAnswers } from '../reports/cache.js';

const ROUNDS = 5;
const load = () => loadavg().map((n) => Number(n.toFixed(2)));
const loadAtStart = load();
const dataDir = process.env.BENCH_DEMO_DATA_DIR;
const scale = Number(process.env.BENCH_DEMO_SCALE ?? 0.05);

const t = dataDir
  ? await (async () => {
      const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '1000000' }, []);
      const store = await openStore({ mongodbUri: config.mongodbUri, dataDir });
      const app = await buildApp({ config, store, logger: false, pollJobs: false, closeStoreOnClose: true });
      await app.ready();
      return { app, close: () => app.close() };
    })()
  : await createTestApp({ RATE_LIMIT_MAX: '1000000' }, { pollJobs: false });
try {
  let password = 'Demo-Formloom-2026';
  if (!dataDir) {
    const started = performance.now();
    const seeded = await runDemo(t.app, { scale });
    if (!seeded.seeded) throw new Error('not seeded');
    password = seeded.password;
    console.info(`seeded scale ${scale} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const signIn = async (email: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
    });
    if (res.statusCode !== 200) throw new Error(`sign-in ${email}: ${res.body}`);
    return { authorization: `Bearer ${(res.json() as { token: string }).token}` };
  };
  const owner = await signIn('owner@example.com');
  const rep = await signIn('rep01@example.com');
  const call = async (
    headers: Record<string, string>,
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
  ) => {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload ? { payload: payload as Record<string, unknown> } : {}),
    });
    if (res.statusCode !== 200)
      throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json() as Record<string, unknown>;
  };
  const ws = ((await call(owner, 'GET', '/workspaces')) as unknown as Array<{ id: string }>)[0]?.id;
  const apps = (await call(owner, 'GET', `/workspaces/${ws}/apps`)) as unknown as
    | Array<{ id: string; key: string }>
    | { items: Array<{ id: string; key: string }> };
  const app = (Array.isArray(apps) ? apps : apps.items).find((a) => a.key === 'sales');
  const base = `/workspaces/${ws}/apps/${app?.id}`;
  const forms = (await call(owner, 'GET', `${base}/forms`)) as unknown as Array<{ id: string; key: string }>;
  const contracts = forms.find((f) => f.key === 'contracts')?.id;
  const total = await t.app.store.connection.collection('records').countDocuments({ deletedAt: null });
  const cockpit = (
    (await call(owner, 'GET', `${base}/dashboards/sales_cockpit`)) as {
      dashboard: { widgets: Array<{ key: string } & Record<string, unknown>> };
    }
  ).dashboard;
  /** Mean time of `fn` after a warm-up; `cold` empties the report result cache before each round. */
  const time = async (fn: () => Promise<unknown>, cold = false) => {
    await fn();
    let spent = 0;
    for (let i = 0; i < ROUNDS; i += 1) {
      if (cold) forgetReportAnswers(t.app.store.connection);
      const start = performance.now();
      await fn();
      spent += performance.now() - start;
    }
    return spent / ROUNDS;
  };
  const baseline = await time(() =>
    call(owner, 'GET', `/workspaces/${ws}/forms/${contracts}/records?limit=50`),
  );
  console.info(
    `cockpit bench: ${dataDir ? `data of ${dataDir}` : `demo scale ${scale}`}, ${total} records, ` +
      `load at start ${loadAtStart.join(' ')}; baseline (first 50 contracts) ${baseline.toFixed(1)} ms`,
  );
  const sums = { owner: 0, rep: 0, cached: 0 };
  const ms = (n: number) => `${n.toFixed(1).padStart(8)} ms (${(n / baseline).toFixed(1).padStart(5)}x)`;
  for (const widget of cockpit.widgets) {
    const ask = (headers: Record<string, string>) =>
      call(headers, 'POST', `/workspaces/${ws}/reports/query`, { appId: app?.id, widget });
    const asOwner = await time(() => ask(owner), true);
    const asRep = await time(() => ask(rep), true);
    const cached = await time(() => ask(owner));
    sums.owner += asOwner;
    sums.rep += asRep;
    sums.cached += cached;
    console.info(
      `${widget.key.padEnd(22)} owner ${ms(asOwner)}  rep ${ms(asRep)}  owner, cached ${ms(cached)}`,
    );
  }
  const whole = await time(() => call(owner, 'POST', `${base}/dashboards/sales_cockpit/query`, {}), true);
  console.info(
    `every widget, uncached: owner ${sums.owner.toFixed(0)} ms, rep ${sums.rep.toFixed(0)} ms; cached (owner) ` +
      `${sums.cached.toFixed(0)} ms; the whole cockpit in one call, uncached (owner) ${whole.toFixed(0)} ms ` +
      `(${(whole / baseline).toFixed(1)}x baseline)`,
  );
  console.info(`load at end ${load().join(' ')}`);
} finally {
  await t.close();
}
