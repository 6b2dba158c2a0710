import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';

let t: TestApp;
let w: Workspace;

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
});
afterAll(async () => t?.close());

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
const formula = (key: string, expression: string) => ({
  key,
  type: 'formula',
  label: label(key),
  expression,
  resultType: 'number',
});

describe('form definitions', () => {
  it('lists the published forms of an app as API.md shows them', async () => {
    const id = await createForm(t, w, { key: 'listed', name: label('Listed'), fields: [text('a')] });
    const res = await call(t, w, 'GET', `/apps/${w.appId}/forms`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toContainEqual({
      id,
      key: 'listed',
      name: label('Listed'),
      version: 1,
      fields: [text('a')],
    });
  });

  it('rejects invalid definitions with 400 and paths', async () => {
    const res = await call(t, w, 'POST', `/apps/${w.appId}/forms`, {
      key: 'bad',
      name: label('Bad'),
      fields: [
        text('a'),
        { key: 'a', type: 'number', label: label('dup') },
        { key: 'b', type: 'nope', label: label('b') },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.length).toBeGreaterThan(0);
    const dupKey = await call(t, w, 'POST', `/apps/${w.appId}/forms`, {
      key: 'listed',
      name: label('x'),
      fields: [text('a')],
    });
    expect(dupKey.statusCode).toBe(409);
  });

  it('answers 422 with the formula position for cycles and type errors', async () => {
    const cycle = await call(t, w, 'POST', `/apps/${w.appId}/forms`, {
      key: 'cyclic',
      name: label('Cyclic'),
      fields: [formula('a', 'b + 1'), formula('b', 'a * 2')],
    });
    expect(cycle.statusCode).toBe(422);
    expect(cycle.json().error.details[0]).toMatchObject({
      code: 'formula.CIRCULAR_REFERENCE',
      message: expect.stringMatching(/^Circular reference: (a → b → a|b → a → b)\./),
    });
    const typeError = await call(t, w, 'POST', `/apps/${w.appId}/forms`, {
      key: 'typed',
      name: label('Typed'),
      fields: [text('name'), formula('x', '1 + ROUND(name, "a")')],
    });
    expect(typeError.statusCode).toBe(422);
    expect(typeError.json().error.details[0]).toMatchObject({
      path: '/fields/1/expression',
      code: expect.stringMatching(/^formula\.(TYPE_MISMATCH|WRONG_ARGUMENT_COUNT)$/),
      message: expect.stringMatching(/\(at character \d+\)$/),
    });
  });
});

describe('versions and evolution', () => {
  it('publishes versions, keeps formVersion on records, hides removed fields without losing data', async () => {
    const id = await createForm(t, w, {
      key: 'evolving',
      name: label('Evolving'),
      fields: [text('a'), num('n')],
    });
    const r1 = (await call(t, w, 'POST', `/forms/${id}/records`, { data: { a: 'one', n: 1 } })).json();
    expect(r1.formVersion).toBe(1);
    const edit = await call(t, w, 'PUT', `/forms/${id}`, {
      definition: { key: 'evolving', name: label('Evolving'), fields: [text('a'), text('c')] },
      publish: true,
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json().report).toMatchObject({ version: 2, hidden: ['n'] });
    expect(edit.json().form.published.fields).toContainEqual({ ...num('n'), hidden: true });
    const r2 = (await call(t, w, 'POST', `/forms/${id}/records`, { data: { a: 'two', c: 'new' } })).json();
    expect(r2.formVersion).toBe(2);
    // The removed field takes no new data...
    expect((await call(t, w, 'POST', `/forms/${id}/records`, { data: { a: 'x', n: 5 } })).statusCode).toBe(
      400,
    );
    // ...and is shown nowhere, but its stored values survive and come back if the field does.
    const read = (await call(t, w, 'GET', `/forms/${id}/records/${r1.id}`)).json();
    expect(read.data).toEqual({ a: 'one' });
    const patched = await call(t, w, 'PATCH', `/forms/${id}/records/${r1.id}`, {
      v: 1,
      data: { c: 'added' },
    });
    expect(patched.json()).toMatchObject({ formVersion: 2, data: { a: 'one', c: 'added' } });
    const back = await call(t, w, 'PUT', `/forms/${id}`, {
      definition: { key: 'evolving', name: label('Evolving'), fields: [text('a'), text('c'), num('n')] },
      publish: true,
    });
    expect(back.json().report.version).toBe(3);
    expect((await call(t, w, 'GET', `/forms/${id}/records/${r1.id}`)).json().data).toEqual({
      a: 'one',
      c: 'added',
      n: 1,
    });
    const v1 = await call(t, w, 'GET', `/forms/${id}/versions/1`);
    expect(v1.statusCode, v1.body).toBe(200);
    expect(v1.json().definition.fields.map((f: { key: string }) => f.key)).toEqual(['a', 'n']);
  });

  it('never changes a key', async () => {
    const id = await createForm(t, w, { key: 'fixed', name: label('Fixed'), fields: [text('a')] });
    const res = await call(t, w, 'PUT', `/forms/${id}`, {
      definition: { key: 'renamed', name: label('F'), fields: [text('a')] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe('/key');
  });

  it('refuses a lossy type change with an explanation, and migrates one where every value converts', async () => {
    const id = await createForm(t, w, {
      key: 'typed2',
      name: label('T'),
      fields: [text('code'), text('amount')],
    });
    const a = (
      await call(t, w, 'POST', `/forms/${id}/records`, { data: { code: 'A1', amount: '12.5' } })
    ).json();
    const b = (
      await call(t, w, 'POST', `/forms/${id}/records`, { data: { code: 'B2', amount: '7' } })
    ).json();
    const lossy = await call(t, w, 'PUT', `/forms/${id}`, {
      definition: { key: 'typed2', name: label('T'), fields: [num('code'), text('amount')] },
      publish: true,
    });
    expect(lossy.statusCode).toBe(422);
    expect(lossy.json().error.details[0]).toMatchObject({
      path: '/fields/0/type',
      message: expect.stringContaining('would lose data: 2 stored value(s)'),
    });
    // Nothing was published or converted.
    expect((await call(t, w, 'GET', `/forms/${id}`)).json().version).toBe(1);
    const ok = await call(t, w, 'PUT', `/forms/${id}`, {
      definition: { key: 'typed2', name: label('T'), fields: [text('code'), num('amount')] },
      publish: true,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().report.migrations).toEqual([
      { field: 'amount', from: 'text', to: 'number', converted: 2 },
    ]);
    const readA = (await call(t, w, 'GET', `/forms/${id}/records/${a.id}`)).json();
    expect(readA.data.amount).toBe(12.5);
    expect(readA.v).toBe(2);
    const history = (await call(t, w, 'GET', `/forms/${id}/records/${b.id}/history`)).json();
    expect(history.at(-1)).toMatchObject({
      action: 'migrate',
      by: null,
      changes: [{ key: 'amount', to: 7 }],
    });
  });

  it('refuses stale form edits with 409', async () => {
    const id = await createForm(t, w, { key: 'stale', name: label('S'), fields: [text('a')] });
    const definition = { key: 'stale', name: label('S'), fields: [text('a'), text('b')] };
    expect((await call(t, w, 'PUT', `/forms/${id}`, { definition, v: 1 })).statusCode).toBe(200);
    expect((await call(t, w, 'PUT', `/forms/${id}`, { definition, v: 1 })).statusCode).toBe(409);
  });
});

describe('rules and recompute on publish', () => {
  it('applies visibility rules to required fields and runs validation formulas', async () => {
    const id = await createForm(t, w, {
      key: 'ruled',
      name: label('Ruled'),
      fields: [
        num('amount'),
        text('reason', { required: true, visibleWhen: 'amount > 100' }),
        num('discount', {
          validation: { formula: 'IF(discount <= amount / 2, TRUE, "at most half the amount")' },
        }),
      ],
    });
    const small = await call(t, w, 'POST', `/forms/${id}/records`, { data: { amount: 50 } });
    expect(small.statusCode, small.body).toBe(201);
    const big = await call(t, w, 'POST', `/forms/${id}/records`, { data: { amount: 500 } });
    expect(big.statusCode).toBe(400);
    expect(big.json().error.details).toContainEqual({
      path: '/data/reason',
      message: 'reason is required',
      code: 'schema.required',
    });
    const discount = await call(t, w, 'POST', `/forms/${id}/records`, { data: { amount: 50, discount: 40 } });
    expect(discount.statusCode).toBe(400);
    expect(discount.json().error.details).toEqual([
      { path: '/data/discount', message: 'at most half the amount' },
    ]);
    expect(
      (await call(t, w, 'POST', `/forms/${id}/records`, { data: { amount: 50, discount: 20 } })).statusCode,
    ).toBe(201);
  });

  it('recomputes stored records when a published version changes a formula', async () => {
    const id = await createForm(t, w, {
      key: 'reformula',
      name: label('R'),
      fields: [num('n'), formula('double', 'n * 2')],
    });
    const rec = (await call(t, w, 'POST', `/forms/${id}/records`, { data: { n: 4 } })).json();
    expect(rec.data.double).toBe(8);
    const res = await call(t, w, 'PUT', `/forms/${id}`, {
      definition: { key: 'reformula', name: label('R'), fields: [num('n'), formula('double', 'n * 3')] },
      publish: true,
    });
    expect(res.statusCode).toBe(200);
    const deadline = Date.now() + 15_000;
    let data = rec.data;
    while (data.double !== 12 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      data = (await call(t, w, 'GET', `/forms/${id}/records/${rec.id}`)).json().data;
    }
    expect(data.double).toBe(12);
  });
});
