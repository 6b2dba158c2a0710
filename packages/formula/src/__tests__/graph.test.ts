import { describe, expect, it } from 'vitest';
import { buildDependencyGraph, compile, explain, FormulaError, inferFieldTypes } from '../index.js';

describe('buildDependencyGraph', () => {
  it('orders computed fields after the fields they read', () => {
    const fields = {
      'items.qty': 'number[]',
      'items.unitPrice': 'money[]',
      'items.lineTotal': 'money[]',
      total: 'money',
      tax: 'money',
      payable: 'money',
    } as const;
    const formulas = {
      payable: 'total + tax',
      tax: 'ROUND(total * 0.06, 2)',
      total: 'SUM(items.lineTotal)',
      'items.lineTotal': 'items.qty',
    };
    const refs = Object.fromEntries(Object.entries(formulas).map(([k, f]) => [k, compile(f, fields).refs]));
    expect(buildDependencyGraph(refs)).toEqual(['items.lineTotal', 'total', 'tax', 'payable']);
  });

  it('keeps the input order for independent fields and ignores plain fields', () => {
    expect(buildDependencyGraph({ b: ['x'], a: [], c: ['y', 'a'] })).toEqual(['b', 'a', 'c']);
  });

  it('reports a cycle with its path', () => {
    let error: unknown;
    try {
      buildDependencyGraph({ a: ['b'], b: ['c'], c: ['a'], d: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormulaError);
    expect((error as FormulaError).code).toBe('CIRCULAR_REFERENCE');
    expect((error as FormulaError).params.cycle).toEqual(['a', 'b', 'c', 'a']);
  });

  it('reports a field that reads itself', () => {
    expect(() => buildDependencyGraph({ a: ['a'] })).toThrow(FormulaError);
  });

  it('handles long chains without recursion', () => {
    const chain: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) chain[`f${i}`] = i === 0 ? [] : [`f${i - 1}`];
    const order = buildDependencyGraph(chain);
    expect(order[0]).toBe('f0');
    expect(order[order.length - 1]).toBe('f19999');
  });
});

describe('explain', () => {
  it('traces every sub-expression, children first', () => {
    const e = explain('ROUND(price * qty, 1) & " units"', { price: 1.25, qty: 3 });
    expect(e.value).toBe('3.8 units');
    expect(e.steps.map((s) => [s.text, s.value])).toEqual([
      ['price', 1.25],
      ['qty', 3],
      ['price * qty', 3.75],
      ['1', 1],
      ['ROUND(price * qty, 1)', 3.8],
      ['" units"', ' units'],
      ['ROUND(price * qty, 1) & " units"', '3.8 units'],
    ]);
  });

  it('infers field types from the record, including subforms and relations', () => {
    expect(inferFieldTypes({ a: 1, d: '2026-01-01', items: [{ x: 1 }], c: { r: 'E' }, tags: ['a'] })).toEqual(
      {
        a: 'number',
        d: 'date',
        'items.x': 'number[]',
        'c.r': 'text',
        tags: 'text[]',
      },
    );
    expect(explain('SUM(items.x) + 1', { items: [{ x: 1 }, { x: 2 }] }).value).toBe(4);
  });

  it('shows only the branch IF took', () => {
    const e = explain('IF(x > 0, 10 / x, 0)', { x: 0 });
    expect(e.value).toBe(0);
    expect(e.steps.some((s) => s.text === '10 / x')).toBe(false);
  });
});
