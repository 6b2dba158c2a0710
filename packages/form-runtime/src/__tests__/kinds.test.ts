import { describe, expect, it } from 'vitest';
import { valueKindOf } from '../index.js';

describe('valueKindOf', () => {
  it('gives formulas the kind of their result type: money and percentages are numbers', () => {
    const formula = (resultType: string) => ({ key: 'f', type: 'formula', expression: '1', resultType });
    expect(valueKindOf(formula('money'))).toEqual({ kind: 'number' });
    expect(valueKindOf(formula('percent'))).toEqual({ kind: 'number' });
    expect(valueKindOf(formula('number'))).toEqual({ kind: 'number' });
    expect(valueKindOf(formula('date'))).toEqual({ kind: 'date' });
    // Lists have no single value to compare or aggregate.
    expect(valueKindOf(formula('number[]'))).toEqual({ kind: 'opaque' });
  });

  it('gives a lookup the kind of the field it reads, and member fields their reference', () => {
    expect(valueKindOf({ key: 'l', type: 'lookup' }, { key: 'amount', type: 'money' })).toEqual({
      kind: 'number',
    });
    expect(valueKindOf({ key: 'l', type: 'lookup' })).toEqual({ kind: 'opaque' });
    expect(valueKindOf({ key: 'm', type: 'member' })).toEqual({ kind: 'id', refersTo: 'member' });
  });
});
