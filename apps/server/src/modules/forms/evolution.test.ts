import { describe, expect, it } from 'vitest';
import { convertValue, reconcile } from './evolution.js';
import type { FieldDef, FormDefinition } from './meta.js';

const f = (key: string, type: string, extra: Record<string, unknown> = {}): FieldDef => ({
  key,
  type,
  ...extra,
});
const form = (...fields: FieldDef[]): FormDefinition => ({ key: 'x', name: { en: 'X' }, fields });

describe('reconcile', () => {
  it('brings removed fields back hidden, including subform columns, and lists type changes', () => {
    const published = form(
      f('a', 'text'),
      f('b', 'number'),
      f('s', 'subform', { columns: [f('c', 'text'), f('d', 'text')] }),
    );
    const next = form(f('a', 'number'), f('s', 'subform', { columns: [f('c', 'text')] }));
    const result = reconcile(published, next);
    expect(result.definition.fields.map((x) => [x.key, x.hidden ?? false])).toEqual([
      ['a', false],
      ['s', false],
      ['b', true],
    ]);
    expect(
      (result.definition.fields[1]!.columns as FieldDef[]).map((c) => [c.key, c.hidden ?? false]),
    ).toEqual([
      ['c', false],
      ['d', true],
    ]);
    expect(result.hidden.sort()).toEqual(['b', 's.d']);
    expect(result.typeChanges.map((c) => [c.key, c.from.type, c.to.type])).toEqual([['a', 'text', 'number']]);
  });
});

describe('convertValue', () => {
  const ok = (from: FieldDef, to: FieldDef, value: unknown) => convertValue(from, to, value);
  it('converts what keeps its meaning and refuses what would lose data', () => {
    expect(ok(f('a', 'text'), f('a', 'number'), ' 12.5 ')).toEqual({ ok: true, value: 12.5 });
    expect(ok(f('a', 'text'), f('a', 'number'), 'abc')).toEqual({ ok: false });
    expect(ok(f('a', 'text'), f('a', 'number'), '')).toEqual({ ok: false });
    expect(ok(f('a', 'number'), f('a', 'text'), 3)).toEqual({ ok: true, value: '3' });
    expect(ok(f('a', 'number'), f('a', 'rating'), 2.5)).toEqual({ ok: false });
    expect(ok(f('a', 'money'), f('a', 'percent'), 0.5)).toEqual({ ok: true, value: 0.5 });
    expect(ok(f('a', 'datetime'), f('a', 'date'), '2026-01-02T00:00:00.000Z')).toEqual({
      ok: true,
      value: '2026-01-02',
    });
    expect(ok(f('a', 'datetime'), f('a', 'date'), '2026-01-02T08:00:00.000Z')).toEqual({ ok: false });
    expect(ok(f('a', 'date'), f('a', 'datetime'), '2026-01-02')).toEqual({
      ok: true,
      value: '2026-01-02T00:00:00.000Z',
    });
    const select = f('a', 'select', { options: [{ value: 'x' }, { value: 'y' }] });
    expect(ok(f('a', 'text'), select, 'x')).toEqual({ ok: true, value: 'x' });
    expect(ok(f('a', 'text'), select, 'z')).toEqual({ ok: false });
    expect(ok(select, f('a', 'multiselect', { options: [{ value: 'x' }] }), 'x')).toEqual({
      ok: true,
      value: ['x'],
    });
    expect(ok(f('a', 'multiselect'), select, ['x', 'y'])).toEqual({ ok: false });
    expect(ok(f('a', 'member'), f('a', 'member', { multiple: true }), 'u')).toEqual({
      ok: true,
      value: ['u'],
    });
    expect(ok(f('a', 'member', { multiple: true }), f('a', 'member'), ['u', 'v'])).toEqual({ ok: false });
    expect(ok(f('a', 'address'), f('a', 'text'), { city: 'x' })).toEqual({ ok: false });
    expect(ok(f('a', 'address'), f('a', 'text'), null)).toEqual({ ok: true, value: null });
  });
});
