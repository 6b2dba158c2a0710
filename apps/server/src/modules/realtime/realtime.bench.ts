/**
 * Record-event fan-out. Writes K records one after another and measures the time until the last event
 * reached a sentinel socket (the owner, subscribed last, so its group is served last), in three runs on
 * one app: no other subscribers (baseline: the writes themselves), S sockets that share one access group
 * (API tokens of a role with an `all` scope), and S sockets in S groups (tokens of an `own`-scope role:
 * one `$facet` branch per socket). Prints end-to-end time (clients run in this process too) and
 * the server's own delivery time, visibility queries (each covers up to 50 access groups) and emits (`app.realtime.stats()`), with ratios.
 *
 *   node --conditions=source --import tsx src/modules/realtime/realtime.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { createTestApp } from '../../test/app.js';
import { runSetup } from '../auth/test-helpers.js';
import { type Client, connected, listen } from './test-helpers.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
const WRITES = Number(process.env.BENCH_WRITES ?? 100);

const t = await createTestApp({ RATE_LIMIT_MAX: '1000000' });
const url = await listen(t);
const owner = await runSetup(t.app);
const ws = owner.workspaceId;
const api = (method: 'POST' | 'GET', path: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1/workspaces/${ws}${path}`,
    headers: owner.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const name = { en: 'x' };
const app = await api('POST', '/apps', {
  key: 'crm',
  name,
  roles: [
    {
      key: 'viewer',
      name,
      forms: [{ form: 'leads', view: 'all', fields: [{ field: 'margin', access: 'hidden' }] }],
    },
    { key: 'rep', name, forms: [{ form: 'leads', submit: true, view: 'own' }] },
  ],
});
const form = (
  await api('POST', `/apps/${app.json().id}/forms`, {
    key: 'leads',
    name,
    fields: [
      { key: 'code', type: 'text', label: name },
      { key: 'margin', type: 'number', label: name },
    ],
  })
).json().id as string;

let written = 0;
async function run(label: string, role: string | null): Promise<{ ms: number; checks: number }> {
  const sockets: Client[] = [];
  if (role) {
    for (let i = 0; i < SOCKETS; i++) {
      const token = (await api('POST', '/api-tokens', { name: `${role}-${i}`, role })).json().token as string;
      const c = await connected(url, { headers: { authorization: `Bearer ${token}` } });
      if (!(await c.subscribe(ws)).ok) throw new Error('subscribe failed');
      sockets.push(c);
    }
  }
  const sentinel = await connected(url, { token: owner.token });
  if (!(await sentinel.subscribe(ws)).ok) throw new Error('subscribe failed');
  const before = t.app.realtime.stats();
  const start = performance.now();
  let lastId = '';
  for (let i = 0; i < WRITES; i++) {
    const res = await api('POST', `/forms/${form}/records`, { data: { code: `R${written++}`, margin: 1 } });
    lastId = res.json().id;
  }
  await sentinel.next(
    (event, payload) =>
      event === 'record:created' && (payload as { record: { id: string } }).record.id === lastId,
  );
  const ms = performance.now() - start;
  const after = t.app.realtime.stats();
  const dispatch = {
    ms: after.ms - before.ms,
    groups: after.groups - before.groups,
    checks: after.checks - before.checks,
    emits: after.emits - before.emits,
  };
  if (role === 'viewer') {
    // Every viewer got every record, without the hidden field.
    for (const c of sockets) {
      await c.next(
        (event, payload) =>
          event === 'record:created' && (payload as { record: { id: string } }).record.id === lastId,
      );
      const got = c.events.filter((e) => e.event === 'record:created');
      if (got.length !== WRITES) throw new Error(`a viewer got ${got.length} of ${WRITES} events`);
      if (got.some((e) => 'margin' in (e.payload as { record: { data: object } }).record.data)) {
        throw new Error('hidden field delivered');
      }
    }
  }
  for (const c of [...sockets, sentinel]) c.close();
  console.info(
    `${label.padEnd(44)} end-to-end ${ms.toFixed(0).padStart(6)} ms | server delivery ${dispatch.ms
      .toFixed(0)
      .padStart(6)} ms, ${dispatch.checks} visibility queries, ${dispatch.emits} emits`,
  );
  return { ms: dispatch.ms, checks: dispatch.checks };
}

console.info(`realtime fan-out: ${WRITES} sequential record creates, ${SOCKETS} subscribed sockets`);
const baseline = (await run('baseline: sentinel only', null)).ms;
const one = await run(`${SOCKETS} sockets, 1 access group (view all)`, 'viewer');
const many = await run(`${SOCKETS} sockets, ${SOCKETS} access groups (own)`, 'rep');
const [grouped, apart] = [one.ms, many.ms];
const checks = { grouped: one.checks, apart: many.checks };
console.info(
  `server delivery time / sentinel-only baseline: 1 group ${(grouped / baseline).toFixed(2)}x, ` +
    `${SOCKETS} groups ${(apart / baseline).toFixed(2)}x; visibility queries per write: ` +
    `${(checks.grouped / WRITES).toFixed(1)} vs ${(checks.apart / WRITES).toFixed(1)}`,
);
await t.close();
