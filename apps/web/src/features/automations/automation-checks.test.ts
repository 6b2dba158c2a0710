import { automationActions, Trigger } from '@formloom/schema';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';
import { hintedValues, type Schema, taggedOf } from '../designer/schema-shapes';
import type { AutomationJson } from './automation-api';
import { checkAutomation, placeServerDetails } from './automation-checks';
import {
  type AutomationEnvironment,
  automationFormulaScope,
  automationSchemaContext,
} from './automation-context';
import { newAction } from './automation-draft';
import { automationVocabulary } from './vocabulary';

const label = (text: string) => ({ en: text, 'zh-CN': text });
const env: AutomationEnvironment = {
  forms: [
    {
      key: 'deals',
      name: label('Deals'),
      fields: [
        { key: 'title', type: 'text', label: label('Title') },
        { key: 'stage', type: 'select', label: label('Stage'), options: [{ value: 'won' }] },
        { key: 'amount', type: 'money', label: label('Amount') },
        { key: 'rep', type: 'member', label: label('Rep') },
      ],
    },
    {
      key: 'contracts',
      name: label('Contracts'),
      fields: [
        { key: 'deal', type: 'relation', label: label('Deal'), form: 'deals' },
        { key: 'value', type: 'money', label: label('Value') },
        { key: 'old', type: 'text', label: label('Old'), hidden: true },
      ],
    },
  ],
  roles: [{ value: 'rep', label: 'Rep' }],
  members: [],
  language: 'en',
  words: { system: (n) => n, item: (n) => `item ${n}`, input: (n) => `input ${n}` },
};

const valid = (): AutomationJson => ({
  key: 'contractOnWin',
  name: label('Contract on win'),
  trigger: { type: 'fieldChanged', form: 'deals', field: 'stage', to: 'won' },
  conditions: ['amount > 0'],
  actions: [
    { type: 'createRecord', config: { form: 'contracts', values: { deal: '_id', value: 'amount' } } },
  ],
});

describe('automation editor checks', () => {
  it('accept a complete definition', () => {
    expect(checkAutomation(valid(), env, 'en')).toEqual([]);
  });

  it('find missing settings from the registry schemas, unknown forms and formula errors, at their pointers', () => {
    const def = valid();
    def.key = 'Bad key';
    def.trigger = { type: 'fieldChanged', form: 'deals', field: '' };
    def.conditions = ['amount >'];
    def.actions = [
      { type: 'createRecord', config: { form: 'nope', values: { value: 'amont * 2' } } },
      newAction('updateRecords'),
    ];
    const paths = checkAutomation(def, env, 'en').map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/key',
        '/trigger/field',
        '/conditions/0',
        '/actions/0/config/form',
        '/actions/0/config/values/value',
        '/actions/1/config/form',
      ]),
    );
    expect(checkAutomation({ ...valid(), actions: [] }, env, 'zh-CN')).toEqual([
      { path: '/actions', message: expect.any(String) },
    ]);
  });

  it('check {{ }} placeholders of notify texts as formulas', () => {
    const def = valid();
    def.actions = [
      {
        type: 'notify',
        config: { to: [{ kind: 'field', field: 'rep' }], title: 'Won {{title}} for {{amont}}' },
      },
    ];
    expect(checkAutomation(def, env, 'en').map((i) => i.path)).toEqual(['/actions/0/config/title']);
  });

  it('place the server details under /definition into the editor', () => {
    expect(placeServerDetails([{ path: '/definition/actions/0/config/form', message: 'unknown' }])).toEqual([
      { path: '/actions/0/config/form', message: 'unknown' },
    ]);
  });
});

describe('automation formula scope', () => {
  it('reads the trigger record, its system values and input names used anywhere', () => {
    const def = valid();
    def.conditions = ['input.minimum < amount'];
    const { fields } = automationFormulaScope(def, env);
    expect(fields).toMatchObject({ title: 'text', amount: 'money', _id: 'text', 'input.minimum': 'any' });
    expect(fields).not.toHaveProperty('item._id');
  });

  it('adds item.* where a config repeats: records of a form, members, or records a filter matches', () => {
    const def = valid();
    const records = automationFormulaScope(def, env, (p) =>
      p === 'forEach' ? { kind: 'records', form: 'contracts' } : undefined,
    ).fields;
    expect(records).toMatchObject({ 'item.value': 'money', 'item._id': 'text' });
    expect(records).not.toHaveProperty('item.old');
    const members = automationFormulaScope(def, env, (p) =>
      p === 'forEach' ? { kind: 'members', role: 'rep' } : undefined,
    ).fields;
    expect(members).toMatchObject({ 'item.id': 'member', 'item.email': 'text' });
    const updated = automationFormulaScope(def, env, (p) =>
      p === 'filter' ? { and: [] } : p === 'form' ? 'deals' : undefined,
    ).fields;
    expect(updated).toHaveProperty('item.stage');
  });

  it('offers form:<prop> fields from the nearest enclosing object, scope from the trigger form', () => {
    const ctx = automationSchemaContext(valid(), env);
    const fieldsOf = (form: string) =>
      ctx.fields('form:form', (p) => (p === 'form' ? form : undefined)).map((f) => f.key);
    expect(fieldsOf('contracts')).toEqual(['deal', 'value']);
    expect(ctx.fields('scope', () => undefined).map((f) => f.key)).toEqual([
      'title',
      'stage',
      'amount',
      'rep',
    ]);
    expect(ctx.ownFields(() => undefined)[0]?.key).toBe('_id');
    expect(ctx.choices?.('role')).toEqual(env.roles);
  });
});

describe('generated action editors', () => {
  it('every action type has a fresh config with its tags, and hints the editor can follow', () => {
    for (const type of automationActions.keys()) {
      const schema = automationActions.get(type)?.config as unknown as Schema;
      const action = newAction(type);
      expect(action.type).toBe(type);
      expect(typeof action.config).toBe('object');
      for (const found of hintedValues(schema, action.config)) expect(found.path.startsWith('/')).toBe(true);
    }
    const notify = newAction('notify').config as { to: unknown[] };
    expect(notify.to).toEqual([]);
    expect(taggedOf(Trigger as unknown as Schema)?.members.map((m) => m.value)).toContain('fieldChanged');
  });

  it('have every property name, value and action type labelled in en and zh-CN', () => {
    const { props, values } = automationVocabulary();
    for (const [locale, words] of [
      ['en', en.automations],
      ['zh-CN', zhCN.automations],
    ] as const) {
      const missing = [
        ...[...props].filter((p) => !(p in words.props)).map((p) => `props.${p}`),
        ...[...values].filter((v) => !(v in words.enum)).map((v) => `enum.${v}`),
        ...automationActions
          .keys()
          .filter((a) => !(a in words.actions))
          .map((a) => `actions.${a}`),
      ];
      expect({ locale, missing }).toEqual({ locale, missing: [] });
    }
  });
});
