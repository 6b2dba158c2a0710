import { describe, expect, it } from 'vitest';
import { shiftBucket } from '../buckets.js';
import { cellConditions, drillWidget } from '../drill.js';
import { compiled, fields, widget } from './helpers.js';

const withTeams = new Map([
  ...fields,
  ['team', { path: 'data.team', kind: 'id' as const }],
  ['member', { path: 'data.member', kind: 'id' as const, refersTo: 'member' as const }],
]);

describe('drill-down', () => {
  const byRegion = widget({
    type: 'bar',
    dimensions: [{ field: 'region' }],
    drilldown: [{ field: 'team' }, { field: 'member' }],
  });

  it('walks region → team → member, each clicked value a condition', () => {
    const top = drillWidget(byRegion, [], withTeams, 'UTC');
    expect(top).toMatchObject({ ok: true, level: 0, levels: 3, conditions: [] });
    const teams = drillWidget(byRegion, ['east'], withTeams, 'UTC');
    expect(teams).toMatchObject({
      ok: true,
      level: 1,
      widget: { dimensions: [{ field: 'team' }] },
      conditions: [{ field: 'region', op: 'eq', value: 'east' }],
    });
    const members = drillWidget(byRegion, ['east', null], withTeams, 'UTC');
    expect(members).toMatchObject({
      ok: true,
      widget: { dimensions: [{ field: 'member' }] },
      conditions: [
        { field: 'region', op: 'eq', value: 'east' },
        { field: 'team', op: 'empty' },
      ],
    });
    const tooDeep = drillWidget(byRegion, ['east', 't1', 'm1'], withTeams, 'UTC');
    expect(tooDeep).toEqual({
      ok: false,
      issues: [{ code: 'report.drill', path: '/drill', params: { levels: 2 } }],
    });
  });

  it('walks year → quarter → month of one date-time, in the caller time zone', () => {
    const byYear = widget({
      type: 'line',
      dimensions: [{ field: 'closedAt', granularity: 'year' }],
      drilldown: [
        { field: 'closedAt', granularity: 'quarter' },
        { field: 'closedAt', granularity: 'month' },
      ],
    });
    const months = drillWidget(byYear, ['2026', '2026-Q2'], fields, 'Asia/Shanghai');
    expect(months).toMatchObject({
      ok: true,
      widget: { dimensions: [{ field: 'closedAt', granularity: 'month' }] },
      conditions: [
        // Local midnights in Shanghai (UTC+8) as instants.
        { field: 'closedAt', op: 'gte', value: '2025-12-31T16:00:00.000Z' },
        { field: 'closedAt', op: 'lt', value: '2026-12-31T16:00:00.000Z' },
        { field: 'closedAt', op: 'gte', value: '2026-03-31T16:00:00.000Z' },
        { field: 'closedAt', op: 'lt', value: '2026-06-30T16:00:00.000Z' },
      ],
    });
    const bad = drillWidget(byYear, ['twenty'], fields, 'UTC');
    expect(bad.ok ? [] : bad.issues.map((i) => `${i.code} ${i.path}`)).toEqual(['report.drill /drill/0']);
  });
});

describe('click-through: the records behind a cell', () => {
  it('answers a condition per dimension of the row, dates as their bucket range', () => {
    const { plan } = compiled(
      widget({
        type: 'pivot',
        dimensions: [{ field: 'closeDate', granularity: 'month' }, { field: 'tags' }],
      }),
    );
    expect(cellConditions(plan, { closeDate: '2026-02', tags: 'x' })).toEqual([
      { field: 'closeDate', op: 'gte', value: '2026-02-01' },
      { field: 'closeDate', op: 'lt', value: '2026-03-01' },
      // A multi-valued dimension counts a record under each value: any record holding it.
      { field: 'tags', op: 'contains', value: 'x' },
    ]);
    expect(cellConditions(plan, { closeDate: null })).toEqual([{ field: 'closeDate', op: 'empty' }]);
    expect(cellConditions(plan, { closeDate: '2026-13' })).toEqual([
      {
        code: 'report.drill',
        path: '/cell/closeDate',
        params: { field: 'closeDate', expected: 'a month label' },
      },
    ]);
    expect(cellConditions(plan, { tags: { $ne: 1 } })).toMatchObject([{ code: 'report.drill' }]);
  });

  it('steps bucket labels across year ends', () => {
    expect(shiftBucket('2026-01', 'month', -1)).toBe('2025-12');
    expect(shiftBucket('2026-Q1', 'quarter', -1)).toBe('2025-Q4');
    expect(shiftBucket('2026-12-28', 'week', 1)).toBe('2027-01-04');
    expect(shiftBucket('2026-12-29', 'week', 1)).toBeUndefined();
    expect(shiftBucket('2028-02-28', 'day', 1)).toBe('2028-02-29');
  });
});
