import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember } from '../auth/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';

let t: TestApp;
let w: Workspace;
let formId: string;

const text = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'text',
  label: label(key),
  ...extra,
});
const base = { key: 'tickets', name: label('Tickets') };

async function save(fields: unknown[], extra: Record<string, unknown> = {}) {
  const current = (await call(t, w, 'GET', `/forms/${formId}`)).json();
  return call(t, w, 'PUT', `/forms/${formId}`, { definition: { ...base, fields, ...extra }, v: current.v });
}

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  formId = await createForm(t, w, { ...base, fields: [text('title'), text('code'), text('note')] });
  for (const data of [{ title: 'a', code: '12' }, { title: 'b', code: 'x7' }, { title: 'c' }]) {
    expect((await call(t, w, 'POST', `/forms/${formId}/records`, { data })).statusCode).toBe(201);
  }
});
afterAll(async () => t?.close());

describe('form versions, diffs and the publish preview', () => {
  it('previews a publish without writing: hidden fields, conversions that fail, newly required fields', async () => {
    const draft = [
      text('title', { required: true, label: label('Subject') }),
      { key: 'code', type: 'number', label: label('code') },
      text('owner', { required: true }),
    ];
    expect((await save(draft)).statusCode).toBe(200);
    const res = await call(t, w, 'POST', `/forms/${formId}/publish/preview`);
    expect(res.statusCode).toBe(200);
    const preview = res.json();
    expect(preview).toMatchObject({
      version: 2,
      records: 3,
      hidden: ['note'],
      recompute: false,
      required: [
        { field: 'title', empty: 0 },
        { field: 'owner', empty: 3 },
      ],
    });
    expect(preview.conversions).toEqual([
      {
        field: 'code',
        from: 'text',
        to: 'number',
        converted: 1,
        failed: 1,
        example: expect.objectContaining({ value: 'x7' }),
      },
    ]);
    const changes = Object.fromEntries(
      preview.diff.fields.map((c: { key: string; change: string }) => [c.key, c]),
    );
    expect(changes.title).toMatchObject({ change: 'changed', properties: ['label', 'required'] });
    expect(changes.code).toMatchObject({ change: 'changed', properties: ['type'] });
    expect(changes.owner).toMatchObject({ change: 'added' });
    expect(changes.note).toMatchObject({ change: 'removed' });
    // Nothing was written: the form is still at version 1 and the stored value is untouched.
    expect((await call(t, w, 'GET', `/forms/${formId}`)).json().version).toBe(1);
    // The publish itself refuses the lossy conversion with the path of the field, as the preview said.
    const refused = await call(t, w, 'POST', `/forms/${formId}/publish`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details[0].path).toBe('/fields/1/type');
  });

  it('lists versions newest first and diffs any two, or a version against the draft', async () => {
    expect(
      (await save([text('title', { label: label('Subject') }), text('code'), text('note')])).statusCode,
    ).toBe(200);
    expect((await call(t, w, 'POST', `/forms/${formId}/publish`)).statusCode).toBe(200);
    expect(
      (await save([text('title', { label: label('Subject') }), text('code')], { titleField: 'title' }))
        .statusCode,
    ).toBe(200);
    expect((await call(t, w, 'POST', `/forms/${formId}/publish`)).statusCode).toBe(200);

    const list = await call(t, w, 'GET', `/forms/${formId}/versions`);
    expect(list.statusCode).toBe(200);
    expect(list.json().map((v: { version: number; fields: number }) => [v.version, v.fields])).toEqual([
      [3, 2],
      [2, 3],
      [1, 3],
    ]);

    const diff = (await call(t, w, 'GET', `/forms/${formId}/versions/diff?from=1&to=3`)).json();
    expect(diff.from).toBe(1);
    expect(diff.form).toEqual(['titleField']);
    expect(diff.fields.map((c: { key: string; change: string }) => `${c.change}:${c.key}`)).toEqual([
      'changed:title',
      'removed:note',
    ]);
    const same = (await call(t, w, 'GET', `/forms/${formId}/versions/diff?from=3&to=draft`)).json();
    expect(same).toEqual({ from: 3, to: 'draft', form: [], fields: [] });
  });

  it('answers 400 for a malformed version, 404 for an unknown one or another workspace', async () => {
    const bad = await call(t, w, 'GET', `/forms/${formId}/versions/diff?from=one&to=2`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('/from');
    expect((await call(t, w, 'GET', `/forms/${formId}/versions/diff?from=1`)).statusCode).toBe(400);
    expect((await call(t, w, 'GET', `/forms/${formId}/versions/diff?from=1&to=99`)).statusCode).toBe(404);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: w.owner.headers,
      payload: { name: 'Elsewhere' },
    });
    const other = { ...w, base: `/api/v1/workspaces/${created.json().id}` };
    expect((await call(t, other, 'GET', `/forms/${formId}/versions`)).statusCode).toBe(404);
    expect((await call(t, other, 'POST', `/forms/${formId}/publish/preview`)).statusCode).toBe(404);
  });

  it('lets only form managers preview a publish', async () => {
    const member = await addMember(t.app, w.owner, w.ws, 'plain@example.com');
    expect(
      (await call(t, w, 'POST', `/forms/${formId}/publish/preview`, undefined, member.headers)).statusCode,
    ).toBe(403);
  });
});
