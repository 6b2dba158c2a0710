import { MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type AnyDoc, type ConformanceTarget, openTarget } from './harness.js';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

const point = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });

/** Customers around the Bund, Shanghai (121.49, 31.24); distances are roughly east-west. */
const customers = [
  { _id: 'bund', name: 'Bund', loc: point(121.4903, 31.2397) },
  { _id: 'near', name: 'Nanjing Rd', loc: point(121.4737, 31.2349) },
  { _id: 'pudong', name: 'Lujiazui', loc: point(121.5057, 31.2397) },
  { _id: 'far', name: 'Hongqiao', loc: point(121.3198, 31.1943) },
  { _id: 'beijing', name: 'Beijing', loc: point(116.4074, 39.9042) },
];

describe('conformance: geospatial queries', () => {
  let t: ConformanceTarget;
  beforeAll(async () => {
    t = await openTarget('geo');
    const c = t.db.collection<AnyDoc>('customers');
    await c.insertMany(customers);
    await c.createIndex({ loc: '2dsphere' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const coll = () => t.db.collection<AnyDoc>('customers');
  const ids = (docs: AnyDoc[]) => docs.map((d) => d._id);

  it('$near returns customers nearest first, within $maxDistance meters', async () => {
    const near = await coll()
      .find({ loc: { $near: { $geometry: point(121.49, 31.24), $maxDistance: 5000 } } })
      .toArray();
    expect(ids(near)).toEqual(['bund', 'pudong', 'near']);
    const ring = await coll()
      .find({ loc: { $near: { $geometry: point(121.49, 31.24), $minDistance: 1000, $maxDistance: 20_000 } } })
      .toArray();
    expect(ids(ring)).toEqual(['pudong', 'near', 'far']);
    const sphere = await coll()
      .find({ loc: { $nearSphere: { $geometry: point(121.49, 31.24), $maxDistance: 1580 } } })
      .toArray();
    expect(ids(sphere)).toEqual(['bund', 'pudong']);
  });

  it('$geoNear computes distances (meters) and takes a query', async () => {
    const rows = await coll()
      .aggregate([
        {
          $geoNear: {
            near: point(121.49, 31.24),
            distanceField: 'dist.m',
            maxDistance: 30_000,
            query: { _id: { $ne: 'bund' } },
            includeLocs: 'dist.loc',
          },
        },
        { $project: { name: 1, dist: 1 } },
      ])
      .toArray();
    expect(ids(rows)).toEqual(['pudong', 'near', 'far']);
    // Lujiazui is ~1.5 km east of the point, Hongqiao ~17 km west.
    expect(rows[0]?.dist.m).toBeGreaterThan(1400);
    expect(rows[0]?.dist.m).toBeLessThan(1600);
    expect(rows[2]?.dist.m).toBeGreaterThan(16_000);
    expect(rows[2]?.dist.m).toBeLessThan(18_500);
    expect(rows[0]?.dist.loc).toEqual(point(121.5057, 31.2397));
    const km = await coll()
      .aggregate([
        { $geoNear: { near: point(121.49, 31.24), distanceField: 'km', distanceMultiplier: 0.001 } },
        { $limit: 5 },
      ])
      .toArray();
    expect(km[4]?._id).toBe('beijing');
    expect(km[4]?.km).toBeGreaterThan(1000);
    expect(km[4]?.km).toBeLessThan(1100);
  });

  it('$geoWithin: $centerSphere and a GeoJSON polygon', async () => {
    const radiusKm = 5;
    const sphere = await coll()
      .find({ loc: { $geoWithin: { $centerSphere: [[121.49, 31.24], radiusKm / 6378.1] } } })
      .sort({ _id: 1 })
      .toArray();
    expect(ids(sphere)).toEqual(['bund', 'near', 'pudong']);
    const shanghai = {
      type: 'Polygon',
      coordinates: [
        [
          [121.3, 31.1],
          [121.6, 31.1],
          [121.6, 31.3],
          [121.3, 31.3],
          [121.3, 31.1],
        ],
      ],
    };
    const inPolygon = await coll()
      .find({ loc: { $geoWithin: { $geometry: shanghai } } })
      .sort({ _id: 1 })
      .toArray();
    expect(ids(inPolygon)).toEqual(['bund', 'far', 'near', 'pudong']);
  });

  it('$geoIntersects with points and polygons', async () => {
    const zones = t.db.collection<AnyDoc>('zones');
    await zones.insertMany([
      {
        _id: 'east',
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [121.5, 31.2],
              [121.6, 31.2],
              [121.6, 31.3],
              [121.5, 31.3],
              [121.5, 31.2],
            ],
          ],
        },
      },
      {
        _id: 'west',
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [121.3, 31.1],
              [121.4, 31.1],
              [121.4, 31.2],
              [121.3, 31.2],
              [121.3, 31.1],
            ],
          ],
        },
      },
    ]);
    await zones.createIndex({ area: '2dsphere' });
    const hit = await zones
      .find({ area: { $geoIntersects: { $geometry: point(121.5057, 31.2397) } } })
      .toArray();
    expect(ids(hit)).toEqual(['east']);
    const line = {
      type: 'LineString',
      coordinates: [
        [121.35, 31.15],
        [121.55, 31.25],
      ],
    };
    const both = await zones
      .find({ area: { $geoIntersects: { $geometry: line } } })
      .sort({ _id: 1 })
      .toArray();
    expect(ids(both)).toEqual(['east', 'west']);
  });

  it('legacy pairs with a 2d index: flat $near, $center, $box, $polygon', async () => {
    const grid = t.db.collection<AnyDoc>('grid');
    await grid.insertMany([
      { _id: 1, xy: [0, 0] },
      { _id: 2, xy: [3, 4] },
      { _id: 3, xy: [10, 10] },
    ]);
    await grid.createIndex({ xy: '2d' });
    expect(ids(await grid.find({ xy: { $near: [1, 1] } }).toArray())).toEqual([1, 2, 3]);
    expect(ids(await grid.find({ xy: { $near: [3, 3], $maxDistance: 5 } }).toArray())).toEqual([2, 1]);
    const within = async (shape: object) =>
      ids(
        await grid
          .find({ xy: { $geoWithin: shape } })
          .sort({ _id: 1 })
          .toArray(),
      );
    expect(await within({ $center: [[0, 0], 5.5] })).toEqual([1, 2]);
    expect(
      await within({
        $box: [
          [-1, -1],
          [4, 4.5],
        ],
      }),
    ).toEqual([1, 2]);
    expect(
      await within({
        $box: [
          [2, 2],
          [11, 11],
        ],
      }),
    ).toEqual([2, 3]);
    expect(
      await within({
        $polygon: [
          [-1, -1],
          [5, -1],
          [5, 5],
          [-1, 5],
        ],
      }),
    ).toEqual([1, 2]);
  });

  it('$near needs a geo index; a 2dsphere index refuses invalid locations', async () => {
    const plain = t.db.collection<AnyDoc>('plainloc');
    await plain.insertOne({ _id: 1, loc: point(1, 1) });
    const noIndex = await plain
      .find({ loc: { $near: { $geometry: point(1, 1) } } })
      .toArray()
      .catch((e: unknown) => e);
    expect(noIndex).toBeInstanceOf(MongoServerError);
    expect(noIndex).toMatchObject({ code: 291 });
    expect((noIndex as MongoServerError).message).toContain('unable to find index for $geoNear query');
    const bad = await coll()
      .insertOne({ _id: 'bad', loc: point(200, 10) })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 16755 });
    const notPoint = await coll()
      .insertOne({ _id: 'bad2', loc: { type: 'Point', coordinates: 'x' } })
      .catch((e: unknown) => e);
    expect(notPoint).toMatchObject({ code: 16755 });
    expect(await coll().countDocuments()).toBe(5);
  });
});
