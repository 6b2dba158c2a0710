import { describe, expect, it } from 'vitest';
import type { FormDefinitionSummary } from '../../../api/apps';
import { controlFields, fieldOnForm, newControl, previewFilters, withFieldOnForm } from './controls-draft';

const deals: FormDefinitionSummary = {
  id: 'f1',
  key: 'deals',
  name: { en: 'Deals' },
  version: 1,
  fields: [
    { key: 'closedOn', type: 'date', label: { en: 'Closed' } },
    { key: 'rep', type: 'member', label: { en: 'Rep' } },
    { key: 'team', type: 'department', label: { en: 'Team' } },
    { key: 'stage', type: 'select', label: { en: 'Stage' }, options: [{ value: 'won' }] },
    { key: 'old', type: 'date', label: { en: 'Old' }, hidden: true },
  ],
};
const visits: FormDefinitionSummary = {
  ...deals,
  id: 'f2',
  key: 'visits',
  fields: [
    { key: 'visitedAt', type: 'datetime', label: { en: 'Visited' } },
    { key: 'closedOn', type: 'date', label: { en: 'Closed' } },
  ],
};

describe('dashboard filter controls in the designer', () => {
  it("offers the fields of the widgets' forms that fit each kind, then the system fields", () => {
    const keys = (type: Parameters<typeof controlFields>[0]) =>
      controlFields(type, [deals, visits]).map((f) => f.key);
    expect(keys('period')).toEqual(['closedOn', 'visitedAt', '_createdAt', '_updatedAt']);
    expect(keys('member')).toEqual(['rep', '_owner', '_createdBy']);
    expect(keys('department')).toEqual(['team', '_dept']);
    expect(keys('select')).toEqual(['stage']);
  });

  it('adds controls with fresh keys on their first field, periods starting at this month', () => {
    const period = newControl('period', [], [deals]);
    expect(period).toEqual({ key: 'period', type: 'period', field: 'closedOn', default: 'thisMonth' });
    expect(newControl('period', [period], [deals]).key).toBe('period2');
    expect(newControl('member', [period], [deals])).toEqual({ key: 'member', type: 'member', field: 'rep' });
  });

  it("puts the controls' starting values on the preview, for the fields the widget's form has", () => {
    const controls = [
      { key: 'period', type: 'period' as const, field: 'closedOn', default: 'thisMonth' },
      { key: 'visit', type: 'period' as const, field: 'visitedAt', default: 'lastMonth' },
      { key: 'member', type: 'member' as const, field: '_owner', default: '$me' },
      { key: 'stage', type: 'select' as const, field: 'stage', default: 'won' },
      { key: 'dept', type: 'department' as const, field: '_dept', default: '665f0c2a9d1e8b0012345678' },
      { key: 'open', type: 'period' as const, field: 'closedOn' },
    ];
    expect(previewFilters(controls, deals)).toEqual([
      { field: 'closedOn', op: 'eq', value: { $period: 'thisMonth' } },
      { field: '_owner', op: 'eq', value: '$me' },
      { field: 'stage', op: 'in', value: ['won'] },
    ]);
    const other = [{ ...controls[0], fields: [{ form: 'visits', field: 'visitedAt' }] }];
    expect(previewFilters(other as never, visits)).toEqual([
      { field: 'visitedAt', op: 'eq', value: { $period: 'thisMonth' } },
    ]);
    expect(previewFilters(controls, undefined)).toEqual([]);
  });

  it("names each form's own field of an options filter, kept only where it differs from the control's field", () => {
    const orders: FormDefinitionSummary = {
      ...deals,
      id: 'f3',
      key: 'orders',
      fields: [{ key: 'phase', type: 'select', label: { en: 'Phase' }, options: [{ value: 'won' }] }],
    };
    const stage = { key: 'stage', type: 'select' as const, field: 'stage', default: ['won'] };
    expect(fieldOnForm(stage, deals)).toBe('stage');
    expect(fieldOnForm(stage, orders)).toBeUndefined();
    const both = withFieldOnForm(stage, 'orders', 'phase');
    expect(both).toEqual({ ...stage, fields: [{ form: 'orders', field: 'phase' }] });
    expect(fieldOnForm(both, orders)).toBe('phase');
    expect(previewFilters([both], orders)).toEqual([{ field: 'phase', op: 'in', value: ['won'] }]);
    // The control's own field needs no entry; clearing one removes it, and `fields` goes when empty.
    expect(withFieldOnForm(both, 'deals', 'stage')).toEqual(both);
    expect(withFieldOnForm(both, 'orders', undefined)).toEqual(stage);
    expect(withFieldOnForm(both, 'orders', 'stage')).toEqual(stage);
  });
});
