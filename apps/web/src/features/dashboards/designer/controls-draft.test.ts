import { describe, expect, it } from 'vitest';
import type { FormDefinitionSummary } from '../../../api/apps';
import { controlFields, newControl } from './controls-draft';

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
});
