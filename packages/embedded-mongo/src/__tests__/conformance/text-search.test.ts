import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

describe('conformance: text indexes and $text', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('text');
    const c = t.db.collection<AnyDoc>('articles');
    await c.insertMany([
      { _id: 1, title: 'Coffee roasting guide', body: 'How to roast coffee beans at home' },
      { _id: 2, title: 'Tea ceremony', body: 'Green tea and matcha, no coffee at all' },
      { _id: 3, title: 'Bakery news', body: 'Fresh bread every morning' },
      { _id: 4, title: 'Café culture', body: 'Coffee COFFEE coffee in Vienna' },
      { _id: 5, title: '销售 客户 名单', body: '重要 客户' },
    ]);
    await c.createIndex({ title: 'text', body: 'text' }, { weights: { title: 10, body: 1 }, name: 'search' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const articles = () => t.db.collection<AnyDoc>('articles');
  const ids = (docs: AnyDoc[]) => docs.map((d) => d._id);

  it('lists the text index as mongod stores it', async () => {
    const ix = (await articles().listIndexes().toArray()).find((i) => i.name === 'search');
    expect(ix).toMatchObject({
      key: { _fts: 'text', _ftsx: 1 },
      weights: { title: 10, body: 1 },
      default_language: 'english',
      language_override: 'language',
      textIndexVersion: 3,
    });
  });

  it('matches any term, case- and diacritic-insensitively, ranked by textScore', async () => {
    const hits = await articles()
      .find({ $text: { $search: 'coffee' } }, { projection: { score: { $meta: 'textScore' } } })
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    expect(ids(hits).sort()).toEqual([1, 2, 4]);
    // A title hit weighs 10x a body hit; repeats in one field add less each time.
    expect(hits[0]?._id).toBe(1);
    for (const h of hits) expect(h.score).toBeGreaterThan(0);
    expect(hits.map((h) => h.score as number)).toEqual(
      [...hits.map((h) => h.score as number)].sort((a, b) => b - a),
    );
    expect(
      ids(
        await articles()
          .find({ $text: { $search: 'CAFE' } })
          .toArray(),
      ),
    ).toEqual([4]);
    expect(
      ids(
        await articles()
          .find({ $text: { $search: 'tea bread' } })
          .sort({ _id: 1 })
          .toArray(),
      ),
    ).toEqual([2, 3]);
  });

  it('phrases must appear, negated terms must not', async () => {
    const phrase = await articles()
      .find({ $text: { $search: '"coffee beans"' } })
      .toArray();
    expect(ids(phrase)).toEqual([1]);
    const negated = await articles()
      .find({ $text: { $search: 'coffee -tea' } })
      .sort({ _id: 1 })
      .toArray();
    expect(ids(negated)).toEqual([1, 4]);
    expect(await articles().countDocuments({ $text: { $search: 'coffee' }, _id: { $gt: 1 } })).toBe(2);
  });

  it('runs as the first $match of an aggregation with $meta in later stages', async () => {
    const rows = await articles()
      .aggregate([
        { $match: { $text: { $search: 'coffee' } } },
        { $sort: { score: { $meta: 'textScore' } } },
        { $project: { _id: 1, score: { $meta: 'textScore' } } },
        { $limit: 2 },
      ])
      .toArray();
    expect(rows).toHaveLength(2);
    expect(rows[0]?._id).toBe(1);
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(['_id', 'score']);
    expect(rows[0]?.score).toBeGreaterThanOrEqual(rows[1]?.score as number);
  });

  it('needs a text index, and one per collection', async () => {
    await t.db.collection<AnyDoc>('plain').insertOne({ _id: 1, s: 'x' });
    const none = await t.db
      .collection('plain')
      .find({ $text: { $search: 'x' } })
      .toArray()
      .catch((e: unknown) => e);
    expect(none).toMatchObject({ code: 27, codeName: 'IndexNotFound' });
    const second = await articles()
      .createIndex({ body: 'text' })
      .catch((e: unknown) => e);
    expect(second).toMatchObject({ code: 85 });
  });

  it('finds Chinese words (spaced text everywhere; unspaced text on the embedded store)', async () => {
    expect(
      ids(
        await articles()
          .find({ $text: { $search: '客户' } })
          .toArray(),
      ),
    ).toEqual([5]);
    if (!t.embedded) return;
    // Intl.Segmenter splits unspaced Chinese into words, so a word inside a sentence is found.
    const c = t.db.collection<AnyDoc>('notes');
    await c.insertMany([
      { _id: 1, text: '今天拜访了重要客户，讨论了合同' },
      { _id: 2, text: '内部会议纪要' },
    ]);
    await c.createIndex({ text: 'text' });
    expect(ids(await c.find({ $text: { $search: '客户' } }).toArray())).toEqual([1]);
    expect(ids(await c.find({ $text: { $search: '会议' } }).toArray())).toEqual([2]);
    const [hit] = await c
      .find({ $text: { $search: '合同' } }, { projection: { score: { $meta: 'textScore' } } })
      .toArray();
    expect(hit?.score).toBeGreaterThan(0);
  });

  it('scores as mongod computes them (embedded: no stemming or stop words)', async () => {
    if (!t.embedded) return;
    const c = t.db.collection<AnyDoc>('scores');
    await c.insertMany([
      { _id: 1, s: 'apple pie' },
      { _id: 2, s: 'apple apple pie' },
    ]);
    await c.createIndex({ s: 'text' });
    const hits = await c
      .find({ $text: { $search: 'apple' } }, { projection: { score: { $meta: 'textScore' } } })
      .sort({ _id: 1 })
      .toArray();
    // 1 × freq 1 × (0.5 × 1/2 + 0.5); then freq 1.5 × (0.5 × 2/3 + 0.5).
    expect(hits[0]?.score).toBeCloseTo(0.75, 10);
    expect(hits[1]?.score).toBeCloseTo(1.25, 10);
  });
});
