import { describe, expect, it } from 'vitest';
import { compile, explain, tieredBreakdown } from '../index.js';
import { failure, run } from './helpers.js';

// SALES-TEMPLATE worked numbers: attainment bands 0–50% 2%, 50–100% 5%, above 100% 8%.
const fields = {
  credited: 'money',
  quota: 'money',
  'plan.tiers.from': 'percent[]',
  'plan.tiers.rate': 'percent[]',
} as const;
const bands = '[0, 0.5, 1], [0.02, 0.05, 0.08]';

describe('TIERED', () => {
  it('graduated: 1,300,000 on quota 1,000,000 pays 59,000', () => {
    const f = compile(`TIERED(credited, ${bands}, "graduated", 0, quota)`, fields, { resultKind: 'money' });
    expect(f.evaluate({ credited: 1_300_000, quota: 1_000_000 })).toBe(59_000);
  });

  it('retroactive: the same plan pays 1,300,000 × 8% = 104,000', () => {
    const f = compile(`TIERED(credited, ${bands}, "retroactive", 0, quota)`, fields, { resultKind: 'money' });
    expect(f.evaluate({ credited: 1_300_000, quota: 1_000_000 })).toBe(104_000);
  });

  it('cap at 150%: 1,800,000 pays on 1,500,000 → 75,000 graduated, 120,000 retroactive', () => {
    const scope = { credited: 1_800_000, quota: 1_000_000 };
    expect(compile(`TIERED(credited, ${bands}, "graduated", 1.5, quota)`, fields).evaluate(scope)).toBe(
      75_000,
    );
    expect(compile(`TIERED(credited, ${bands}, "retroactive", 1.5, quota)`, fields).evaluate(scope)).toBe(
      120_000,
    );
    // Without the cap the same value pays 10,000 + 25,000 + 800,000 × 8%.
    expect(compile(`TIERED(credited, ${bands}, "graduated", 0, quota)`, fields).evaluate(scope)).toBe(99_000);
  });

  it('reads the tier table from a related plan subform', () => {
    const scope = {
      credited: 1_300_000,
      quota: 1_000_000,
      plan: {
        tiers: [
          { from: 0, rate: 0.02 },
          { from: 0.5, rate: 0.05 },
          { from: 1, rate: 0.08 },
        ],
      },
    };
    const f = compile('TIERED(credited, plan.tiers.from, plan.tiers.rate, "graduated", 0, quota)', fields);
    expect(f.evaluate(scope)).toBe(59_000);
  });

  it('thresholds in value units without a base; bounds stay in the lower tier', () => {
    expect(run('TIERED(1000000, [0, 500000, 1000000], [0.02, 0.05, 0.08], "retroactive")')).toBe(50_000);
    expect(run('TIERED(1000001, [0, 500000, 1000000], [0.02, 0.05, 0.08], "retroactive")')).toBeCloseTo(
      80_000.08,
      6,
    );
    expect(run('TIERED(0, [0, 10], [0.1, 0.2], "retroactive")')).toBe(0);
    expect(run('TIERED(-5, [0, 10], [0.1, 0.2], "graduated")')).toBe(0);
    expect(run('TIERED(15, [0, 10], [0.1, 0.2], "GRADUATED")')).toBe(2);
  });

  it('rejects malformed tables and modes', () => {
    expect(failure('TIERED(1, [0, 1], [0.1], "graduated")')).toBe('INVALID_ARGUMENT');
    expect(failure('TIERED(1, [1, 0], [0.1, 0.2], "graduated")')).toBe('INVALID_ARGUMENT');
    expect(failure('TIERED(1, [0], [0.1], "flat")')).toBe('INVALID_ARGUMENT');
  });

  it('breakdown lists each tier slice and amount', () => {
    const b = tieredBreakdown({
      value: 1_300_000,
      thresholds: [0, 500_000, 1_000_000],
      rates: [0.02, 0.05, 0.08],
      mode: 'graduated',
    });
    expect(b.tiers.map((t) => [t.slice, t.amount])).toEqual([
      [500_000, 10_000],
      [500_000, 25_000],
      [300_000, 24_000],
    ]);
    expect(b.total).toBe(59_000);
  });

  it('explain shows the tiers of a TIERED call', () => {
    const e = explain(`TIERED(credited, ${bands}, "graduated", 1.5, quota)`, {
      credited: 1_800_000,
      quota: 1_000_000,
    });
    expect(e.value).toBe(75_000);
    const last = e.steps[e.steps.length - 1];
    expect(last?.text.startsWith('TIERED(')).toBe(true);
    expect(last?.detail).toMatchObject({
      capped: true,
      value: 1_500_000,
      tiers: [
        { from: 0, to: 500_000, slice: 500_000, amount: 10_000 },
        { from: 500_000, to: 1_000_000, slice: 500_000, amount: 25_000 },
        { from: 1_000_000, to: null, slice: 500_000, amount: 40_000 },
      ],
    });
  });
});
