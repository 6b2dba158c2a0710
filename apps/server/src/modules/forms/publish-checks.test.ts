import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember } from '../auth/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';

// Issue 10, items 16 and 17: what every write of a form would refuse is refused when the form is
// published (422 with the path), and default formulas are type-checked; CURRENT_USER() works.

let t: TestApp;
let w: Workspace;

const text = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'text',
  label: label(key),
  ...extra,
});
const num = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'number',
  label: label(key),
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  await createForm(t, w, {
    key: 'customers',
    name: label('Customers'),
    fields: [text('name'), text('region')],
  });
  await createForm(t, w, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'customer', type: 'relation', label: label('Customer'), form: 'customers' },
      { key: 'region', type: 'lookup', label: label('Region'), relation: 'customer', field: 'region' },
      num('amount'),
      { key: 'tags', type: 'checkbox', label: label('Tags'), options: [{ value: 'a' }, { value: 'b' }] },
    ],
  });
});
afterAll(async () => t?.close());

const post = (definition: unknown) => call(t, w, 'POST', `/apps/${w.appId}/forms`, definition);

describe('publish runs the checks writes run', () => {
  it('a rollup filtered on a lookup field publishes and computes (every write failed with 400 before)', async () => {
    const east = (
      await call(t, w, 'POST', `/forms/${await formId('customers')}/records`, {
        data: { name: 'A', region: 'east' },
      })
    ).json();
    const deals = await formId('deals');
    for (const amount of [10, 32]) {
      const res = await call(t, w, 'POST', `/forms/${deals}/records`, {
        data: { customer: east.id, amount },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const created = await post({
      key: 'totals',
      name: label('Totals'),
      fields: [
        text('region'),
        {
          key: 'sum',
          type: 'rollup',
          label: label('Sum'),
          form: 'deals',
          field: 'amount',
          aggregate: 'sum',
          conditions: { field: 'region', op: 'eq', value: { $field: 'region' } },
        },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const rec = await call(t, w, 'POST', `/forms/${created.json().id}/records`, { data: { region: 'east' } });
    expect(rec.statusCode, rec.body).toBe(201);
    expect(rec.json().data.sum).toBe(42);
  });

  it('refuses rollup conditions every record would fail, with the path (create and update)', async () => {
    const rollup = (conditions: unknown) => ({
      key: 'bad',
      type: 'rollup',
      label: label('Bad'),
      form: 'deals',
      field: 'amount',
      aggregate: 'sum',
      conditions,
    });
    const wrongKind = await post({
      key: 'r1',
      name: label('R1'),
      fields: [text('x'), rollup({ and: [{ field: 'amount', op: 'eq', value: 'lots' }] })],
    });
    expect(wrongKind.statusCode, wrongKind.body).toBe(422);
    expect(wrongKind.json().error.details).toEqual([
      { path: '/fields/1/conditions/and/0/value', message: 'must be a number, got a string' },
    ]);
    const wrongOp = await post({
      key: 'r2',
      name: label('R2'),
      fields: [rollup({ field: 'tags', op: 'gt', value: 'a' })],
    });
    expect(wrongOp.statusCode).toBe(422);
    expect(wrongOp.json().error.details[0].path).toBe('/fields/0/conditions/value');
    // Nothing was created.
    const forms = (await call(t, w, 'GET', `/apps/${w.appId}/forms`)).json() as Array<{ key: string }>;
    expect(forms.map((f) => f.key)).not.toContain('r1');
    // Publishing an edit runs the same check.
    const id = (await post({ key: 'r3', name: label('R3'), fields: [text('x')] })).json().id;
    const edit = await call(t, w, 'PUT', `/forms/${id}`, {
      definition: {
        key: 'r3',
        name: label('R3'),
        fields: [text('x'), rollup({ field: 'amount', op: 'contains', value: 'x' })],
      },
      publish: true,
    });
    expect(edit.statusCode).toBe(422);
    expect(edit.json().error.details[0].path).toBe('/fields/1/conditions/value');
    expect((await call(t, w, 'GET', `/forms/${id}`)).json().version).toBe(1);
  });

  it('refuses an auto-link rule, and one in a subform column, that no write could compile', async () => {
    const res = await post({
      key: 'linked',
      name: label('Linked'),
      fields: [
        {
          key: 'rows',
          type: 'subform',
          label: label('Rows'),
          columns: [
            text('r'),
            {
              key: 'deal',
              type: 'relation',
              label: label('Deal'),
              form: 'deals',
              autoLink: { field: 'amount', op: 'startsWith', value: '1' },
            },
          ],
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.details).toEqual([
      { path: '/fields/0/columns/1/autoLink/value', message: 'startsWith applies to text fields' },
    ]);
  });

  it('refuses default formulas that do not compile or do not fit the field, with the path', async () => {
    const unknown = await post({
      key: 'd1',
      name: label('D1'),
      fields: [text('who', { default: { formula: 'NOPE()' } })],
    });
    expect(unknown.statusCode, unknown.body).toBe(422);
    expect(unknown.json().error.details).toEqual([
      {
        path: '/fields/0/default/formula',
        code: 'formula.UNKNOWN_FUNCTION',
        message: 'Unknown function "NOPE". (at character 0)',
      },
    ]);
    const wrongType = await post({
      key: 'd2',
      name: label('D2'),
      fields: [text('a'), num('n', { default: { formula: 'TODAY()' } })],
    });
    expect(wrongType.statusCode).toBe(422);
    expect(wrongType.json().error.details[0]).toMatchObject({
      path: '/fields/1/default/formula',
      code: 'formula.TYPE_MISMATCH',
    });
    const typed = await post({
      key: 'd3',
      name: label('D3'),
      fields: [num('n'), num('m', { default: { formula: 'n * 2' } })],
    });
    expect(typed.statusCode, typed.body).toBe(201);
    const rec = await call(t, w, 'POST', `/forms/${typed.json().id}/records`, { data: { n: 4 } });
    expect(rec.json().data.m).toBe(8);
  });

  it('refuses validation formulas and visibility rules that would fail every write', async () => {
    const validation = await post({
      key: 'v1',
      name: label('V1'),
      fields: [num('n', { validation: { formula: 'n > "x" + ' } })],
    });
    expect(validation.statusCode).toBe(422);
    expect(validation.json().error.details[0].path).toBe('/fields/0/validation/formula');
    const visibility = await post({
      key: 'v2',
      name: label('V2'),
      fields: [num('n'), text('why', { visibleWhen: 'NOPE(n)' })],
    });
    expect(visibility.statusCode).toBe(422);
    expect(visibility.json().error.details[0].path).toBe('/fields/1/visibleWhen');
  });

  it('refuses the same in an imported pack, with the path inside the pack', async () => {
    const res = await call(t, w, 'POST', '/apps/import', {
      pack: {
        manifest: { key: 'packed', name: label('Packed'), version: '0.1.0', locales: ['en'] },
        forms: [
          { key: 'a', name: label('A'), fields: [num('n'), text('b', { default: { formula: 'NOPE()' } })] },
          {
            key: 'c',
            name: label('C'),
            fields: [
              {
                key: 's',
                type: 'rollup',
                label: label('S'),
                form: 'a',
                field: 'n',
                aggregate: 'sum',
                conditions: { field: 'n', op: 'eq', value: 'x' },
              },
            ],
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual([
      '/forms/0/fields/1/default/formula',
      '/forms/1/fields/0/conditions/value',
    ]);
  });
});

describe('CURRENT_USER()', () => {
  it('fills a member field with whoever creates the record, in the server and as the docs show', async () => {
    const id = await createForm(t, w, {
      key: 'leave',
      name: label('Leave'),
      fields: [
        {
          key: 'employee',
          type: 'member',
          label: label('Employee'),
          required: true,
          default: { formula: 'CURRENT_USER()' },
        },
        text('why'),
      ],
    });
    const mine = await call(t, w, 'POST', `/forms/${id}/records`, { data: { why: 'rest' } });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json().data.employee).toBe(w.owner.userId);
    const other = await addMember(t.app, w.owner, w.ws, 'second@example.com', ['admin']);
    const theirs = await call(t, w, 'POST', `/forms/${id}/records`, { data: { why: 'trip' } }, other.headers);
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.json().data.employee).toBe(other.userId);
    // A value sent wins over the default.
    const given = await call(t, w, 'POST', `/forms/${id}/records`, { data: { employee: other.userId } });
    expect(given.json().data.employee).toBe(other.userId);
  });

  it('is refused outside default formulas, where no one creates anything', async () => {
    const res = await post({
      key: 'who',
      name: label('Who'),
      fields: [
        { key: 'me', type: 'formula', label: label('Me'), expression: 'CURRENT_USER()', resultType: 'text' },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toEqual([
      {
        path: '/fields/0/expression',
        code: 'formula.DEFAULT_ONLY',
        message: 'CURRENT_USER() can only be used in a default value formula. (at character 0)',
      },
    ]);
    // In the language the client asks for.
    const zh = await t.app.inject({
      method: 'POST',
      url: `${w.base}/apps/${w.appId}/forms`,
      headers: { ...w.owner.headers, 'accept-language': 'zh-CN' },
      payload: {
        key: 'who',
        name: label('Who'),
        fields: [
          {
            key: 'me',
            type: 'formula',
            label: label('Me'),
            expression: 'CURRENT_USER()',
            resultType: 'text',
          },
        ],
      },
    });
    expect(zh.json().error.details[0].message).toContain('只能用于默认值公式');
  });
});

async function formId(key: string): Promise<string> {
  const forms = (await call(t, w, 'GET', `/apps/${w.appId}/forms`)).json() as Array<{
    id: string;
    key: string;
  }>;
  const form = forms.find((f) => f.key === key);
  if (!form) throw new Error(`no form ${key}`);
  return form.id;
}
