import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateUnits, DistributionError, distributeAmount } from '../index.js';

const units = (values: readonly number[], precision: number) =>
  values.reduce((sum, v) => sum + Math.round(Number(`${v}e${precision}`)), 0);

describe('distributeAmount (SALES-TEMPLATE worked numbers)', () => {
  it('equal: 10,000,000 over three gives 3,333,334 / 3,333,333 / 3,333,333 (the tie goes to the earlier)', () => {
    expect(distributeAmount({ total: 10_000_000, count: 3, method: 'equal' })).toEqual([
      3_333_334, 3_333_333, 3_333_333,
    ]);
  });

  it('by history 4.2M / 2.8M / 2.0M: 4,666,667 / 3,111,111 / 2,222,222', () => {
    const parts = distributeAmount({
      total: 10_000_000,
      count: 3,
      method: 'weights',
      weights: [4_200_000, 2_800_000, 2_000_000],
    });
    expect(parts).toEqual([4_666_667, 3_111_111, 2_222_222]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(10_000_000);
  });

  it('manual keeps fixed parts and spreads the rest alike', () => {
    expect(
      distributeAmount({ total: 100, count: 4, method: 'manual', fixed: [40, null, null, null] }),
    ).toEqual([40, 20, 20, 20]);
    expect(distributeAmount({ total: 10, count: 3, method: 'manual', fixed: [null, 3, null] })).toEqual([
      4, 3, 3,
    ]);
  });

  it('manual refuses kept values above the total, and a rest with nobody to take it', () => {
    expect(() => distributeAmount({ total: 10, count: 2, method: 'manual', fixed: [11, null] })).toThrow(
      DistributionError,
    );
    expect(() => distributeAmount({ total: 10, count: 2, method: 'manual', fixed: [4, 5] })).toThrow(
      /no part is left/,
    );
  });

  it('works in units of the precision: 100.00 over three at 2 decimals', () => {
    expect(distributeAmount({ total: 100, count: 3, method: 'equal', precision: 2 })).toEqual([
      33.34, 33.33, 33.33,
    ]);
  });

  it('all-zero weights split alike; negative weights are refused', () => {
    expect(distributeAmount({ total: 5, count: 2, method: 'weights', weights: [0, 0] })).toEqual([3, 2]);
    expect(() => distributeAmount({ total: 5, count: 2, method: 'weights', weights: [1, -1] })).toThrow(
      DistributionError,
    );
  });

  it('is exact where doubles are not: 0.1 + 0.2 weights', () => {
    expect(allocateUnits(3n, [0.1, 0.2])).toEqual([1n, 2n]);
    expect(allocateUnits(-7n, [1, 1])).toEqual([-4n, -3n]);
  });
});

describe('distributeAmount properties', () => {
  const precision = fc.integer({ min: 0, max: 4 });

  it('parts always add up to the total, for any amount, count and weights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        precision,
        fc.array(fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.nat(1000)), {
          minLength: 1,
          maxLength: 40,
        }),
        (amountUnits, p, weights) => {
          const total = Number(`${amountUnits}e-${p}`);
          const parts = distributeAmount({
            total,
            count: weights.length,
            method: 'weights',
            weights,
            precision: p,
          });
          expect(parts).toHaveLength(weights.length);
          expect(units(parts, p)).toBe(amountUnits);
          // Whole units only, and no part further than one unit from its exact quota.
          const sum = weights.reduce((a, b) => a + b, 0);
          parts.forEach((part, i) => {
            const u = Math.round(Number(`${part}e${p}`));
            expect(Number(`${u}e-${p}`)).toBe(part);
            const quota = sum === 0 ? amountUnits / weights.length : (amountUnits * (weights[i] ?? 0)) / sum;
            expect(Math.abs(u - quota)).toBeLessThanOrEqual(1 + Math.abs(quota) * 1e-9);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equal and manual parts add up to the total too', () => {
    fc.assert(
      fc.property(
        fc.nat(1e12),
        precision,
        fc.array(fc.option(fc.nat(1000), { nil: null }), { minLength: 1, maxLength: 30 }),
        (amountUnits, p, fixedUnits) => {
          const total = Number(`${amountUnits}e-${p}`);
          const equal = distributeAmount({ total, count: fixedUnits.length, method: 'equal', precision: p });
          expect(units(equal, p)).toBe(amountUnits);
          const equalUnits = equal.map((v) => Math.round(Number(`${v}e${p}`)));
          expect(Math.max(...equalUnits) - Math.min(...equalUnits)).toBeLessThanOrEqual(1);
          const keptSum = fixedUnits.reduce<number>((a, v) => a + (v ?? 0), 0);
          const hasOpen = fixedUnits.some((v) => v === null);
          if (keptSum > amountUnits || !hasOpen) return;
          const fixed = fixedUnits.map((v) => (v === null ? null : Number(`${v}e-${p}`)));
          const manual = distributeAmount({
            total,
            count: fixed.length,
            method: 'manual',
            fixed,
            precision: p,
          });
          expect(units(manual, p)).toBe(amountUnits);
          fixed.forEach((v, i) => {
            if (v !== null) expect(manual[i]).toBe(v);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
