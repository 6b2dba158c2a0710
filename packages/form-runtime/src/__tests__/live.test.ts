import { describe, expect, it } from 'vitest';
import { LiveForm } from '../live.js';
import { directoryOf, type FormDefinition } from '../types.js';

const label = (en: string) => ({ en });

/** A quote: lines with a computed line total, a form total over the lines, and a visibility rule. */
function quote(): FormDefinition {
  return {
    key: 'quotes',
    name: label('Quotes'),
    fields: [
      { key: 'customer', type: 'text', label: label('Customer') },
      { key: 'rate', type: 'percent', label: label('Extra discount') },
      {
        key: 'items',
        type: 'subform',
        label: label('Items'),
        columns: [
          { key: 'product', type: 'text', label: label('Product') },
          { key: 'qty', type: 'number', label: label('Qty') },
          { key: 'unitPrice', type: 'money', currency: 'CNY', label: label('Unit price') },
          { key: 'discount', type: 'percent', label: label('Discount') },
          {
            key: 'lineTotal',
            type: 'formula',
            label: label('Line total'),
            expression: 'qty * unitPrice * (1 - discount) * (1 - rate)',
            resultType: 'number',
            precision: 2,
          },
        ],
      },
      {
        key: 'total',
        type: 'formula',
        label: label('Total'),
        expression: 'SUM(items.lineTotal)',
        resultType: 'number',
      },
      {
        key: 'maxDiscount',
        type: 'formula',
        label: label('Max'),
        expression: 'MAX(items.discount)',
        resultType: 'number',
      },
      {
        key: 'doubled',
        type: 'formula',
        label: label('Doubled'),
        expression: 'total * 2',
        resultType: 'number',
      },
      {
        key: 'reason',
        type: 'text',
        label: label('Reason'),
        required: true,
        visibleWhen: 'maxDiscount > 0.15',
      },
    ],
  };
}

function live(definition = quote()): LiveForm {
  return new LiveForm(definition, { directory: directoryOf([{ key: definition.key, definition }]) });
}

/** Counts evaluations of a computed field's formula. */
function countCalls(form: LiveForm, key: string): { count: number } {
  const program = form.formulaOf(key);
  if (!program) throw new Error(`no formula ${key}`);
  const counter = { count: 0 };
  const evaluate = program.evaluate.bind(program);
  program.evaluate = (scope, now) => {
    counter.count += 1;
    return evaluate(scope, now);
  };
  return counter;
}

describe('LiveForm', () => {
  it('computes line totals and the total as a cell changes, and reports what changed', () => {
    const form = live();
    let data = form.computeAll({
      rate: 0,
      items: [
        { product: 'A', qty: 2, unitPrice: 100, discount: 0 },
        { product: 'B', qty: 1, unitPrice: 50, discount: 0.1 },
      ],
    });
    expect((data.items as Array<{ lineTotal: number }>).map((r) => r.lineTotal)).toEqual([200, 45]);
    expect(data.total).toBe(245);
    expect(data.doubled).toBe(490);
    const rowB = (data.items as object[])[1];
    const change = form.setCell(data, 'items', 0, 'qty', 3);
    data = change.data;
    expect((data.items as Array<{ lineTotal: number }>)[0]?.lineTotal).toBe(300);
    expect(data.total).toBe(345);
    expect(data.doubled).toBe(690);
    expect([...change.changed].sort()).toEqual(['doubled', 'items', 'total']);
    // The other row is the same object: a list of 2,000 rows repaints one.
    expect((data.items as object[])[1]).toBe(rowB);
  });

  it('recomputes only formulas that read the changed value', () => {
    const form = live();
    const data = form.computeAll({ rate: 0, items: [{ qty: 1, unitPrice: 10, discount: 0 }] });
    const total = countCalls(form, 'total');
    const line = countCalls(form, 'items.lineTotal');
    const change = form.set(data, 'customer', 'ACME');
    expect(total.count).toBe(0);
    expect(line.count).toBe(0);
    expect([...change.changed]).toEqual(['customer']);
    expect(change.data.total).toBe(data.total);
    // A cell recomputes its own row once and the total once, however many rows there are.
    const many = form.computeAll({
      rate: 0,
      items: Array.from({ length: 2000 }, (_, i) => ({ qty: 1, unitPrice: i, discount: 0 })),
    });
    total.count = 0;
    line.count = 0;
    const edited = form.setCell(many, 'items', 1500, 'qty', 2);
    expect(line.count).toBe(1);
    expect(total.count).toBe(1);
    expect(edited.data.total).toBe((many.total as number) + 1500);
  });

  it('recomputes every row when an outer value their formulas read changes', () => {
    const form = live();
    const data = form.computeAll({
      rate: 0,
      items: [
        { qty: 1, unitPrice: 100, discount: 0 },
        { qty: 2, unitPrice: 100, discount: 0 },
      ],
    });
    const change = form.set(data, 'rate', 0.5);
    expect((change.data.items as Array<{ lineTotal: number }>).map((r) => r.lineTotal)).toEqual([50, 100]);
    expect(change.data.total).toBe(150);
    expect(change.changed.has('items')).toBe(true);
  });

  it('computes rows added to a subform', () => {
    const form = live();
    const data = form.computeAll({ rate: 0, items: [] });
    expect(data.total).toBe(0);
    const change = form.setRows(data, 'items', [{ qty: 4, unitPrice: 25, discount: 0 }]);
    expect((change.data.items as Array<{ lineTotal: number }>)[0]?.lineTotal).toBe(100);
    expect(change.data.total).toBe(100);
  });

  it('hides fields whose visibility rule is false, and shows them when it turns true', () => {
    const form = live();
    const low = form.computeAll({ rate: 0, items: [{ qty: 1, unitPrice: 1, discount: 0.1 }] });
    expect(form.hiddenFields(low).has('reason')).toBe(true);
    const high = form.setCell(low, 'items', 0, 'discount', 0.2).data;
    expect(form.hiddenFields(high).has('reason')).toBe(false);
  });

  it('shows no value for a formula that fails on these values, like the server', () => {
    const definition: FormDefinition = {
      key: 'ratio',
      name: label('Ratio'),
      fields: [
        { key: 'a', type: 'number', label: label('A') },
        { key: 'b', type: 'number', label: label('B') },
        { key: 'q', type: 'formula', label: label('Q'), expression: 'a / b', resultType: 'number' },
      ],
    };
    const form = live(definition);
    expect(form.computeAll({ a: 1, b: 0 }).q).toBeNull();
    expect(form.set({ a: 1, b: 0 }, 'b', 4).data.q).toBe(0.25);
  });

  it('explains a computed value step by step', () => {
    const form = live();
    const data = form.computeAll({ rate: 0, items: [{ qty: 2, unitPrice: 10, discount: 0 }] });
    const explanation = form.formulaOf('doubled')?.explain(data, new Date());
    expect(explanation?.value).toBe(40);
    expect(explanation?.steps.map((s) => s.text)).toEqual(['total', '2', 'total * 2']);
  });
});
