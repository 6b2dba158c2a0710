import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Field,
  formulaFieldMap,
  formulaIdentifiers,
  type Issue,
  type TemplatePack,
  validateTemplatePack,
} from '../index.js';
import { salesPack } from './fixtures/sales-pack.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const codes = (issues: Issue[]) => issues.map((i) => [i.code, i.path]);

function mutate(change: (p: TemplatePack) => void): Issue[] {
  const p = clone(salesPack);
  change(p);
  return validateTemplatePack(p);
}

const form = (p: TemplatePack, key: string) => p.forms.find((f) => f.key === key)!;
const field = (p: TemplatePack, formKey: string, key: string) =>
  form(p, formKey).fields.find((f) => f.key === key)! as Field & Record<string, unknown>;

// Compiling the pack schema takes a moment on a loaded machine; do it once, outside the timed tests.
beforeAll(() => {
  validateTemplatePack({});
}, 120_000);

describe('the sales-performance pack fixture', () => {
  it('validates without issues', () => {
    expect(validateTemplatePack(salesPack)).toEqual([]);
  });

  it('is plain JSON: it survives a JSON round trip and still validates', () => {
    expect(validateTemplatePack(JSON.parse(JSON.stringify(salesPack)))).toEqual([]);
  });

  it('gives the formula checker a typed field map with columns and lookups', () => {
    const findForm = (key: string) => salesPack.forms.find((f) => f.key === key);
    const quotes = formulaFieldMap(form(salesPack, 'quotes'), { findForm });
    expect(quotes).toMatchObject({
      total: 'money',
      maxDiscount: 'percent',
      items: 'any',
      'items.qty': 'number[]',
      'items.discount': 'percent[]',
      'items.lineTotal': 'money[]',
      customer: 'text',
      opportunity: 'text',
      'opportunity.stage': 'select',
      'opportunity.amount': 'money',
      creator: 'member',
      createdAt: 'datetime',
      no: 'text',
    });
    const rows = formulaFieldMap(form(salesPack, 'quotes'), { findForm, columnsOf: 'items' });
    expect(rows).toMatchObject({ qty: 'number', unitPrice: 'money', total: 'money' });
    const targets = formulaFieldMap(form(salesPack, 'targets'), { findForm });
    expect(targets).toMatchObject({ actualRevenue: 'money', actualVisits: 'number', assignee: 'member' });
    const statements = formulaFieldMap(form(salesPack, 'commission_statements'), { findForm });
    expect(statements).toMatchObject({ quota: 'money', planMode: 'select', planCap: 'percent' });
    // A lookup of a subform holds the related record's rows; its columns read as lists.
    expect(statements).toMatchObject({
      planTiers: 'any',
      'planTiers.from': 'percent[]',
      'planTiers.rate': 'percent[]',
    });
  });
});

describe('pack cross-reference checks', () => {
  it('reports a schema error inside a form with its full path, and nothing else', () => {
    const issues = mutate((p) => {
      delete field(p, 'contracts', 'amount').currency;
    });
    expect(codes(issues)).toEqual([['schema.required', '/forms/4/fields/3/currency']]);
  });

  it('finds duplicate keys of forms, fields and subform columns', () => {
    const issues = mutate((p) => {
      p.forms.push({ ...clone(form(p, 'awards')) });
      form(p, 'visits').fields.push({ key: 'summary', type: 'text', label: { en: 'x' } });
      const items = field(p, 'quotes', 'items') as { columns: Field[] };
      items.columns.push({ key: 'qty', type: 'number', label: { en: 'q' } });
    });
    expect(codes(issues)).toEqual([
      ['key.duplicate', '/forms/12/key'],
      ['key.duplicate', '/forms/1/fields/8/key'],
      ['key.duplicate', '/forms/3/fields/3/columns/5/key'],
    ]);
  });

  it('resolves relation, lookup and rollup references', () => {
    const issues = mutate((p) => {
      field(p, 'visits', 'customer').form = 'clients';
      field(p, 'opportunities', 'customer').displayField = 'title';
      field(p, 'contracts', 'customer').relation = 'owner';
      field(p, 'payments', 'owner').field = 'seller';
      const rev = field(p, 'targets', 'actualRevenue');
      rev.field = 'amt';
      (rev.conditions as { and: Array<{ or?: Array<{ field: string; value?: unknown }> }> }).and[0]!
        .or![1]!.value = {
        $field: 'team',
      };
      field(p, 'targets', 'actualVisits').form = 'meetings';
      const coll = field(p, 'targets', 'actualCollections');
      (coll.conditions as { and: Array<{ field: string }> }).and[1]!.field = 'paidAt';
    });
    expect(codes(issues)).toEqual([
      ['ref.form', '/forms/1/fields/0/form'],
      ['ref.field', '/forms/2/fields/1/displayField'],
      ['ref.fieldType', '/forms/4/fields/1/relation'],
      ['ref.field', '/forms/5/fields/1/field'],
      ['ref.field', '/forms/6/fields/10/field'],
      ['ref.field', '/forms/6/fields/10/conditions/and/0/or/1/value'],
      ['ref.field', '/forms/6/fields/11/conditions/and/1/field'],
      ['ref.form', '/forms/6/fields/12/form'],
    ]);
  });

  it('checks formula identifiers in formulas, defaults, validations and visibility rules', () => {
    const issues = mutate((p) => {
      field(p, 'quotes', 'total').expression = 'SUM(items.lineTotl) + "items.nope" /* ignored.field */';
      field(p, 'opportunities', 'closedOn').visibleWhen = 'phase == "won"';
      const items = field(p, 'quotes', 'items') as { columns: Array<Record<string, unknown>> };
      items.columns[4]!.expression = 'qty * price';
      field(p, 'awards', 'bonus').validation = { formula: 'bonus <= cap' };
    });
    expect(issues).toEqual([
      { code: 'formula.unknownField', path: '/forms/2/fields/7/visibleWhen', params: { name: 'phase' } },
      {
        code: 'formula.unknownField',
        path: '/forms/3/fields/3/columns/4/expression',
        params: { name: 'price' },
      },
      {
        code: 'formula.unknownField',
        path: '/forms/3/fields/4/expression',
        params: { name: 'items.lineTotl' },
      },
      {
        code: 'formula.unknownField',
        path: '/forms/11/fields/5/validation/formula',
        params: { name: 'cap' },
      },
    ]);
  });

  it('checks flows: form, nodes, edges, branches, roles, fields, ids', () => {
    const issues = mutate((p) => {
      const quote = p.flows![0]!;
      quote.edges = quote.edges.filter((e) => e.branch !== 'normal');
      quote.edges.push({ from: 'director', to: 'nowhere' });
      const director = quote.nodes.find((n) => n.id === 'director') as { assignees: unknown[] };
      director.assignees = [
        { kind: 'role', role: 'ceo' },
        { kind: 'member', members: ['65a1b2c3d4e5f60718293a4b'] },
      ];
      const statement = p.flows![1]!;
      statement.form = 'statements';
      statement.nodes.push({ id: 'start2', type: 'start' });
      const review = p.flows![2]!;
      const fill = review.nodes.find((n) => n.id === 'fill') as {
        assignees: Array<{ kind: string; field: string }>;
      };
      fill.assignees[0]!.field = 'period';
    });
    expect(codes(issues)).toEqual([
      ['ref.node', '/flows/0/edges/7/to'],
      ['flow.branch', '/flows/0/nodes/3/branches/1'],
      ['ref.role', '/flows/0/nodes/4/assignees/0/role'],
      ['pack.idReference', '/flows/0/nodes/4/assignees/1'],
      ['ref.form', '/flows/1/form'],
      ['flow.start', '/flows/1/nodes'],
      ['flow.deadEnd', '/flows/1/nodes/4'],
      ['ref.field', '/flows/2/nodes/1/assignees/0/field'],
    ]);
  });

  it('checks automations, dashboards, roles and the app menu', () => {
    const issues = mutate((p) => {
      const a = p.automations!;
      a[3]!.trigger = { type: 'fieldChanged', form: 'opportunities', field: 'phase' };
      a[4]!.actions[0]!.config.form = 'deals';
      a[3]!.conditions = ['phase != "lost"'];
      const cockpit = p.dashboards![0]!;
      cockpit.widgets[0]!.source.form = 'orders';
      cockpit.widgets[2]!.dimensions![0]!.field = 'signedAt';
      cockpit.widgets[5]!.filter = { and: [{ field: 'lvl', op: 'eq', value: 'rep' }] };
      cockpit.widgets[6]!.measures = [{ aggregate: 'sum' }];
      cockpit.layout!.push({ widget: 'ghost', x: 0, y: 9, w: 4, h: 4 });
      const rep = p.roles!.find((r) => r.key === 'sales_rep')!;
      rep.forms[4]!.view = { custom: { field: 'holder', op: 'eq', value: { $me: true } } };
      rep.forms[5]!.fields![0]!.field = 'secret';
      rep.dashboards = ['mine'];
      p.roles![4]!.forms[0]!.form = 'receipts';
      p.app!.menu!.push({ kind: 'dashboard', dashboard: 'nope' });
    });
    expect(codes(issues)).toEqual([
      ['ref.field', '/automations/3/trigger/field'],
      ['formula.unknownField', '/automations/3/conditions/0'],
      ['ref.form', '/automations/4/actions/0/config/form'],
      ['ref.form', '/dashboards/0/widgets/0/source/form'],
      ['ref.field', '/dashboards/0/widgets/2/dimensions/0/field'],
      ['ref.field', '/dashboards/0/widgets/5/filter/and/0/field'],
      ['schema.required', '/dashboards/0/widgets/6/measures/0/field'],
      ['ref.widget', '/dashboards/0/layout/2/widget'],
      ['ref.field', '/roles/3/forms/4/view/custom/field'],
      ['ref.field', '/roles/3/forms/5/fields/0/field'],
      ['ref.dashboard', '/roles/3/dashboards/0'],
      ['ref.form', '/roles/4/forms/0/form'],
      ['ref.dashboard', '/app/menu/3/dashboard'],
    ]);
  });

  it('checks layout sections and the title field', () => {
    const issues = mutate((p) => {
      form(p, 'customers').layout!.sections[0]!.fields.push('vip');
      form(p, 'customers').titleField = 'fullName';
    });
    expect(codes(issues)).toEqual([
      ['ref.field', '/forms/0/layout/sections/0/fields/4'],
      ['ref.field', '/forms/0/titleField'],
    ]);
  });
});

describe('formulaIdentifiers', () => {
  it('finds lower-case names and columns, not functions, strings, comments or keywords', () => {
    expect(
      formulaIdentifiers(
        'IF(a > 1 and not b, SUM(items.qty), "c d") + e.f.g * 1e5 /* h */ + \'i\' + x_1 + true',
      ),
    ).toEqual(['a', 'b', 'items.qty', 'e.f', 'x_1']);
  });
});
