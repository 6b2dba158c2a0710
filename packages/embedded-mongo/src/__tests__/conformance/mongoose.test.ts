import { Decimal128, Double, Int32, Long } from 'mongodb';
import mongoose, { type Connection, Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

const userSchema = new Schema(
  {
    email: { type: String, required: true, unique: true },
    name: String,
    role: { type: String, default: 'member' },
    logins: { type: Number, default: 0 },
    labels: { type: [String], default: [] },
  },
  { timestamps: true },
);

const postSchema = new Schema({
  title: String,
  author: { type: Schema.Types.ObjectId, ref: 'User' },
  comments: [{ text: String, by: String }],
});

const typedSchema = new Schema({
  i32: Schema.Types.Int32,
  dbl: Schema.Types.Double,
  big: BigInt,
  dec: Schema.Types.Decimal128,
  when: Date,
  blob: Buffer,
  map: { type: Map, of: Number },
  nested: { deep: { n: Number } },
});

function models(conn: Connection) {
  return {
    User: conn.model('User', userSchema),
    Post: conn.model('Post', postSchema),
    Typed: conn.model('Typed', typedSchema),
  };
}

describe('conformance: mongoose', () => {
  let t: ConformanceTarget;
  let conn: Connection;
  let User: ReturnType<typeof models>['User'];
  let Post: ReturnType<typeof models>['Post'];
  let Typed: ReturnType<typeof models>['Typed'];

  beforeAll(async () => {
    t = await openTarget('mongoose');
    conn = await mongoose.createConnection(t.uri, { dbName: t.dbName }).asPromise();
    ({ User, Post, Typed } = models(conn));
    await User.init();
  });
  afterAll(async () => {
    await conn?.close();
    await t?.close();
  });

  it('creates documents with defaults and timestamps, and updates bump updatedAt', async () => {
    const user = await User.create({ email: 'ann@x.io', name: 'Ann' });
    expect(user.role).toBe('member');
    expect(user.createdAt).toBeInstanceOf(Date);
    const stored = await User.findById(user._id).lean();
    expect(stored).toMatchObject({ email: 'ann@x.io', role: 'member', logins: 0, labels: [], __v: 0 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await User.updateOne({ _id: user._id }, { $inc: { logins: 1 } });
    const after = await User.findById(user._id).lean();
    expect(after?.logins).toBe(1);
    expect(after?.updatedAt.getTime()).toBeGreaterThan(stored?.updatedAt.getTime() ?? 0);
    expect(after?.createdAt.getTime()).toBe(stored?.createdAt.getTime());
  });

  it('surfaces a duplicate key as MongoServerError 11000 with keyPattern and keyValue', async () => {
    await User.create({ email: 'dup@x.io' });
    const error = await User.create({ email: 'dup@x.io' }).catch((e: unknown) => e);
    // mongoose carries its own copy of the driver: check against its MongoServerError class.
    expect(error).toBeInstanceOf(mongoose.mongo.MongoServerError);
    expect(error).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'dup@x.io' } });
    expect((error as Error).message).toMatch(
      /E11000 duplicate key error collection: .*\.users index: email_1 dup key/,
    );
    const validation = await User.create({ name: 'no email' }).catch((e: unknown) => e);
    expect(validation).toBeInstanceOf(mongoose.Error.ValidationError);
  });

  it('syncIndexes lists and keeps the declared indexes', async () => {
    await User.syncIndexes();
    const indexes = await User.listIndexes();
    expect(indexes.map((i) => i.name).sort()).toEqual(['_id_', 'email_1']);
    expect(indexes.find((i) => i.name === 'email_1')?.unique).toBe(true);
  });

  it('save() with array edits versions the document and rejects a stale copy (VersionError)', async () => {
    const post = await Post.create({ title: 'p', comments: [{ text: 'a' }, { text: 'b' }, { text: 'c' }] });
    const first = await Post.findById(post._id).orFail();
    const second = await Post.findById(post._id).orFail();
    first.comments.pull(first.comments[0]!._id);
    first.comments.push({ text: 'd' });
    await first.save();
    expect((await Post.findById(post._id).lean())?.__v).toBe(1);
    second.comments[1]!.text = 'edited';
    const error = await second.save().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(mongoose.Error.VersionError);
    const stored = await Post.findById(post._id).lean();
    expect(stored?.comments.map((c) => c.text)).toEqual(['b', 'c', 'd']);
    const fresh = await Post.findById(post._id).orFail();
    fresh.title = 'renamed';
    await fresh.save();
    expect((await Post.findById(post._id).lean())?.title).toBe('renamed');
  });

  it('populate resolves references with one $in query', async () => {
    const author = await User.create({ email: 'author@x.io', name: 'Writer' });
    await Post.create([
      { title: 'one', author: author._id },
      { title: 'two', author: author._id },
    ]);
    const posts = await Post.find({ author: author._id })
      .sort({ title: 1 })
      .populate<{ author: { name: string } }>('author');
    expect(posts.map((p) => [p.title, p.author.name])).toEqual([
      ['one', 'Writer'],
      ['two', 'Writer'],
    ]);
  });

  it('countDocuments, estimatedDocumentCount, distinct, aggregate', async () => {
    await User.create([
      { email: 'c1@x.io', role: 'admin' },
      { email: 'c2@x.io', role: 'admin' },
    ]);
    expect(await User.countDocuments({ role: 'admin' })).toBe(2);
    expect(await User.estimatedDocumentCount()).toBeGreaterThanOrEqual(2);
    expect((await User.distinct('role')).sort()).toEqual(['admin', 'member']);
    const grouped = await User.aggregate<{ _id: string; n: number }>([
      { $group: { _id: '$role', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(grouped[0]).toEqual({ _id: 'admin', n: 2 });
  });

  it('findOneAndUpdate with upsert inserts defaults and returns the new document', async () => {
    const created = await User.findOneAndUpdate(
      { email: 'upsert@x.io' },
      { $set: { name: 'Up' }, $push: { labels: 'new' } },
      { upsert: true, new: true, setDefaultsOnInsert: true },
    ).lean();
    expect(created).toMatchObject({ email: 'upsert@x.io', name: 'Up', role: 'member', labels: ['new'] });
    expect(created?.createdAt).toBeInstanceOf(Date);
    const again = await User.findOneAndUpdate(
      { email: 'upsert@x.io' },
      { $set: { name: 'Again' } },
      { new: true },
    ).lean();
    expect(again?.name).toBe('Again');
    expect(again?.createdAt.getTime()).toBe(created?.createdAt.getTime());
    const gone = await User.findOneAndDelete({ email: 'upsert@x.io' }).lean();
    expect(gone?.name).toBe('Again');
  });

  it('round-trips Int32, Double, Long, Decimal128, Date, Buffer, Map and nested values', async () => {
    const doc = await Typed.create({
      i32: 7,
      dbl: 2,
      big: 9007199254740993n,
      dec: Decimal128.fromString('12.345'),
      when: new Date('2026-05-06T07:08:09.010Z'),
      blob: Buffer.from([1, 2, 3]),
      map: new Map([['a', 1]]),
      nested: { deep: { n: 4 } },
    });
    const raw = await t.db.collection('typeds').findOne({ _id: doc._id }, { promoteValues: false });
    expect(raw?.i32).toEqual(new Int32(7));
    expect(raw?.dbl).toEqual(new Double(2));
    expect(raw?.big).toEqual(Long.fromBigInt(9007199254740993n));
    const back = await Typed.findById(doc._id).orFail();
    expect(back.big).toBe(9007199254740993n);
    expect(back.dec?.toString()).toBe('12.345');
    expect(back.when?.toISOString()).toBe('2026-05-06T07:08:09.010Z');
    expect([...(back.blob ?? [])]).toEqual([1, 2, 3]);
    expect(back.map?.get('a')).toBe(1);
    expect(back.nested?.deep?.n).toBe(4);
  });

  it('streams a query through a cursor', async () => {
    const seen: string[] = [];
    for await (const user of User.find().sort({ email: 1 }).batchSize(2).cursor()) seen.push(user.email);
    expect(seen.length).toBe(await User.countDocuments());
    expect([...seen].sort()).toEqual(seen);
  });
});
