import { describe, expect, it } from 'vitest';
import { accept, sampleFor, scopeFrom, suggest, wordAt } from './formula-suggest';

describe('formula autocomplete', () => {
  const fields = { amount: 'money', 'items.qty': 'number[]', 'items.price': 'money[]' } as const;
  const labels = new Map([
    ['amount', 'Amount'],
    ['items.qty', 'Items / Qty'],
  ]);

  it('finds the word at the caret, not inside a string literal', () => {
    expect(wordAt('SUM(items.q', 11)).toEqual({ start: 4, word: 'items.q' });
    expect(wordAt('"su', 3)).toEqual({ start: 3, word: '' });
    expect(wordAt('amount + ', 9)).toEqual({ start: 9, word: '' });
  });

  it('suggests fields by key or label, then registry functions with their syntax', () => {
    const found = suggest('su', fields, labels);
    expect(found[0]).toMatchObject({ kind: 'function', name: 'SUM', syntax: 'SUM(number1, [number2], ...)' });
    expect(suggest('items.', fields, labels).map((s) => s.name)).toEqual(['items.qty', 'items.price']);
    expect(suggest('Amo', fields, labels)[0]).toMatchObject({ kind: 'field', name: 'amount' });
  });

  it('accepting a function opens its parenthesis and puts the caret after it', () => {
    const s = suggest('su', fields, labels)[0];
    if (!s) throw new Error('no suggestion');
    expect(accept('su + 1', 0, 2, s)).toEqual({ text: 'SUM( + 1', caret: 4 });
  });

  it('builds subform rows and related records from samples', () => {
    expect(scopeFrom({ 'items.qty': [1, 2], 'items.price': [3, 4], amount: 5 }, fields)).toEqual({
      items: [
        { qty: 1, price: 3 },
        { qty: 2, price: 4 },
      ],
      amount: 5,
    });
    expect(sampleFor('number[]')).toEqual([10, 20]);
  });
});
