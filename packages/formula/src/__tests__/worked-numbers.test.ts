import { describe, expect, it } from 'vitest';
import { compile } from '../index.js';

// The sales template's worked numbers (SALES-TEMPLATE.md) written as formulas on generic fields.
describe('template worked numbers as formulas', () => {
  it('scorecard: linear capped scores, weighted total 104, grade A, coefficient 1.2', () => {
    const fields = { actual: 'number', target: 'number', cap: 'number' } as const;
    const score = compile('MIN(ROUND(actual / target * 100, 2), cap)', fields);
    const revenue = score.evaluate({ actual: 1_150_000, target: 1_000_000, cap: 120 });
    const collections = score.evaluate({ actual: 600_000, target: 800_000, cap: 120 });
    const visits = score.evaluate({ actual: 50, target: 40, cap: 120 });
    expect([revenue, collections, visits]).toEqual([115, 75, 120]);

    const totals = { r: 'number', c: 'number', v: 'number', total: 'number' } as const;
    const total = compile('ROUND(0.5 * r + 0.3 * c + 0.2 * v, 2)', totals).evaluate({
      r: revenue,
      c: collections,
      v: visits,
    });
    expect(total).toBe(104);
    const grade = compile(
      'IFS(total >= 110, "S", total >= 100, "A", total >= 85, "B", total >= 70, "C", TRUE, "D")',
      totals,
    );
    expect(grade.evaluate({ total })).toBe('A');
    const coefficient = compile('SWITCH(g, "S", 1.5, "A", 1.2, "B", 1, "C", 0.8, 0)', { g: 'text' });
    expect(coefficient.evaluate({ g: 'A' })).toBe(1.2);
  });

  it('pacing: day 12 of a 30-day month, 100,000 of 300,000 → expected 120,000, pace 83.3%, forecast 250,000', () => {
    const fields = { target: 'money', actual: 'money', asOf: 'date' } as const;
    const scope = { target: 300_000, actual: 100_000, asOf: '2026-04-12' };
    const expected = compile('target * DAY(asOf) / DAY(EOMONTH(asOf, 0))', fields).evaluate(scope);
    expect(expected).toBe(120_000);
    const pace = compile('ROUND(actual / (target * DAY(asOf) / DAY(EOMONTH(asOf, 0))), 3)', fields).evaluate(
      scope,
    );
    expect(pace).toBe(0.833);
    const forecast = compile('actual / DAY(asOf) * DAY(EOMONTH(asOf, 0))', fields, { resultKind: 'money' });
    expect(forecast.evaluate(scope)).toBe(250_000);
    expect(compile('pace < 0.9', { pace: 'percent' }).evaluate({ pace })).toBe(true);
  });

  it('leaderboard ties: 500, 400, 400, 300 → 1, 2, 2, 4', () => {
    const f = compile('RANK(revenue, all)', { revenue: 'money', all: 'money[]' });
    const all = [500, 400, 400, 300];
    expect(all.map((revenue) => f.evaluate({ revenue, all }))).toEqual([1, 2, 2, 4]);
  });

  it('quote lines: lineTotal per row, total = SUM(items.lineTotal), maxDiscount = MAX(items.discount)', () => {
    const line = compile(
      'qty * unitPrice * (1 - discount)',
      { qty: 'number', unitPrice: 'money', discount: 'percent' },
      { resultKind: 'money' },
    );
    const rows = [
      { qty: 3, unitPrice: 19.99, discount: 0.1 },
      { qty: 1, unitPrice: 1000, discount: 0.2 },
    ].map((row) => ({ ...row, lineTotal: line.evaluate(row) }));
    expect(rows.map((r) => r.lineTotal)).toEqual([53.97, 800]);
    const fields = { 'items.lineTotal': 'money[]', 'items.discount': 'percent[]' } as const;
    expect(compile('SUM(items.lineTotal)', fields, { resultKind: 'money' }).evaluate({ items: rows })).toBe(
      853.97,
    );
    expect(compile('MAX(items.discount)', fields).evaluate({ items: rows })).toBe(0.2);
  });
});
