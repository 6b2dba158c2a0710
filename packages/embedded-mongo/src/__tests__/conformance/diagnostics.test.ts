import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: $currentOp, $listLocalSessions and explain', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('diag');
    const c = t.db.collection<AnyDoc>('items');
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, k: i % 5, v: i })));
    await c.createIndex({ k: 1 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const items = () => t.db.collection<AnyDoc>('items');

  it('$currentOp shows the running aggregate itself, and idle connections on request', async () => {
    const idle = await new MongoClient(t.uri, { serverSelectionTimeoutMS: 5_000 }).connect();
    try {
      await idle.db(t.dbName).command({ ping: 1 });
      const ops = await t.client
        .db('admin')
        .aggregate([{ $currentOp: { idleConnections: true } }])
        .toArray();
      const self = ops.find(
        (op) => Array.isArray(op.command?.pipeline) && '$currentOp' in op.command.pipeline[0],
      );
      expect(self).toMatchObject({ type: 'op', active: true, op: 'command' });
      expect(typeof self?.opid).toBe('number');
      expect(ops.some((op) => op.active === false)).toBe(true);
      const active = await t.client
        .db('admin')
        .aggregate([{ $currentOp: {} }])
        .toArray();
      expect(active.every((op) => op.active === true)).toBe(true);
      const wrongDb = await t.db
        .aggregate([{ $currentOp: {} }])
        .toArray()
        .catch((e: unknown) => e);
      expect(wrongDb).toMatchObject({ code: 73 });
    } finally {
      await idle.close();
    }
  });

  it('$listLocalSessions lists a session the client used', async () => {
    const session = t.client.startSession();
    try {
      await items().findOne({ _id: 1 }, { session });
      const sessions = await t.client
        .db('admin')
        .aggregate([{ $listLocalSessions: { allUsers: true } }])
        .toArray();
      const mine = session.id?.id;
      expect(sessions.some((s) => s._id?.id?.toString('hex') === mine?.toString('hex'))).toBe(true);
      expect(sessions[0]?.lastUse).toBeInstanceOf(Date);
    } finally {
      await session.endSession();
    }
  });

  it('find explain at each verbosity', async () => {
    const planner = await items().find({ k: 2 }).explain('queryPlanner');
    expect(planner.explainVersion).toBe('1');
    expect(planner.queryPlanner.winningPlan).toMatchObject({
      stage: 'FETCH',
      inputStage: { stage: 'IXSCAN', indexName: 'k_1', keyPattern: { k: 1 } },
    });
    expect(planner.executionStats).toBeUndefined();
    const stats = await items().find({ k: 2 }).explain('executionStats');
    expect(stats.executionStats).toMatchObject({
      executionSuccess: true,
      nReturned: 10,
      totalKeysExamined: 10,
      totalDocsExamined: 10,
    });
    expect(stats.executionStats.executionStages.stage).toBe('FETCH');
    expect(stats.executionStats.allPlansExecution).toBeUndefined();
    const all = await items()
      .find({ v: { $gt: 40 } })
      .sort({ v: -1 })
      .explain('allPlansExecution');
    expect(Array.isArray(all.executionStats.allPlansExecution)).toBe(true);
    expect(all.queryPlanner.winningPlan.stage).toBe('SORT');
    expect(all.queryPlanner.winningPlan.inputStage.stage).toBe('COLLSCAN');
    expect(all.executionStats.nReturned).toBe(9);
  });

  it('aggregate explain: the query layer alone, or $cursor followed by the other stages', async () => {
    const simple = await items()
      .aggregate([{ $match: { k: 1 } }])
      .explain('queryPlanner');
    expect(simple.queryPlanner.winningPlan).toBeDefined();
    const staged = await items()
      .aggregate([{ $match: { k: 1 } }, { $facet: { n: [{ $count: 'n' }] } }])
      .explain('executionStats');
    expect(staged.stages[0].$cursor.queryPlanner.winningPlan).toBeDefined();
    expect(staged.stages[0].$cursor.executionStats.nReturned).toBe(10);
    expect(staged.stages[1].$facet).toBeDefined();
    expect(typeof staged.stages[1].nReturned).toBe('number');
    const plannerOnly = await items()
      .aggregate([{ $match: { k: 1 } }, { $facet: { n: [{ $count: 'n' }] } }])
      .explain('queryPlanner');
    expect(plannerOnly.stages[0].$cursor.executionStats).toBeUndefined();
  });
});
