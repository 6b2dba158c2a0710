import { describe, expect, it } from 'vitest';
import { shapeReport } from '../shape.js';
import { compiled, widget } from './helpers.js';

/** Stand-ins for what the MongoDB driver hands back: ObjectId, Long, Decimal128. */
const objectId = (hex: string) => ({ toHexString: () => hex });
const long = (n: number) => ({ valueOf: () => BigInt(n) });
const decimal = (text: string) => ({ toString: () => text });

describe('shapeReport', () => {
  it('turns store values into JSON scalars: ids as hex, wrapped numbers as numbers, dates as ISO text', () => {
    const query = compiled(
      widget({
        type: 'table',
        dimensions: [{ field: '_owner' }],
        measures: [
          { key: 'a', aggregate: 'sum', field: 'amount' },
          { key: 'b', aggregate: 'sum', field: 'amount' },
          { key: 'c', aggregate: 'max', field: '_createdAt' },
          { key: 'd', aggregate: 'avg', field: 'amount' },
        ],
      }),
    );
    const result = shapeReport(query.plan, [
      {
        _id: objectId('0123456789abcdef01234567'),
        m0: long(7),
        m1: decimal('12.50'),
        m2: new Date(0),
        m3: 0,
        m3n: 0,
      },
      { _id: null, m0: 10n, m1: undefined, m2: new Date(Number.NaN), m3: 3, m3n: long(2) },
    ]);
    // Rows come sorted by the dimension: null first, as MongoDB sorts.
    expect(result.rows).toEqual([
      { _owner: null, a: 10, b: null, c: null, d: 1.5 },
      { _owner: '0123456789abcdef01234567', a: 7, b: 12.5, c: '1970-01-01T00:00:00.000Z', d: null },
    ]);
  });

  it('keeps at most the limit and says so', () => {
    const query = compiled(widget({ type: 'bar', dimensions: [{ field: 'region' }], limit: 2 }));
    const docs = ['a', 'b', 'c'].map((_id) => ({ _id, m0: 1 }));
    const result = shapeReport(query.plan, docs);
    expect(result.rows.map((row) => row.region)).toEqual(['a', 'b']);
    expect(result.meta).toMatchObject({ rowCount: 2, truncated: true });
    expect(shapeReport(query.plan, docs.slice(0, 2)).meta.truncated).toBe(false);
  });
});
