import type { Dashboard } from '@formloom/schema';
import { describe, expect, it } from 'vitest';
import type { FormDefinitionSummary } from '../../../api/apps';
import {
  addWidget,
  changeType,
  fieldChoices,
  measureKey,
  nextDrillLevel,
  removeWidget,
  setTarget,
  sortColumns,
  withKey,
} from './widget-draft';

const deals: FormDefinitionSummary = {
  id: 'f1',
  key: 'deals',
  name: { en: 'Deals' },
  version: 1,
  fields: [
    { key: 'amount', type: 'money', label: { en: 'Amount' } },
    { key: 'rep', type: 'member', label: { en: 'Rep' } },
    { key: 'closedOn', type: 'date', label: { en: 'Closed' } },
  ],
};
const empty: Dashboard = { key: 'd', name: { en: 'D' }, widgets: [], layout: [] };

describe('the dashboard draft', () => {
  it('adds widgets with fresh keys below the others, and removes them with their place', () => {
    const one = addWidget(empty, deals, { en: 'A' });
    const two = addWidget(one, deals, { en: 'B' });
    expect(two.widgets.map((w) => w.key)).toEqual(['widget1', 'widget2']);
    expect(two.widgets[0]).toMatchObject({
      type: 'bar',
      source: { form: 'deals' },
      dimensions: [{ field: 'rep' }],
    });
    expect(two.layout).toEqual([
      { widget: 'widget1', x: 0, y: 0, w: 12, h: 8 },
      { widget: 'widget2', x: 0, y: 8, w: 12, h: 8 },
    ]);
    const left = removeWidget(two, 'widget1');
    expect(left.widgets.map((w) => w.key)).toEqual(['widget2']);
    expect(left.layout?.map((p) => p.widget)).toEqual(['widget2']);
  });

  it('cuts dimensions to what a type takes and keeps a target series matched', () => {
    const [bar] = addWidget(empty, deals, { en: 'A' }).widgets;
    if (!bar) throw new Error('no widget');
    const withTarget = setTarget(bar, {
      form: 'goals',
      aggregate: 'sum',
      field: 'amount',
      match: [{ field: 'rep' }],
    });
    expect(withTarget.options).toEqual({ targetLine: 'target' });
    expect(withTarget.measures?.at(-1)).toMatchObject({ key: 'target', target: { form: 'goals' } });
    const kpi = changeType(withTarget, 'kpi', deals);
    expect(kpi.dimensions).toBeUndefined();
    expect(kpi.measures?.at(-1)?.target?.match).toBeUndefined();
    const pivot = changeType(bar, 'pivot', deals);
    expect(pivot.dimensions).toHaveLength(2);
    expect(setTarget(withTarget, undefined).measures?.some((m) => m.key === 'target')).toBe(false);
    expect(setTarget(withTarget, undefined).options).toBeUndefined();
  });

  it('names measures after their aggregate and field, uniquely', () => {
    const [bar] = addWidget(empty, deals, { en: 'A' }).widgets;
    if (!bar) throw new Error('no widget');
    expect(measureKey(bar, 'sum', 'amount')).toBe('sum_amount');
    expect(
      measureKey(
        { ...bar, measures: [{ key: 'sum_amount', aggregate: 'sum', field: 'amount' }] },
        'sum',
        'amount',
      ),
    ).toBe('sum_amount_2');
  });
});

describe('drill levels, sort, top N and subform columns in the draft', () => {
  const orders: FormDefinitionSummary = {
    id: 'f2',
    key: 'orders',
    name: { en: 'Orders' },
    version: 1,
    fields: [
      { key: 'region', type: 'select', label: { en: 'Region' } },
      { key: 'signedOn', type: 'date', label: { en: 'Signed' } },
      {
        key: 'items',
        type: 'subform',
        label: { en: 'Items' },
        columns: [
          { key: 'product', type: 'text', label: { en: 'Product' } },
          { key: 'qty', type: 'number', label: { en: 'Qty' } },
          { key: 'cost', type: 'money', label: { en: 'Cost' } },
        ],
      },
    ],
  };

  it('offers subform columns as `subform.column`, without the columns hidden from the caller', () => {
    const choices = fieldChoices(orders, ['items.cost']);
    const columns = choices.filter((c) => c.parent);
    expect(columns.map((c) => [c.key, c.numeric])).toEqual([
      ['items.product', false],
      ['items.qty', true],
    ]);
    expect(choices.some((c) => c.key === 'items')).toBe(false);
    expect(fieldChoices(orders, ['items']).some((c) => c.parent)).toBe(false);
  });

  it('suggests the next drill level: a finer bucket of a date, else an unused field', () => {
    const choices = fieldChoices(orders);
    expect(nextDrillLevel([{ field: 'signedOn', granularity: 'year' }], choices)).toEqual({
      field: 'signedOn',
      granularity: 'quarter',
    });
    expect(
      nextDrillLevel(
        [
          { field: 'signedOn', granularity: 'year' },
          { field: 'signedOn', granularity: 'quarter' },
        ],
        choices,
      ),
    ).toEqual({ field: 'signedOn', granularity: 'month' });
    expect(nextDrillLevel([{ field: 'region' }], choices)).toEqual({
      field: 'signedOn',
      granularity: 'year',
    });
  });

  it('names sort columns as the report keys them, and drops empty keys', () => {
    const widget = {
      key: 'w',
      type: 'table' as const,
      title: { en: 'W' },
      source: { form: 'orders' },
      dimensions: [{ field: 'region' }, { field: 'region' }],
      measures: [
        { aggregate: 'count' as const },
        { key: 'q', aggregate: 'sum' as const, field: 'items.qty' },
      ],
    };
    expect(sortColumns(widget).map((c) => c.key)).toEqual(['region', 'region_2', 'count', 'q']);
    const sorted = withKey(widget, 'sort', [{ by: 'q', dir: 'desc' }]);
    expect(withKey(withKey(sorted, 'limit', 5), 'sort', []).sort).toBeUndefined();
    expect(withKey(sorted, 'limit', 5).limit).toBe(5);
  });

  it('keeps drill levels, sort and top N across grouped types, and drops them on a KPI', () => {
    const bar = {
      key: 'w',
      type: 'bar' as const,
      title: { en: 'W' },
      source: { form: 'orders' },
      dimensions: [{ field: 'region' }],
      drilldown: [{ field: 'signedOn', granularity: 'year' as const }],
      measures: [{ key: 'count', aggregate: 'count' as const }],
      sort: [{ by: 'count', dir: 'desc' as const }],
      limit: 5,
    };
    expect(changeType(bar, 'line', orders)).toMatchObject({
      drilldown: bar.drilldown,
      sort: bar.sort,
      limit: 5,
    });
    const kpi = changeType(bar, 'kpi', orders);
    expect([kpi.drilldown, kpi.sort, kpi.limit]).toEqual([undefined, undefined, undefined]);
  });
});
