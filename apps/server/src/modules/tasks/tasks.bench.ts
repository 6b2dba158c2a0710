/**
 * Tasks benchmark: what moving a deactivated member's open tasks and listing a member's tasks cost, as
 * ratios against baselines measured in the same run on the same collection: one plain `updateOne` per
 * task (no version guard, no history) and `GET /health`.
 * Run: `node --conditions=source --import tsx src/modules/tasks/tasks.bench.ts` in apps/server
 * (embedded store in a temp dir; TASKS_BENCH_N sets the number of tasks, default 1000).
 */
import { performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import { createTestApp } from '../../test/app.js';
import { addMember, runSetup } from '../auth/test-helpers.js';
import { taskModel } from './model.js';
import { createTask, reassignOpenTasks } from './service.js';

const N = Number(process.env.TASKS_BENCH_N ?? 1000);
const LIST_RUNS = 200;

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

const t = await createTestApp({ RATE_LIMIT_MAX: '1000000' });
try {
  const owner = await runSetup(t.app);
  const ws = owner.workspaceId;
  const a = await addMember(t.app, owner, ws, 'a@example.com');
  const b = await addMember(t.app, owner, ws, 'b@example.com');
  const Task = taskModel(t.store.connection);
  const make = (assignee: string, n: number) =>
    createTask(t.store.connection, {
      ws,
      app: new Types.ObjectId(),
      form: new Types.ObjectId(),
      record: new Types.ObjectId(),
      kind: 'approve',
      assignee,
      title: { en: `Task ${n}` },
    });

  const created = await timed(async () => {
    for (let i = 0; i < N; i++) await make(a.userId, i);
  });
  console.log(`createTask x${N}: ${(created.ms / N).toFixed(3)} ms/task`);

  // Baseline: the cheapest way to touch each of the N tasks once, one write per task.
  const ids = (await Task.find({ ws, assignee: a.userId }, { _id: 1 }).lean()).map((d) => d._id);
  const baseline = await timed(async () => {
    for (const _id of ids) await Task.updateOne({ _id }, { $set: { updatedAt: new Date() } });
  });
  console.log(`baseline updateOne x${N}: ${(baseline.ms / N).toFixed(3)} ms/task`);

  const moved = await timed(() =>
    reassignOpenTasks(t.store.connection, ws, a.userId, b.userId, null, 'bench'),
  );
  if (moved.value.moved !== N) throw new Error(`moved ${moved.value.moved} of ${N}`);
  console.log(
    `reassignOpenTasks ${N} tasks: ${moved.ms.toFixed(0)} ms (${(moved.ms / N).toFixed(3)} ms/task)`,
  );

  const retry = await timed(() =>
    reassignOpenTasks(t.store.connection, ws, a.userId, b.userId, null, 'bench'),
  );
  console.log(`reassignOpenTasks again (nothing left): ${retry.ms.toFixed(2)} ms`);

  const inject = (url: string) => t.app.inject({ method: 'GET', url, headers: b.headers });
  const perRequest = async (url: string) => {
    for (let i = 0; i < 20; i++) await inject(url); // warm-up
    const { ms } = await timed(async () => {
      for (let i = 0; i < LIST_RUNS; i++) await inject(url);
    });
    return ms / LIST_RUNS;
  };
  const health = await perRequest('/api/v1/health');
  const list = await perRequest(`/api/v1/workspaces/${ws}/tasks?limit=50`);
  console.log(`GET /health: ${health.toFixed(3)} ms, GET /tasks?limit=50 of ${N}: ${list.toFixed(3)} ms`);
  console.log(
    `ratios: reassign per task vs baseline updateOne ${(moved.ms / baseline.ms).toFixed(2)}x, ` +
      `list page vs /health ${(list / health).toFixed(2)}x`,
  );
} finally {
  await t.close();
}
