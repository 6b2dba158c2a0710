import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Flow,
  type Form,
  type Issue,
  validateApp,
  validateAutomation,
  validateDashboard,
  validateFilter,
  validateFlow,
  validateForm,
  validateRole,
  validateWidget,
} from '../index.js';

const label = { en: 'L' };
const codes = (issues: Issue[]) => issues.map((i) => [i.code, i.path]);

const orders: Form = {
  key: 'orders',
  name: label,
  fields: [
    { key: 'amount', type: 'money', label, currency: 'USD' },
    { key: 'buyer', type: 'member', label },
    { key: 'dept', type: 'department', label },
    { key: 'note', type: 'text', label },
    { key: 'lines', type: 'subform', label, columns: [{ key: 'sku', type: 'text', label }] },
  ],
};
const scope = { forms: [orders], roles: ['boss'], dashboards: ['main'] };

beforeAll(() => {
  validateFlow({});
  validateForm({});
}, 120_000);

describe('filter DSL', () => {
  it('accepts every operator with its operand shape and the special values', () => {
    const filter = {
      and: [
        { field: 'amount', op: 'gte', value: 1000 },
        { field: 'amount', op: 'between', value: [1, 2] },
        { field: 'note', op: 'in', value: ['a', 'b'] },
        { field: 'note', op: 'nin', value: [] },
        { field: 'note', op: 'contains', value: 'x' },
        { field: 'note', op: 'startsWith', value: 'x' },
        { field: 'note', op: 'empty' },
        { field: 'lines.sku', op: 'notEmpty' },
        {
          or: [
            { field: 'buyer', op: 'eq', value: { $me: true } },
            { field: 'dept', op: 'ne', value: { $myDepartment: true } },
            { field: '_createdAt', op: 'lt', value: { $today: true } },
            { field: '_updatedAt', op: 'eq', value: { $period: 'lastQuarter' } },
            { and: [{ or: [{ and: [{ or: [{ and: [{ field: 'note', op: 'eq', value: null }] }] }] }] }] },
          ],
        },
      ],
    };
    expect(validateFilter(filter)).toEqual([]);
    expect(validateFilter({ field: 'amount', op: 'gt', value: 1 })).toEqual([]);
  });

  it('refuses raw MongoDB operators, wrong operand shapes and unknown specials', () => {
    expect(codes(validateFilter({ amount: { $gt: 1 } }))).toEqual([
      ['schema.additionalProperties', '/amount'],
    ]);
    expect(codes(validateFilter({ field: 'amount', op: '$where', value: 'x' }))).toEqual([
      ['schema.enum', '/op'],
    ]);
    expect(codes(validateFilter({ field: 'a', op: 'in', value: 1 }))).toEqual([['schema.type', '/value']]);
    expect(codes(validateFilter({ field: 'a', op: 'empty', value: 1 }))).toEqual([
      ['schema.additionalProperties', '/value'],
    ]);
    expect(codes(validateFilter({ field: 'a', op: 'eq' }))).toEqual([['schema.required', '/value']]);
    expect(codes(validateFilter({ field: 'a', op: 'eq', value: { $period: 'nextDecade' } }))).toEqual([
      ['schema.enum', '/value/$period'],
    ]);
    expect(codes(validateFilter({ field: '$where', op: 'eq', value: 1 }))).toEqual([
      ['schema.pattern', '/field'],
    ]);
    expect(codes(validateFilter({ and: [{ field: 'a', op: 'eq', value: 1 }], or: [] }))).toEqual([
      ['schema.maxProperties', ''],
    ]);
  });
});

const flow: Flow = {
  key: 'review',
  name: label,
  form: 'orders',
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'check', type: 'condition', branches: [{ id: 'big', condition: 'amount > 100' }, { id: 'else' }] },
    {
      id: 'lead',
      type: 'approval',
      mode: 'and',
      assignees: [
        { kind: 'departmentHead', field: 'dept', level: 2 },
        { kind: 'role', role: 'boss' },
      ],
      fields: [{ field: 'note', access: 'editable' }],
    },
    {
      id: 'fix',
      type: 'fill',
      assignees: [{ kind: 'field', field: 'buyer' }],
      fields: [{ field: 'note', access: 'editable' }],
    },
    { id: 'tell', type: 'cc', recipients: [{ kind: 'manager', field: 'buyer' }] },
    { id: 'done', type: 'end', outcome: 'approved' },
  ],
  edges: [
    { from: 'start', to: 'check' },
    { from: 'check', to: 'lead', branch: 'big' },
    { from: 'check', to: 'fix', branch: 'else' },
    { from: 'lead', to: 'tell' },
    { from: 'fix', to: 'tell' },
    { from: 'tell', to: 'done' },
  ],
};

describe('flows', () => {
  it('accepts a flow with every node type', () => {
    expect(validateFlow(flow, scope)).toEqual([]);
  });

  it('reports node-level schema errors on the node', () => {
    const bad = { ...flow, nodes: [...flow.nodes, { id: 'x', type: 'approval', assignees: [] }] };
    expect(codes(validateFlow(bad))).toEqual([
      ['schema.required', '/nodes/6/mode'],
      ['schema.minItems', '/nodes/6/assignees'],
    ]);
    expect(codes(validateFlow({ ...flow, nodes: [{ id: 'a', type: 'timer' }, flow.nodes[5]] }))).toEqual([
      ['schema.enum', '/nodes/0/type'],
    ]);
    expect(
      codes(
        validateFlow({
          ...flow,
          nodes: [...flow.nodes, { id: 'y', type: 'cc', recipients: [{ kind: 'guru' }] }],
        }),
      ),
    ).toEqual([['schema.enum', '/nodes/6/recipients/0/kind']]);
  });

  it('checks structure and references', () => {
    const bad: Flow = {
      ...flow,
      nodes: [...flow.nodes.slice(0, 5), { id: 'lead', type: 'start' }],
      edges: [...flow.edges.slice(0, 2), { from: 'check', to: 'fix', branch: 'big' }],
    };
    expect(codes(validateFlow(bad, { ...scope, roles: [] }))).toEqual([
      ['key.duplicate', '/nodes/5/id'],
      ['flow.start', '/nodes'],
      ['flow.end', '/nodes'],
      ['flow.branch', '/nodes/1/branches/0'],
      ['flow.branch', '/nodes/1/branches/1'],
      ['flow.deadEnd', '/nodes/2'],
      ['ref.role', '/nodes/2/assignees/1/role'],
      ['flow.deadEnd', '/nodes/3'],
      ['flow.deadEnd', '/nodes/4'],
      ['flow.deadEnd', '/nodes/5'],
    ]);
  });

  it('checks assignee field types and branch formulas against the form', () => {
    const bad = JSON.parse(JSON.stringify(flow)) as Flow & { nodes: Array<Record<string, unknown>> };
    (bad.nodes[2]!.assignees as Array<Record<string, unknown>>)[0]!.field = 'amount';
    (bad.nodes[1]!.branches as Array<Record<string, unknown>>)[0]!.condition = 'total > 100';
    expect(codes(validateFlow(bad, scope))).toEqual([
      ['formula.unknownField', '/nodes/1/branches/0/condition'],
      ['ref.fieldType', '/nodes/2/assignees/0/field'],
    ]);
  });
});

describe('automations, dashboards, roles, apps', () => {
  it('validates triggers and actions', () => {
    const a = {
      key: 'nightly',
      name: label,
      trigger: { type: 'recordUpdated', form: 'orders', fields: ['amount'] },
      conditions: ['amount > 10'],
      actions: [
        { type: 'notify', config: { to: [{ kind: 'field', field: 'buyer' }], title: 'Big {{amount}}' } },
      ],
    };
    expect(validateAutomation(a, scope)).toEqual([]);
    // Conditions may read the run's input and, in actions, a forEach item; other names must be fields.
    expect(
      codes(validateAutomation({ ...a, conditions: ['input.limit < amount', 'nope > 1'] }, scope)),
    ).toEqual([['formula.unknownField', '/conditions/1']]);
    // Each action's config is validated by the action registry.
    expect(codes(validateAutomation({ ...a, actions: [{ type: 'notify', config: { to: [] } }] }))).toEqual([
      ['schema.required', '/actions/0/config/title'],
      ['schema.minItems', '/actions/0/config/to'],
    ]);
    expect(codes(validateAutomation({ ...a, actions: [{ type: 'teleport', config: {} }] }))).toEqual([
      ['ref.action', '/actions/0/type'],
    ]);
    const distribute = {
      type: 'distribute',
      config: { form: 'orders', relation: 'parent', source: 'amount', target: 'amount', method: 'thirds' },
    };
    expect(codes(validateAutomation({ ...a, actions: [distribute] }))).toEqual([
      ['schema.enum', '/actions/0/config/method'],
    ]);
    const update = {
      type: 'updateRecords',
      config: {
        form: 'orders',
        filter: { field: '_id', op: 'eq', value: { $field: '_id' } },
        values: { amount: 'amount + 1' },
      },
    };
    expect(codes(validateAutomation({ ...a, actions: [update] }, scope))).toEqual([]);
    expect(
      codes(
        validateAutomation(
          { ...a, actions: [{ ...update, config: { ...update.config, form: 'ghosts' } }] },
          scope,
        ),
      ),
    ).toEqual([['ref.form', '/actions/0/config/form']]);
    for (const trigger of [
      { type: 'recordDeleted', form: 'orders' },
      { type: 'flowEnded', form: 'orders', outcome: 'approved' },
    ])
      expect(codes(validateAutomation({ ...a, trigger }, scope))).toEqual([]);
    expect(
      codes(validateAutomation({ ...a, trigger: { type: 'flowEnded', form: 'orders', outcome: 'done' } })),
    ).toEqual([['schema.enum', '/trigger/outcome']]);
    expect(codes(validateAutomation({ ...a, trigger: { type: 'scheduled', cron: 'every day' } }))).toEqual([
      ['schema.pattern', '/trigger/cron'],
    ]);
    expect(codes(validateAutomation({ ...a, trigger: { type: 'scheduled', cron: '*/5 * * * *' } }))).toEqual(
      [],
    );
    expect(codes(validateAutomation({ ...a, trigger: { type: 'webhook' } }))).toEqual([
      ['schema.enum', '/trigger/type'],
    ]);
    expect(codes(validateAutomation({ ...a, actions: [] }))).toEqual([['schema.minItems', '/actions']]);
    expect(codes(validateAutomation({ ...a, actions: [{ type: 'Notify!', config: {} }] }))).toEqual([
      ['schema.pattern', '/actions/0/type'],
    ]);
    expect(codes(validateAutomation({ ...a, trigger: { ...a.trigger, fields: ['total'] } }, scope))).toEqual([
      ['ref.field', '/trigger/fields/0'],
    ]);
  });

  it('validates widgets of every type', () => {
    const types = ['kpi', 'bar', 'line', 'pie', 'table', 'funnel', 'ranking', 'pivot', 'gauge'];
    const d = {
      key: 'main',
      name: label,
      widgets: types.map((type) => ({
        key: `w${type}`,
        type,
        title: label,
        source: { form: 'orders' },
        dimensions: [{ field: '_createdAt', granularity: 'month' }],
        measures: [{ field: 'amount', aggregate: 'sum' }, { aggregate: 'count' }],
        filter: { field: 'buyer', op: 'eq', value: { $me: true } },
      })),
    };
    expect(validateDashboard(d, scope)).toEqual([]);
    const bad = {
      ...d,
      widgets: [{ ...d.widgets[0], type: 'radar', dimensions: [{ field: 'x', granularity: 'hour' }] }],
    };
    expect(codes(validateDashboard(bad))).toEqual([
      ['schema.enum', '/widgets/0/type'],
      ['schema.enum', '/widgets/0/dimensions/0/granularity'],
    ]);
    expect(validateWidget(d.widgets[3], scope)).toEqual([]);
    expect(codes(validateWidget({ ...d.widgets[3], source: { form: 'nope' } }, scope))).toEqual([
      ['ref.form', '/source/form'],
    ]);
    expect(
      codes(validateWidget({ ...d.widgets[3], measures: [{ field: 'total', aggregate: 'avg' }] }, scope)),
    ).toEqual([['ref.field', '/measures/0/field']]);
    const dup = { ...d, widgets: [d.widgets[0], d.widgets[0]] };
    expect(codes(validateDashboard(dup, scope))).toEqual([['key.duplicate', '/widgets/1/key']]);
  });

  it('validates roles and data scopes', () => {
    const r = {
      key: 'clerk',
      name: label,
      forms: [
        {
          form: 'orders',
          submit: true,
          view: 'departmentAndBelow',
          edit: 'own',
          delete: { custom: { field: 'buyer', op: 'eq', value: { $me: true } } },
          export: false,
          manage: false,
          fields: [{ field: 'amount', access: 'readOnly' }],
        },
      ],
      dashboards: ['main'],
    };
    expect(validateRole(r, scope)).toEqual([]);
    const bad = {
      ...r,
      forms: [{ ...r.forms[0], view: 'team', fields: [{ field: 'amount', access: 'write' }] }],
    };
    expect(codes(validateRole(bad))).toEqual([
      ['schema.enum', '/forms/0/fields/0/access'],
      ['schema.enum', '/forms/0/view'],
    ]);
    expect(codes(validateRole({ ...r, forms: [r.forms[0], r.forms[0]] }, scope))).toEqual([
      ['key.duplicate', '/forms/1/form'],
    ]);
  });

  it('restricts one subform column by `subform.column`, and only a real one', () => {
    const withColumns = (fields: unknown[]) => ({
      key: 'clerk',
      name: label,
      forms: [{ form: 'orders', view: 'all', fields }],
    });
    expect(validateRole(withColumns([{ field: 'lines.sku', access: 'hidden' }]), scope)).toEqual([]);
    expect(codes(validateRole(withColumns([{ field: 'lines.price', access: 'hidden' }]), scope))).toEqual([
      ['ref.field', '/forms/0/fields/0/field'],
    ]);
    expect(codes(validateRole(withColumns([{ field: 'lines.sku.x', access: 'hidden' }])))).toEqual([
      ['schema.pattern', '/forms/0/fields/0/field'],
    ]);
  });

  it('declassifies derived fields only (formulas, lookups, rollups, default formulas)', () => {
    const quotes: Form = {
      key: 'quotes',
      name: label,
      fields: [
        { key: 'cost', type: 'number', label },
        { key: 'payable', type: 'formula', label, expression: 'cost * 2', resultType: 'number' },
        { key: 'guess', type: 'number', label, default: { formula: 'cost + 1' } },
        { key: 'note', type: 'text', label },
      ],
    };
    const role = (fields: unknown[]) => ({
      key: 'rep',
      name: label,
      forms: [{ form: 'quotes', view: 'all', fields }],
    });
    const visible = (field: string) => ({ field, access: 'visible' });
    expect(validateRole(role([visible('payable'), visible('guess')]), { forms: [quotes] })).toEqual([]);
    const issues = validateRole(role([{ field: 'cost', access: 'hidden' }, visible('note')]), {
      forms: [quotes],
    });
    expect(codes(issues)).toEqual([['access.notDerived', '/forms/0/fields/1/field']]);
  });

  it('validates apps', () => {
    expect(validateApp({ key: 'crm', name: label, menu: [{ kind: 'form', form: 'orders' }] })).toEqual([]);
    expect(codes(validateApp({ key: 'crm', name: label, color: 'blue', menu: [{ kind: 'page' }] }))).toEqual([
      ['schema.pattern', '/color'],
      ['schema.enum', '/menu/0/kind'],
    ]);
  });

  it('checks a form alone, and its references once other forms are known', () => {
    const form: Form = {
      key: 'items',
      name: label,
      fields: [
        { key: 'order', type: 'relation', label, form: 'orders', displayField: 'note' },
        { key: 'buyer', type: 'lookup', label, relation: 'order', field: 'buyer' },
        { key: 'spent', type: 'rollup', label, form: 'orders', field: 'amount', aggregate: 'sum' },
        { key: 'qty', type: 'number', label, validation: { min: 5, max: 1 } },
      ],
    };
    expect(codes(validateForm(form))).toEqual([['range.inverted', '/fields/3/validation']]);
    expect(codes(validateForm(form, { forms: [] }))).toEqual([
      ['ref.form', '/fields/0/form'],
      ['ref.form', '/fields/2/form'],
      ['range.inverted', '/fields/3/validation'],
    ]);
    expect(codes(validateForm(form, scope))).toEqual([['range.inverted', '/fields/3/validation']]);
  });
});
