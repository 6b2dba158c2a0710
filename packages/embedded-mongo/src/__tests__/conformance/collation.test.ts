import { MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

const zh = { locale: 'zh' };
const enCaseless = { locale: 'en', strength: 2 };

describe('conformance: collation', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('collation');
    await t.db.collection<AnyDoc>('people').insertMany([
      { _id: 1, name: '张伟', n: 'item10' },
      { _id: 2, name: '李娜', n: 'item9' },
      { _id: 3, name: '王芳', n: 'item100' },
      { _id: 4, name: '赵磊', n: 'Item2' },
      { _id: 5, name: '陈静', n: 'item1' },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const people = () => t.db.collection<AnyDoc>('people');
  const names = (docs: AnyDoc[]) => docs.map((d) => d.name);

  it('zh sorts Chinese names in pinyin order (chen, li, wang, zhang, zhao)', async () => {
    const sorted = await people().find({}, { collation: zh }).sort({ name: 1 }).toArray();
    expect(names(sorted)).toEqual(['陈静', '李娜', '王芳', '张伟', '赵磊']);
    const binary = await people().find().sort({ name: 1 }).toArray();
    expect(names(binary)).not.toEqual(names(sorted));
    const agg = await people()
      .aggregate([{ $sort: { name: -1 } }, { $project: { _id: 0, name: 1 } }], { collation: zh })
      .toArray();
    expect(names(agg)).toEqual(['赵磊', '张伟', '王芳', '李娜', '陈静']);
    // Ranges follow the collation too: after "li" and before "zhang" in pinyin.
    const range = await people()
      .find({ name: { $gt: '李娜', $lt: '张伟' } }, { collation: zh })
      .toArray();
    expect(names(range)).toEqual(['王芳']);
  });

  it('numericOrdering sorts digits by value; strength 2 ignores case', async () => {
    const numeric = await people()
      .find({}, { collation: { locale: 'en', numericOrdering: true, strength: 2 } })
      .sort({ n: 1 })
      .toArray();
    expect(numeric.map((d) => d.n)).toEqual(['item1', 'Item2', 'item9', 'item10', 'item100']);
    expect(await people().countDocuments({ n: 'ITEM2' }, { collation: enCaseless })).toBe(1);
    expect(await people().countDocuments({ n: 'ITEM2' })).toBe(0);
    expect(await people().countDocuments({ n: { $in: ['ITEM1', 'item9'] } }, { collation: enCaseless })).toBe(
      2,
    );
  });

  it('updates, deletes and distinct honour the collation', async () => {
    const c = t.db.collection<AnyDoc>('tags');
    await c.insertMany([
      { _id: 1, tag: 'Red' },
      { _id: 2, tag: 'red' },
      { _id: 3, tag: 'RED' },
      { _id: 4, tag: 'blue' },
    ]);
    expect((await c.distinct('tag', {}, { collation: enCaseless })).length).toBe(2);
    expect((await c.distinct('tag')).length).toBe(4);
    const upd = await c.updateMany({ tag: 'red' }, { $set: { hot: true } }, { collation: enCaseless });
    expect(upd.modifiedCount).toBe(3);
    const del = await c.deleteMany({ tag: 'BLUE' }, { collation: enCaseless });
    expect(del.deletedCount).toBe(1);
    const fam = await c.findOneAndUpdate(
      { tag: 'rED' },
      { $set: { first: true } },
      { collation: enCaseless, sort: { _id: 1 } },
    );
    expect(fam?._id).toBe(1);
  });

  it("a collection's default collation applies to queries and to its indexes", async () => {
    await t.db.createCollection('cities', { collation: { locale: 'en', strength: 1 } });
    const c = t.db.collection<AnyDoc>('cities');
    await c.insertMany([
      { _id: 1, city: 'Zürich' },
      { _id: 2, city: 'zurich' },
      { _id: 3, city: 'Bern' },
    ]);
    expect(await c.countDocuments({ city: 'ZURICH' })).toBe(2);
    expect(await c.countDocuments({ city: 'ZURICH' }, { collation: { locale: 'simple' } })).toBe(0);
    const [info] = await t.db.listCollections({ name: 'cities' }).toArray();
    expect(
      (info as unknown as { options: { collation: Record<string, unknown> } }).options.collation,
    ).toMatchObject({
      locale: 'en',
      strength: 1,
      caseLevel: false,
      numericOrdering: false,
    });
    await c.createIndex({ city: 1 }, { name: 'city_1' });
    const indexes = await c.listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'city_1')?.collation).toMatchObject({ locale: 'en', strength: 1 });
  });

  it('a unique index with a case-insensitive collation refuses values equal under it', async () => {
    const c = t.db.collection<AnyDoc>('accounts');
    await c.createIndex({ email: 1 }, { unique: true, collation: enCaseless });
    await c.insertOne({ _id: 1, email: 'Ann@Example.com' });
    const dup = await c.insertOne({ _id: 2, email: 'ann@example.COM' }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(MongoServerError);
    expect(dup).toMatchObject({ code: 11000, keyPattern: { email: 1 } });
    await c.insertOne({ _id: 3, email: 'bob@example.com' });
    expect(await c.countDocuments()).toBe(2);
  });

  it('an invalid collation is refused', async () => {
    const noLocale = await people()
      .find({}, { collation: { strength: 2 } as never })
      .toArray()
      .catch((e: unknown) => e);
    expect(noLocale).toMatchObject({ code: 40414 });
    const badStrength = await people()
      .find({}, { collation: { locale: 'en', strength: 9 } })
      .toArray()
      .catch((e: unknown) => e);
    expect(badStrength).toBeInstanceOf(MongoServerError);
  });
});
