import { describe, expect, it } from 'vitest';
import { derivedAccess, type FieldGrant } from '../derived-access.js';
import { appInputs, fieldInputs } from '../field-inputs.js';
import { directoryOf, type FormDefinition } from '../types.js';

const label = (en: string) => ({ en });
const formula = (key: string, expression: string) => ({
  key,
  type: 'formula',
  label: label(key),
  expression,
  resultType: 'number',
});
const number = (key: string) => ({ key, type: 'number', label: label(key) });

const customers: FormDefinition = {
  key: 'customers',
  name: label('Customers'),
  fields: [{ key: 'name', type: 'text', label: label('Name') }, number('limit')],
};
const deals: FormDefinition = {
  key: 'deals',
  name: label('Deals'),
  fields: [
    number('amount'),
    number('margin'),
    formula('marginx2', 'margin * 2'),
    formula('marginx4', 'marginx2 * 2'),
    formula('payable', 'amount * 0.1 + margin'),
    formula('big', 'IF(amount > 100, 1, 0)'),
    { key: 'customer', type: 'relation', label: label('C'), form: 'customers' },
    { key: 'customerName', type: 'lookup', label: label('CN'), relation: 'customer', field: 'name' },
    { key: 'customerLimit', type: 'lookup', label: label('CL'), relation: 'customer', field: 'limit' },
    formula('nameLength', 'LEN(customerName)'),
    { key: 'guess', type: 'number', label: label('G'), default: { formula: 'margin + 1' } },
    {
      key: 'items',
      type: 'subform',
      label: label('Items'),
      columns: [
        number('qty'),
        number('cost'),
        formula('line', 'qty * cost'),
        formula('share', 'qty * amount'),
        { key: 'supplier', type: 'relation', label: label('S'), form: 'customers' },
        { key: 'supplierName', type: 'lookup', label: label('SN'), relation: 'supplier', field: 'name' },
      ],
    },
    formula('lines', 'SUM(items.line)'),
    formula('qtys', 'SUM(items.qty)'),
  ],
};
const targets: FormDefinition = {
  key: 'targets',
  name: label('Targets'),
  fields: [
    { key: 'owner', type: 'member', label: label('O') },
    {
      key: 'achieved',
      type: 'rollup',
      label: label('A'),
      form: 'deals',
      field: 'amount',
      aggregate: 'sum',
      conditions: { field: '_owner', op: 'eq', value: { $field: 'owner' } },
    },
    {
      key: 'marginSum',
      type: 'rollup',
      label: label('M'),
      form: 'deals',
      field: 'margin',
      aggregate: 'sum',
    },
  ],
};
const forms = [customers, deals, targets].map((definition) => ({ key: definition.key, definition }));
const inputs = appInputs(forms, directoryOf(forms));

const grant = (form: string, fields: FieldGrant['fields'] = [], view: unknown = 'all'): FieldGrant => ({
  form,
  view,
  fields,
});

describe('fieldInputs', () => {
  it('lists what each derived field reads, subform columns and other forms included', () => {
    const deal = fieldInputs(deals, directoryOf(forms));
    expect(deal.get('marginx2')).toEqual([{ field: 'margin' }]);
    expect(deal.get('customerLimit')).toEqual([{ form: 'customers', field: 'limit', via: 'customer' }]);
    expect(deal.get('guess')).toEqual([{ field: 'margin' }]);
    expect(deal.get('items.line')).toEqual([{ field: 'items.qty' }, { field: 'items.cost' }]);
    expect(deal.get('items.share')).toEqual([{ field: 'items.qty' }, { field: 'amount' }]);
    expect(deal.get('items.supplierName')).toEqual([
      { form: 'customers', field: 'name', via: 'items.supplier' },
    ]);
    expect(deal.get('lines')).toEqual([{ field: 'items.line' }]);
    expect(deal.has('amount')).toBe(false);
    expect(inputs.get('targets')?.get('achieved')).toEqual([
      { form: 'deals', field: 'amount' },
      { field: 'owner' },
    ]);
  });
});

describe('derivedAccess', () => {
  const rep = [
    grant('deals', [
      { field: 'margin', access: 'hidden' },
      { field: 'items.cost', access: 'hidden' },
    ]),
    grant('customers', [{ field: 'limit', access: 'hidden' }]),
    grant('targets'),
  ];

  it('hides what is made of a hidden value, transitively, with the reason', () => {
    const access = derivedAccess([rep], inputs);
    const hidden = access.hidden('deals');
    expect([...(hidden?.keys() ?? [])].sort()).toEqual([
      'customerLimit',
      'guess',
      'items.cost',
      'items.line',
      'lines',
      'margin',
      'marginx2',
      'marginx4',
      'payable',
    ]);
    expect(hidden?.get('margin')).toEqual({ listed: true });
    expect(hidden?.get('marginx4')).toEqual({ from: 'marginx2' });
    expect(hidden?.get('customerLimit')).toEqual({ from: 'limit', form: 'customers' });
    expect([...(access.hidden('targets')?.keys() ?? [])]).toEqual(['marginSum']);
  });

  it('a declassified field stays visible, and so does what is made of it', () => {
    const declassifying = [
      grant('deals', [
        { field: 'margin', access: 'hidden' },
        { field: 'marginx2', access: 'visible' },
      ]),
    ];
    const access = derivedAccess([declassifying], inputs);
    const hidden = [...(access.hidden('deals')?.keys() ?? [])];
    expect(hidden).toContain('payable');
    expect(hidden).not.toContain('marginx2');
    expect(hidden).not.toContain('marginx4');
    expect([...access.declassified('deals')]).toEqual(['marginx2']);
  });

  it('roles add up: hidden only when every role viewing the form hides it', () => {
    const lead = [grant('deals'), grant('customers')];
    expect(derivedAccess([rep, lead], inputs).hidden('deals')?.size).toBe(0);
    // A role that does not view the form does not count; one that views nothing of customers hides it all.
    const blind = [grant('deals')];
    const access = derivedAccess([blind], inputs);
    expect(access.hidden('customers')).toBeNull();
    expect([...(access.hidden('deals')?.keys() ?? [])].sort()).toEqual([
      'customerLimit',
      'customerName',
      'items.supplierName',
      'nameLength',
    ]);
  });

  it('a lookup through a relation to a form not wholly viewable is shown record by record', () => {
    const access = derivedAccess([rep], inputs, { viewsAll: (form) => form !== 'customers' });
    const perRecord = access.perRecord('deals');
    expect(perRecord.get('customerName')).toEqual(['customer']);
    expect(perRecord.get('nameLength')).toEqual(['customer']);
    expect(perRecord.get('items.supplierName')).toEqual(['items.supplier']);
    expect(perRecord.has('amount')).toBe(false);
    // Without a per-record rule (every customer viewable) nothing is.
    expect(derivedAccess([rep], inputs).perRecord('deals').size).toBe(0);
  });
});
