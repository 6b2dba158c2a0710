import { describe, expect, it } from 'vitest';
import { findAll, memEngine, run, runErr } from './helpers.js';

describe('engine smoke', () => {
  it('creates, inserts, finds, updates, deletes', async () => {
    const { engine } = memEngine();
    await run(engine, 'db', { create: 'c' });
    const ins = await run(engine, 'db', {
      insert: 'c',
      documents: [
        { _id: 1, a: 1 },
        { _id: 2, a: 2 },
        { _id: 3, a: 3 },
      ],
    });
    expect(ins).toMatchObject({ n: 3, ok: 1 });
    expect(await findAll(engine, 'db', 'c', { filter: { a: { $gte: 2 } } })).toEqual([
      { _id: 2, a: 2 },
      { _id: 3, a: 3 },
    ]);
    const up = await run(engine, 'db', { update: 'c', updates: [{ q: { _id: 1 }, u: { $inc: { a: 10 } } }] });
    expect(up).toMatchObject({ n: 1, nModified: 1 });
    const del = await run(engine, 'db', { delete: 'c', deletes: [{ q: { a: { $lt: 5 } }, limit: 0 }] });
    expect(del).toMatchObject({ n: 2 });
    expect(await findAll(engine, 'db', 'c')).toEqual([{ _id: 1, a: 11 }]);
    const e = await runErr(engine, 'db', { frobnicate: 1 });
    expect(e.code).toBe(59);
  });
});
