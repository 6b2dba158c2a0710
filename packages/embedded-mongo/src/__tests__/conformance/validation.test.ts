import { Int32, Long, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

const personSchema = {
  $jsonSchema: {
    bsonType: 'object',
    required: ['name', 'age'],
    properties: {
      name: { bsonType: 'string', minLength: 1 },
      age: { bsonType: 'int', minimum: 0 },
      tags: { bsonType: 'array', items: { bsonType: 'string' } },
    },
  },
};

async function rejection(p: Promise<unknown>): Promise<MongoServerError> {
  const e = await p.then(
    () => new Error('expected the write to be refused'),
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MongoServerError);
  return e as MongoServerError;
}

describe('conformance: collection validators', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('valid');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a $jsonSchema validator refuses inserts and updates with code 121 and errInfo', async () => {
    await t.db.createCollection('people', { validator: personSchema });
    const c = t.db.collection<AnyDoc>('people');
    await c.insertOne({ _id: 1, name: 'ann', age: new Int32(31), tags: ['a'] });
    const missing = await rejection(c.insertOne({ _id: 2, age: new Int32(5) }));
    expect(missing).toMatchObject({ code: 121, codeName: 'DocumentValidationFailure' });
    expect(missing.errInfo?.failingDocumentId).toBe(2);
    expect(missing.errInfo?.details.operatorName).toBe('$jsonSchema');
    expect(missing.errInfo?.details.schemaRulesNotSatisfied).toContainEqual({
      operatorName: 'required',
      specifiedAs: { required: ['name', 'age'] },
      missingProperties: ['name'],
    });
    const wrongType = await rejection(c.insertOne({ _id: 3, name: 'bo', age: 'old' }));
    const rules = wrongType.errInfo?.details.schemaRulesNotSatisfied as Record<string, unknown>[];
    expect(rules[0]).toMatchObject({
      operatorName: 'properties',
      propertiesNotSatisfied: [
        {
          propertyName: 'age',
          details: [
            {
              operatorName: 'bsonType',
              specifiedAs: { bsonType: 'int' },
              reason: 'type did not match',
              consideredValue: 'old',
              consideredType: 'string',
            },
          ],
        },
      ],
    });
    // A Long is not an int: bsonType tells BSON types apart.
    expect(await rejection(c.insertOne({ _id: 4, name: 'cy', age: Long.fromNumber(4) }))).toMatchObject({
      code: 121,
    });
    const update = await rejection(c.updateOne({ _id: 1 }, { $set: { age: new Int32(-1) } }));
    expect(update).toMatchObject({ code: 121 });
    expect(await c.findOne({ _id: 1 })).toMatchObject({ age: 31 });
    const replace = await rejection(c.replaceOne({ _id: 1 }, { name: 'ann' }));
    expect(replace).toMatchObject({ code: 121 });
    const upsert = await rejection(c.updateOne({ _id: 9 }, { $set: { name: 'x' } }, { upsert: true }));
    expect(upsert).toMatchObject({ code: 121 });
    const fam = await rejection(c.findOneAndUpdate({ _id: 1 }, { $unset: { name: '' } }));
    expect(fam).toMatchObject({ code: 121 });
    expect(await c.countDocuments()).toBe(1);
    await c.insertOne({ _id: 5, note: 'imported' }, { bypassDocumentValidation: true });
    expect(await c.countDocuments()).toBe(2);
    const [info] = await t.db.listCollections({ name: 'people' }).toArray();
    expect((info as unknown as { options: { validator: unknown } }).options.validator).toEqual(personSchema);
  });

  it('a query-operator validator explains the failing clause', async () => {
    await t.db.createCollection('stock', { validator: { qty: { $gte: 0 }, sku: { $type: 'string' } } });
    const c = t.db.collection<AnyDoc>('stock');
    await c.insertOne({ _id: 1, qty: 3, sku: 'a' });
    const single = await rejection(c.insertOne({ _id: 2, qty: -1, sku: 'b' }));
    expect(single).toMatchObject({ code: 121 });
    expect(single.errInfo).toMatchObject({
      failingDocumentId: 2,
      details: {
        operatorName: '$and',
        clausesNotSatisfied: [
          {
            index: 0,
            details: {
              operatorName: '$gte',
              specifiedAs: { qty: { $gte: 0 } },
              reason: 'comparison failed',
              consideredValue: -1,
            },
          },
        ],
      },
    });
    const missing = await rejection(c.insertOne({ _id: 3, sku: 'c' }));
    expect(missing.errInfo?.details.clausesNotSatisfied[0].details).toMatchObject({
      operatorName: '$gte',
      reason: 'field was missing',
    });
  });

  it('validationAction warn lets writes through; validationLevel off and moderate relax it', async () => {
    const rule = { validator: { qty: { $gte: 0 } } };
    await t.db.createCollection('warned', { ...rule, validationAction: 'warn' });
    await t.db.collection<AnyDoc>('warned').insertOne({ _id: 1, qty: -5 });
    expect(await t.db.collection('warned').countDocuments()).toBe(1);

    await t.db.createCollection('off', { ...rule, validationLevel: 'off' });
    await t.db.collection<AnyDoc>('off').insertOne({ _id: 1, qty: -5 });
    expect(await t.db.collection('off').countDocuments()).toBe(1);

    await t.db.createCollection('moderate', { ...rule, validationLevel: 'moderate' });
    const m = t.db.collection<AnyDoc>('moderate');
    await m.insertOne({ _id: 'legacy', qty: -1 }, { bypassDocumentValidation: true });
    await m.insertOne({ _id: 'good', qty: 1 });
    // An already invalid document may be updated (and stay invalid) under "moderate".
    await m.updateOne({ _id: 'legacy' }, { $set: { qty: -2 } });
    expect(await m.findOne({ _id: 'legacy' })).toEqual({ _id: 'legacy', qty: -2 });
    expect(await rejection(m.updateOne({ _id: 'good' }, { $set: { qty: -1 } }))).toMatchObject({ code: 121 });
    expect(await rejection(m.insertOne({ _id: 'new', qty: -1 }))).toMatchObject({ code: 121 });
  });

  it('bad validator options are refused at create', async () => {
    const level = await t.db
      .command({ create: 'bad1', validator: { a: 1 }, validationLevel: 'sometimes' })
      .catch((e: unknown) => e);
    expect(level).toMatchObject({ code: 2 });
    const op = await t.db
      .command({ create: 'bad2', validator: { a: { $frob: 1 } } })
      .catch((e: unknown) => e);
    expect(op).toMatchObject({ code: 2 });
    const names = (await t.db.listCollections().toArray()).map((x) => x.name);
    expect(names).not.toContain('bad1');
    expect(names).not.toContain('bad2');
  });

  it('$jsonSchema works as a query filter too', async () => {
    const c = t.db.collection<AnyDoc>('mixed');
    await c.insertMany([
      { _id: 1, n: new Int32(1) },
      { _id: 2, n: Long.fromNumber(2) },
      { _id: 3, n: 3.5 },
      { _id: 4, n: 'x' },
    ]);
    const q = (schema: object) =>
      c
        .find({ $jsonSchema: schema })
        .sort({ _id: 1 })
        .toArray()
        .then((d) => d.map((x) => x._id));
    expect(await q({ properties: { n: { bsonType: 'long' } } })).toEqual([2]);
    expect(await q({ properties: { n: { bsonType: 'number' } } })).toEqual([1, 2, 3]);
    expect(await q({ properties: { n: { type: 'number', minimum: 2 } } })).toEqual([2, 3]);
    expect(await q({ required: ['n'], properties: { n: { enum: ['x', 1] } } })).toEqual([1, 4]);
  });
});
