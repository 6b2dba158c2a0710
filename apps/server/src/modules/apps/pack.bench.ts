/**
 * Template import benchmark: importing a pack with demo records (20 clients, 100 projects, 300 tasks of the
 * rich test pack) against the baseline of the same records created one by one over `POST .../records`
 * (the same write path, called from outside) in the same run; plus import without records and export with
 * records. Run: `pnpm --filter @formloom/server bench`.
 */
import { performance } from 'node:perf_hooks';
import { createTestApp } from '../../test/app.js';
import { runSetup } from '../auth/test-helpers.js';
import { richPack } from './test-fixtures.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 100);
const TASKS = Number(process.env.BENCH_TASKS ?? 300);

type Rec = { ref?: string; data: Record<string, unknown> };

function demo(): Record<string, Rec[]> {
  const clients = Array.from({ length: CLIENTS }, (_, i) => ({
    ref: `c${i}`,
    data: { name: `Client ${i}`, tier: i % 2 ? 'gold' : 'silver', region: i % 3 ? 'north' : 'south' },
  }));
  const projects = Array.from({ length: PROJECTS }, (_, i) => ({
    ref: `p${i}`,
    data: {
      code: `P${i}`,
      client: `c${i % CLIENTS}`,
      clientName: `Client ${i % CLIENTS}`,
      budget: 100 + i,
      discount: 0.1,
      items: [{ item: 'a', qty: 2, price: 10 }],
    },
  }));
  const tasks = Array.from({ length: TASKS }, (_, i) => ({
    data: {
      title: `Task ${i}`,
      project: `p${i % PROJECTS}`,
      projectCode: `P${i % PROJECTS}`,
      estimate: i % 7,
    },
  }));
  return { clients, projects, tasks };
}

const t = await createTestApp({ RATE_LIMIT_MAX: '1000000' });
try {
  const owner = await runSetup(t.app);
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: owner.headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.json() as Record<string, unknown>;
  };
  const ws = `/workspaces/${owner.workspaceId}`;
  const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const start = performance.now();
    const out = await fn();
    return [out, performance.now() - start];
  };

  // Values are final once the background recompute queue is empty.
  const drained = async () => {
    const jobs = t.store.connection.collection('jobs');
    while ((await jobs.countDocuments({ type: 'recompute', status: { $in: ['pending', 'running'] } })) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  // Warm-up: the first import compiles the pack schema and the forms' validators.
  await call('POST', `${ws}/apps/import`, { pack: richPack(), demoData: true, appKey: 'warm' });

  const [, bare] = await timed(() => call('POST', `${ws}/apps/import`, { pack: richPack(), appKey: 'bare' }));
  const records = demo();
  await drained();
  const [imported, withData] = await timed(() =>
    call('POST', `${ws}/apps/import`, { pack: { ...richPack(), records }, demoData: true, appKey: 'full' }),
  );
  const [, importQueue] = await timed(drained);

  // Baseline: an app without records, then the same records one request at a time.
  const target = await call('POST', `${ws}/apps/import`, { pack: richPack(), appKey: 'manual' });
  const forms = target.forms as Record<string, string>;
  const [, manual] = await timed(async () => {
    const ids = new Map<string, string>();
    for (const form of ['clients', 'projects', 'tasks'] as const) {
      for (const rec of records[form] ?? []) {
        const data = { ...rec.data };
        if (form === 'projects') data.client = ids.get(`clients:${data.client}`);
        if (form === 'tasks') data.project = ids.get(`projects:${data.project}`);
        const made = await call('POST', `${ws}/forms/${forms[form]}/records`, { data });
        if (rec.ref) ids.set(`${form}:${rec.ref}`, String(made.id));
      }
    }
    await drained();
  });
  const [, exported] = await timed(() =>
    call('GET', `${ws}/apps/${String(imported.appId)}/export?data=true`),
  );

  const n = CLIENTS + PROJECTS + TASKS;
  console.log(
    `template import, ${n} demo records (clients ${CLIENTS}, projects ${PROJECTS}, tasks ${TASKS})`,
  );
  console.log(`  import without records          ${bare.toFixed(0)} ms`);
  console.log(
    `  import with records (answer)    ${withData.toFixed(0)} ms (${(withData / n).toFixed(1)} ms/record, rollups final)`,
  );
  console.log(`  ... background queue drained    ${(withData + importQueue).toFixed(0)} ms`);
  console.log(
    `  baseline: POST each record      ${manual.toFixed(0)} ms (${(manual / n).toFixed(1)} ms/record, until the queue drained)`,
  );
  console.log(`  ratio import answer / baseline  ${(withData / manual).toFixed(2)}`);
  console.log(
    `  export with records             ${exported.toFixed(0)} ms (ratio to baseline ${(exported / manual).toFixed(2)})`,
  );
} finally {
  await t.close();
}
