import type { Dashboard } from '@formloom/schema';
import { describe, expect, it } from 'vitest';
import type { FormDefinitionSummary } from '../../../api/apps';
import { addWidget, changeType, measureKey, removeWidget, setTarget } from './widget-draft';

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
