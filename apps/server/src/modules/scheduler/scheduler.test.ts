import { Types } from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { cancelJob, jobModel, PermanentJobError, Scheduler, scheduleJob } from './index.js';
import { claimJob } from './jobs.js';

const silent = { warn() {} } as unknown as ConstructorParameters<typeof Scheduler>[1];
const ws = new Types.ObjectId();

let t: TestApp;
let time = new Date('2026-03-01T08:00:00Z').getTime();
const clock = () => new Date(time);
const advance = (ms: number) => {
  time += ms;
};

beforeAll(async () => {
  t = await createTestApp({}, { clock, pollJobs: false });
});
afterAll(async () => t.close());

const connection = () => t.store.connection;
let seq = 0;
/** A scheduler with its own job type (tests share one store), like another instance would be. */
function instance() {
  return new Scheduler(connection(), silent);
}
function freshType() {
  seq += 1;
  return `test${seq}`;
}
const Jobs = () => jobModel(connection());

beforeEach(() => {
  time += 3_600_000;
});

describe('scheduler', () => {
  it('runs a job once it is due on the clock, with its payload', async () => {
    const type = freshType();
    const seen: unknown[] = [];
    const s = instance();
    s.register(type, async (run) => {
      seen.push(run.payload);
    });
    await scheduleJob(connection(), { type, ws, runAt: new Date(time + 60_000), payload: { n: 1 } });
    expect(await s.runDue()).toEqual({ ran: 0, failed: 0 });
    advance(59_999);
    expect((await s.runDue()).ran).toBe(0);
    advance(1);
    expect(await s.runDue()).toEqual({ ran: 1, failed: 0 });
    expect(seen).toEqual([{ n: 1 }]);
    expect((await s.runDue()).ran).toBe(0);
    const job = await Jobs().findOne({ type }).lean();
    expect(job?.status).toBe('done');
    expect(job?.doneAt?.getTime()).toBe(time);
  });

  it('keeps one pending job per key, also when scheduled by racing callers', async () => {
    const type = freshType();
    const added = await Promise.all(
      Array.from({ length: 10 }, () => scheduleJob(connection(), { type, ws, key: 'k', payload: 1 })),
    );
    expect(added.filter(Boolean)).toHaveLength(1);
    expect(await Jobs().countDocuments({ type })).toBe(1);
    const s = instance();
    let runs = 0;
    s.register(type, async () => {
      runs += 1;
    });
    await s.runDue();
    expect(runs).toBe(1);
    // Once it ran, the key may be scheduled again.
    expect(await scheduleJob(connection(), { type, ws, key: 'k' })).toBe(true);
  });

  it('moves a pending job with replace and removes it with cancel', async () => {
    const type = freshType();
    await scheduleJob(connection(), { type, ws, key: 'd', runAt: new Date(time + 1000), payload: 'a' });
    expect(
      await scheduleJob(connection(), {
        type,
        ws,
        key: 'd',
        runAt: new Date(time + 5000),
        payload: 'b',
        replace: true,
      }),
    ).toBe(false);
    const job = await Jobs().findOne({ type }).lean();
    expect(job?.runAt.getTime()).toBe(time + 5000);
    expect(JSON.parse(job?.payload ?? '')).toBe('b');
    expect(await cancelJob(connection(), type, 'd')).toBe(true);
    expect(await cancelJob(connection(), type, 'd')).toBe(false);
    expect(await Jobs().countDocuments({ type })).toBe(0);
  });

  it('retries a failing job with backoff, then dead-letters it', async () => {
    const type = freshType();
    const s = instance();
    const attempts: number[] = [];
    s.register(
      type,
      async (run) => {
        attempts.push(run.attempt);
        throw new Error(`boom ${run.attempt}`);
      },
      { backoffMs: (attempt) => attempt * 10_000 },
    );
    await scheduleJob(connection(), { type, ws, maxAttempts: 3 });
    expect(await s.runDue()).toEqual({ ran: 1, failed: 1 });
    // Not due again before its backoff.
    advance(9_999);
    expect((await s.runDue()).ran).toBe(0);
    advance(1);
    expect((await s.runDue()).ran).toBe(1);
    advance(20_000);
    expect((await s.runDue()).ran).toBe(1);
    advance(3_600_000);
    expect((await s.runDue()).ran).toBe(0);
    expect(attempts).toEqual([1, 2, 3]);
    const job = await Jobs().findOne({ type }).lean();
    expect(job).toMatchObject({ status: 'failed', attempts: 3, lastError: 'boom 3', doneAt: null });
  });

  it('succeeds on a retry after a passing failure', async () => {
    const type = freshType();
    const s = instance();
    let calls = 0;
    s.register(type, async () => {
      calls += 1;
      if (calls === 1) throw new Error('store briefly away');
    });
    await scheduleJob(connection(), { type, ws });
    await s.runDue();
    advance(1000);
    await s.runDue();
    expect(calls).toBe(2);
    expect((await Jobs().findOne({ type }).lean())?.status).toBe('done');
  });

  it('dead-letters at once on a permanent error', async () => {
    const type = freshType();
    const s = instance();
    s.register(type, async () => {
      throw new PermanentJobError('the record is gone');
    });
    await scheduleJob(connection(), { type, ws });
    expect(await s.runDue()).toEqual({ ran: 1, failed: 1 });
    expect(await Jobs().findOne({ type }).lean()).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('runs each job exactly once with several instances polling at once', async () => {
    const type = freshType();
    const ran = new Map<string, number>();
    const instances = [instance(), instance(), instance()];
    for (const s of instances) {
      s.register(type, async (run) => {
        const n = run.payload as number;
        ran.set(String(n), (ran.get(String(n)) ?? 0) + 1);
      });
    }
    for (let n = 0; n < 40; n++) await scheduleJob(connection(), { type, ws, payload: n });
    const summaries = await Promise.all(instances.map((s) => s.runDue()));
    expect(summaries.reduce((sum, x) => sum + x.ran, 0)).toBe(40);
    expect(ran.size).toBe(40);
    expect([...ran.values()].every((count) => count === 1)).toBe(true);
  });

  it('takes over a job whose instance died once its lease expires, and ignores the dead one later', async () => {
    const type = freshType();
    await scheduleJob(connection(), { type, ws, key: 'x' });
    // An instance claims it and dies before finishing.
    const claimed = await claimJob(connection(), [type], 'dead-instance', 30_000);
    expect(claimed?.status).toBe('running');
    const s = instance();
    let runs = 0;
    s.register(type, async () => {
      runs += 1;
    });
    expect((await s.runDue()).ran).toBe(0);
    advance(30_001);
    expect((await s.runDue()).ran).toBe(1);
    expect(runs).toBe(1);
    const job = await Jobs().findOne({ type }).lean();
    expect(job).toMatchObject({ status: 'done', attempts: 2 });
    expect(job?.leaseOwner).not.toBe('dead-instance');
  });

  it('runs jobs after a restart of the app', async () => {
    const type = freshType();
    await scheduleJob(connection(), { type, ws, runAt: new Date(time + 1000) });
    // A second app on the same store, as after a restart (the first one's scheduler never ran the job).
    const again = await buildApp({ config: t.config, store: t.store, logger: false, clock, pollJobs: false });
    let runs = 0;
    again.scheduler.register(type, async () => {
      runs += 1;
    });
    await again.ready();
    advance(1000);
    expect((await again.scheduler.runDue()).ran).toBe(1);
    expect(runs).toBe(1);
    await again.close();
  });

  it('runs due jobs in the background once started', async () => {
    const type = freshType();
    const s = instance();
    let resolveRun: () => void = () => {};
    const ran = new Promise<void>((resolve) => {
      resolveRun = resolve;
    });
    s.register(type, async () => resolveRun());
    await scheduleJob(connection(), { type, ws });
    s.start(10);
    await ran;
    await s.stop();
    expect((await Jobs().findOne({ type }).lean())?.status).toBe('done');
  });

  it('refuses a second handler for one type', () => {
    const s = instance();
    s.register('dup', async () => {});
    expect(() => s.register('dup', async () => {})).toThrow(/already registered/);
  });
});
