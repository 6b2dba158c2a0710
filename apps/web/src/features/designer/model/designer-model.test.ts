import { describe, expect, it } from 'vitest';
import { DesignerModel } from './designer-model';
import type { FormJson } from './form-tree';
import { findIssues, placeServerDetails } from './issues';

const label = (en: string) => ({ en, 'zh-CN': en });
const form = (): FormJson => ({
  key: 'orders',
  name: label('Orders'),
  fields: [
    { key: 'title', type: 'text', label: label('Title') },
    {
      key: 'items',
      type: 'subform',
      label: label('Items'),
      columns: [{ key: 'qty', type: 'number', label: label('Qty') }],
    },
    { key: 'old', type: 'text', label: label('Old'), hidden: true },
  ],
});

function model(initial = form()) {
  let now = 0;
  const m = new DesignerModel(initial, { typeLabel: (t) => label(t), now: () => now, debounceMs: 500 });
  return { m, tick: (ms: number) => (now += ms) };
}

const keys = (m: DesignerModel) => m.serialize().fields.map((f) => f.key);

describe('designer model', () => {
  it('round-trips a form: from() then serialize() gives it back, hidden fields kept', () => {
    const { m } = model();
    expect(m.serialize()).toEqual(form());
    const laidOut: FormJson = {
      ...form(),
      layout: { sections: [{ title: label('Main'), columns: 2, fields: ['items'] }, { fields: ['title'] }] },
    };
    m.from(laidOut);
    expect(m.serialize()).toEqual({
      ...laidOut,
      fields: [laidOut.fields[1], laidOut.fields[0], laidOut.fields[2]],
    });
    expect(m.getState().dirty).toBe(false);
  });

  it('adds a field of any registry type with its starter config and a free key, and selects it', () => {
    const { m } = model();
    const id = m.addField('select');
    expect(id).toBeDefined();
    expect(m.getState().selected).toBe(id);
    expect(m.serialize().fields[2]).toMatchObject({
      key: 'select',
      type: 'select',
      options: [{ value: 'option1' }, { value: 'option2' }],
    });
    m.addField('select');
    expect(keys(m)).toEqual(['title', 'items', 'select', 'select2', 'old']);
    expect(m.addField('no-such-type')).toBeUndefined();
  });

  it('puts columns into a subform but never a subform into a subform', () => {
    const { m } = model();
    const items = Object.values(m.doc.nodes).find((n) => n.field.key === 'items')?.id as string;
    expect(m.addField('money', { container: items, index: 0 })).toBeDefined();
    expect(m.addField('subform', { container: items, index: 0 })).toBeUndefined();
    expect(m.serialize().fields[1]?.columns).toMatchObject([
      { key: 'money', currency: 'CNY' },
      { key: 'qty' },
    ]);
  });

  it('moves fields within a section, into a subform and out again', () => {
    const { m } = model();
    const ids = Object.fromEntries(Object.values(m.doc.nodes).map((n) => [n.field.key, n.id]));
    const section = m.doc.sections[0]?.id as string;
    expect(m.moveField(ids.title as string, { container: section, index: 1 })).toBe(true);
    expect(keys(m)).toEqual(['items', 'title', 'old']);
    m.moveField(ids.title as string, { container: ids.items as string, index: 1 });
    expect(((m.serialize().fields[0]?.columns ?? []) as Array<{ key: string }>).map((c) => c.key)).toEqual([
      'qty',
      'title',
    ]);
    m.moveField(ids.qty as string, { container: section, index: 0 });
    expect(keys(m)).toEqual(['qty', 'items', 'old']);
    expect(m.moveField(ids.items as string, { container: ids.items as string, index: 0 })).toBe(false);
  });

  it('merges quick edits of one property into one undo step; undo and redo walk the steps', () => {
    const { m, tick } = model();
    const id = Object.values(m.doc.nodes).find((n) => n.field.key === 'title')?.id as string;
    for (const text of ['T', 'Ti', 'Tit']) {
      m.updateField(id, (f) => ({ ...f, label: { en: text } }), 'label');
      tick(100);
    }
    tick(1000);
    m.updateField(id, (f) => ({ ...f, label: { en: 'Title!' } }), 'label');
    m.updateField(id, (f) => ({ ...f, required: true }), 'required');
    m.undo();
    expect(m.serialize().fields[0]).toMatchObject({ label: { en: 'Title!' } });
    expect(m.serialize().fields[0]?.required).toBeUndefined();
    m.undo();
    expect(m.serialize().fields[0]?.label).toEqual({ en: 'Tit' });
    m.undo();
    expect(m.serialize()).toEqual(form());
    expect(m.getState()).toMatchObject({ canUndo: false, canRedo: true, dirty: false });
    m.redo();
    m.redo();
    expect(m.serialize().fields[0]?.label).toEqual({ en: 'Title!' });
    expect(m.getState().dirty).toBe(true);
    m.markSaved();
    expect(m.getState().dirty).toBe(false);
  });

  it('copies and pastes a subform with fresh keys for it and its columns', () => {
    const { m } = model();
    const items = Object.values(m.doc.nodes).find((n) => n.field.key === 'items')?.id as string;
    const json = m.copy(items) as string;
    const pasted = m.paste(json, items) as string;
    expect(m.getState().selected).toBe(pasted);
    const copy = m.serialize().fields[2];
    expect(copy).toMatchObject({ key: 'items2', type: 'subform', columns: [{ key: 'qty2' }] });
    expect(m.paste('not json')).toBeUndefined();
    expect(m.paste('{"type":"nope"}')).toBeUndefined();
  });

  it('removes a field; sections keep 1 to 4 columns and their removal keeps the fields', () => {
    const { m } = model();
    const second = m.addSection();
    const id = m.addField('date') as string;
    m.updateSection(second, { columns: 9 });
    expect(m.doc.sections[1]?.columns).toBe(4);
    m.removeSection(second);
    expect(m.doc.sections).toHaveLength(1);
    expect(keys(m)).toEqual(['title', 'items', 'date', 'old']);
    m.removeField(id);
    expect(keys(m)).toEqual(['title', 'items', 'old']);
  });

  it('places schema and formula problems on their fields, with the character of a formula error', () => {
    const { m } = model();
    const id = m.addField('formula') as string;
    expect(findIssues(m.doc, [], 'en')).toEqual([
      expect.objectContaining({ id, path: '/expression', code: 'schema.required' }),
    ]);
    m.updateField(id, (f) => ({ ...f, expression: 'SUM(items.qty) * ' }));
    const [syntax] = findIssues(m.doc, [], 'en');
    expect(syntax).toMatchObject({ id, path: '/expression', code: 'SYNTAX_ERROR' });
    m.updateField(id, (f) => ({ ...f, expression: 'SUM(items.qty) * nope' }));
    expect(findIssues(m.doc, [], 'zh-CN')[0]).toMatchObject({ code: 'UNKNOWN_FIELD', position: 17 });
    m.updateField(id, (f) => ({ ...f, expression: 'SUM(items.qty) * 2' }));
    expect(findIssues(m.doc, [], 'en')).toEqual([]);
  });

  it('marks a validation pattern the server would refuse (RE2: no lookarounds, no backreferences)', () => {
    const { m } = model();
    const id = m.addField('text') as string;
    m.updateField(id, (f) => ({ ...f, validation: { pattern: '^(?=a)b$' } }));
    const [refused] = findIssues(m.doc, [], 'zh-CN');
    expect(refused).toMatchObject({ id, path: '/validation/pattern', code: 'schema.format' });
    expect(refused?.message).toContain('RE2');
    m.updateField(id, (f) => ({ ...f, validation: { pattern: '^(a+)+$' } }));
    expect(findIssues(m.doc, [], 'en')).toEqual([]);
  });

  it('refuses a cycle between formula fields on every field of the cycle', () => {
    const { m } = model();
    const a = m.addField('formula') as string;
    const b = m.addField('formula') as string;
    m.updateField(a, (f) => ({ ...f, expression: 'formula2 + 1' }));
    m.updateField(b, (f) => ({ ...f, expression: 'formula * 2' }));
    const cycle = findIssues(m.doc, [], 'en');
    expect(cycle.map((i) => [i.id, i.code])).toEqual([
      [a, 'CIRCULAR_REFERENCE'],
      [b, 'CIRCULAR_REFERENCE'],
    ]);
    expect(cycle[0]?.message).toContain('formula → formula2 → formula');
  });

  it('places the server’s refusals on the fields their paths name', () => {
    const { m } = model();
    const [title, items] = m.doc.sections[0]?.fields ?? [];
    const qty = m.doc.nodes[items as string]?.columns?.[0];
    expect(
      placeServerDetails(m.doc, [
        { path: '/fields/0/type', message: 'would lose data' },
        { path: '/fields/1/columns/0/key', message: 'taken' },
        { path: '/name', message: 'required' },
      ]),
    ).toEqual([
      { id: title, path: '/type', message: 'would lose data', code: 'server' },
      { id: qty, path: '/key', message: 'taken', code: 'server' },
      { id: null, path: '/name', message: 'required', code: 'server' },
    ]);
  });
});
