import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { MAX_RECORD_BYTES } from './size.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from './test-fixtures.js';

/** Records the store would refuse as too large (issue 10, item 12): a clear 4xx, never a 500. */

let t: TestApp;
let w: Workspace;

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
});
afterAll(async () => t?.close());

describe('record size', () => {
  it('a formula whose text would outgrow the cap stores no value instead of overflowing the store (500)', async () => {
    const form = await createForm(t, w, {
      key: 'square',
      name: label('Square'),
      fields: [
        { key: 't', type: 'textarea', label: label('T') },
        {
          key: 'sq',
          type: 'formula',
          label: label('Sq'),
          expression: 'SUBSTITUTE(t, "a", t)',
          resultType: 'text',
        },
      ],
    });
    // 4,500 x 4,500 = 20 million characters: more than the store's 16 MB documents.
    const big = await call(t, w, 'POST', `/forms/${form}/records`, { data: { t: 'a'.repeat(4500) } });
    expect(big.statusCode, big.body.slice(0, 300)).toBe(201);
    expect(big.json().data.sq).toBeNull();
    const small = await call(t, w, 'POST', `/forms/${form}/records`, { data: { t: 'ab' } });
    expect(small.json().data.sq).toBe('abb');
  });

  it('a record larger than the store holds answers 413 naming its largest fields, in the asked language', async () => {
    // 70 formulas of 100,000 characters each: 7 MB, each one within the formula cap.
    const fields = [
      { key: 't', type: 'textarea', label: label('T') },
      ...Array.from({ length: 70 }, (_, i) => ({
        key: `f${i}`,
        type: 'formula',
        label: label(`F${i}`),
        expression: 't & t',
        resultType: 'text',
      })),
    ];
    const form = await createForm(t, w, { key: 'wide', name: label('Wide'), fields });
    const payload = { data: { t: 'x'.repeat(50_000) } };
    const res = await call(t, w, 'POST', `/forms/${form}/records`, payload);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(413);
    const error = res.json().error;
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toContain(String(MAX_RECORD_BYTES));
    expect(error.details.length).toBeGreaterThan(0);
    for (const detail of error.details) expect(detail.path).toMatch(/^\/data\/f\d+$/);
    const zh = await t.app.inject({
      method: 'POST',
      url: `${w.base}/forms/${form}/records`,
      headers: { ...w.owner.headers, 'accept-language': 'zh-CN' },
      payload,
    });
    expect(zh.statusCode).toBe(413);
    expect(zh.json().error.message).toContain('字节');
    // Nothing was written.
    const list = await call(t, w, 'GET', `/forms/${form}/records`);
    expect(list.json().items).toEqual([]);

    // An update that would make the record too large is refused the same way and changes nothing.
    const ok = await call(t, w, 'POST', `/forms/${form}/records`, { data: { t: 'x' } });
    expect(ok.statusCode).toBe(201);
    const patch = await call(t, w, 'PATCH', `/forms/${form}/records/${ok.json().id}`, { v: 1, ...payload });
    expect(patch.statusCode).toBe(413);
    const after = await call(t, w, 'GET', `/forms/${form}/records/${ok.json().id}`);
    expect(after.json()).toMatchObject({ v: 1, data: { t: 'x', f0: 'xx' } });
  });
});

describe('validation patterns written by users', () => {
  it('are refused at publish, at the field path, when RE2 cannot run them in linear time', async () => {
    const res = await call(t, w, 'POST', `/apps/${w.appId}/forms`, {
      key: 'lookahead',
      name: label('Lookahead'),
      fields: [
        { key: 'a', type: 'text', label: label('A') },
        { key: 'code', type: 'text', label: label('Code'), validation: { pattern: '^(?=\\d)\\w+$' } },
      ],
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details).toEqual([
      expect.objectContaining({ path: '/fields/1/validation/pattern', code: 'schema.format' }),
    ]);
  });

  it('run in linear time: ^(a+)+$ against a long value answers 400 at once (it stalled every tenant)', async () => {
    const form = await createForm(t, w, {
      key: 'redos',
      name: label('ReDoS'),
      fields: [{ key: 'v', type: 'text', label: label('V'), validation: { pattern: '^(a+)+$' } }],
    });
    // With JavaScript's RegExp, 28 characters took 3.1 s and each one more doubled it: 200 would not end.
    const evil = await call(t, w, 'POST', `/forms/${form}/records`, { data: { v: `${'a'.repeat(200)}!` } });
    expect(evil.statusCode).toBe(400);
    expect(evil.json().error.details).toEqual([expect.objectContaining({ path: '/data/v' })]);
    const good = await call(t, w, 'POST', `/forms/${form}/records`, { data: { v: 'a'.repeat(200) } });
    expect(good.statusCode).toBe(201);
  });
});
