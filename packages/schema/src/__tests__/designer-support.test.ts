import { describe, expect, it } from 'vitest';
import {
  automationActions,
  checkMenu,
  fieldTypes,
  UI_KEYWORD,
  uiHintOf,
  validateApp,
  validateAutomation,
  validateField,
  validateForm,
} from '../index.js';

// The form designer makes a new field from its registry entry alone: common properties plus `starter`.
function fresh(type: string): Record<string, unknown> {
  const def = fieldTypes.require(type);
  return { key: 'f1', type, label: { en: 'F' }, ...JSON.parse(JSON.stringify(def.starter ?? {})) };
}

describe('designer support in the field-type registry', () => {
  it('a new field of every type that refers to nothing is valid from its starter alone', () => {
    const needRefs = new Set(['relation', 'lookup', 'rollup', 'subform', 'formula']);
    for (const type of fieldTypes.keys()) {
      if (needRefs.has(type)) continue;
      expect({ type, issues: validateField(fresh(type)) }).toEqual({ type, issues: [] });
    }
  });

  it('types that refer to other fields or forms report exactly what the designer must ask for', () => {
    const missing = (type: string) =>
      validateField(fresh(type))
        .filter((i) => i.code === 'schema.required')
        .map((i) => i.params.missingProperty);
    expect(missing('relation')).toEqual(['form']);
    expect(missing('lookup').sort()).toEqual(['field', 'relation']);
    expect(missing('rollup')).toEqual(['form']);
    expect(missing('formula')).toEqual(['expression']);
  });

  it('reference properties carry hints naming where their candidates come from', () => {
    const config = (type: string) => fieldTypes.require(type).config as Record<string, unknown>;
    expect(uiHintOf(config('relation').form)).toEqual({ ref: 'form' });
    expect(uiHintOf(config('relation').displayField)).toEqual({ ref: 'field', of: 'form:form' });
    expect(uiHintOf(config('lookup').relation)).toEqual({ ref: 'field', of: 'scope', types: ['relation'] });
    expect(uiHintOf(config('lookup').field)).toEqual({ ref: 'field', of: 'relation:relation' });
    expect(uiHintOf(config('rollup').conditions)).toEqual({ widget: 'filter', of: 'form:form' });
    expect(uiHintOf(config('formula').expression)).toEqual({ widget: 'formula' });
    expect(uiHintOf(config('subform').columns)).toEqual({ widget: 'none' });
    expect(uiHintOf(config('select').dependsOn)).toMatchObject({ ref: 'field', types: ['select', 'radio'] });
  });

  it('hints are annotations: a form validates the same with them, and a bad key is still refused', () => {
    const form = {
      key: 'orders',
      name: { en: 'Orders' },
      fields: [
        { key: 'customer', type: 'relation', label: { en: 'Customer' }, form: 'orders' },
        { key: 'total', type: 'formula', label: { en: 'Total' }, expression: '1 + 1' },
      ],
    };
    expect(validateForm(form)).toEqual([]);
    const bad = { ...form, fields: [{ ...form.fields[0], form: 'Not A Key' }] };
    expect(validateForm(bad).map((i) => i.code)).toContain('schema.pattern');
    expect(UI_KEYWORD).toBe('x-ui');
  });
});

describe('app menus with groups', () => {
  const label = { en: 'Sales' };
  it('accepts a group of forms and dashboards, and refuses a group inside a group', () => {
    const menu = [
      { kind: 'form', form: 'orders' },
      { kind: 'group', label, items: [{ kind: 'dashboard', dashboard: 'cockpit' }] },
    ];
    expect(validateApp({ key: 'crm', name: label, menu })).toEqual([]);
    const nested = [{ kind: 'group', label, items: [{ kind: 'group', label, items: [] }] }];
    expect(validateApp({ key: 'crm', name: label, menu: nested }).map((i) => i.path)).toContain(
      '/menu/0/items/0/kind',
    );
  });

  it('checks the forms and dashboards that grouped entries name', () => {
    const menu = [{ kind: 'group' as const, label, items: [{ kind: 'form' as const, form: 'nope' }] }];
    expect(checkMenu(menu, '/menu', { forms: ['orders'], dashboards: [] })).toEqual([
      { code: 'ref.form', path: '/menu/0/items/0/form', params: { form: 'nope' } },
    ]);
  });
});

describe('editor hints of triggers, automation actions and flows', () => {
  const props = (schema: unknown) => (schema as { properties: Record<string, unknown> }).properties;
  it('name forms, fields of the form a config names, roles, members, flows and template texts', () => {
    const create = props(automationActions.require('createRecord').config);
    expect(uiHintOf(create.form)).toEqual({ ref: 'form' });
    expect(uiHintOf((create.values as { propertyNames: unknown }).propertyNames)).toEqual({
      ref: 'field',
      of: 'form:form',
    });
    expect(uiHintOf(create.owner)).toEqual({ widget: 'formula' });
    expect(uiHintOf(props(automationActions.require('updateRecords').config).filter)).toEqual({
      widget: 'filter',
      of: 'form:form',
    });
    expect(uiHintOf(props(automationActions.require('notify').config).title)).toEqual({ widget: 'template' });
    expect(uiHintOf(props(automationActions.require('startFlow').config).flow)).toEqual({ ref: 'flow' });
    expect(uiHintOf(props(automationActions.require('distribute').config).source)).toMatchObject({
      ref: 'field',
      of: 'scope',
    });
  });

  it('stay annotations: definitions validate as before, a bad key in a values map is still refused', () => {
    const automation = {
      key: 'onWin',
      name: { en: 'On win' },
      trigger: { type: 'fieldChanged', form: 'deals', field: 'stage', to: 'won' },
      actions: [{ type: 'createRecord', config: { form: 'contracts', values: { amount: 'amount' } } }],
    };
    expect(validateAutomation(automation)).toEqual([]);
    const bad = JSON.parse(JSON.stringify(automation)) as typeof automation;
    (bad.actions[0] as { config: { values: Record<string, string> } }).config.values = { 'Not A Key': '1' };
    expect(validateAutomation(bad).map((i) => i.path)).toContain('/actions/0/config/values');
  });
});
