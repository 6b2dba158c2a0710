import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { type AccessWorld, buildAccessWorld, DEALS, request, SECRETS, secretsIn } from './attack-fixtures.js';
import { label } from './test-fixtures.js';

/**
 * Validation formulas that read a field hidden from the writer: the rule still holds (integrity), but the
 * refusal must not carry what the formula made of the hidden value. A text result is the message a
 * formula refuses with (docs/template-format.md), so `"at most " & margin` would hand the rep the margin.
 */

let t: TestApp;
let w: AccessWorld;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAccessWorld(t);
  // The owner adds rules over margin (hidden from reps) and over items.cost (a hidden column).
  const fields = DEALS.fields.map((f) => {
    if (f.key === 'amount')
      return { ...f, validation: { formula: 'IF(amount <= margin, true, "at most " & margin)' } };
    if (f.key === 'name')
      return {
        ...f,
        validation: {
          formula: 'IF(amount > margin * 2, true, "names need " & marginx2)',
          message: label('Bad name'),
        },
      };
    if (f.key === 'items') {
      const columns = (f.columns ?? []).map((c) =>
        c.key === 'qty' ? { ...c, validation: { formula: 'IF(qty < cost, true, "qty under " & cost)' } } : c,
      );
      return { ...f, columns };
    }
    return f;
  });
  const res = await request(t, w, w.owner, 'PUT', `/forms/${w.forms.deals}`, {
    definition: { ...DEALS, fields },
    publish: true,
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => t?.close());

describe('validation formulas over hidden fields', () => {
  it("refuse the rep's write without the value the formula made of the hidden field", async () => {
    const path = `/forms/${w.forms.deals}/records/${w.ids.mine}`;
    const v = (await request(t, w, w.owner, 'GET', path)).json().v;
    const res = await request(t, w, w.rep, 'PATCH', path, {
      v,
      data: { amount: SECRETS.margin + 1, items: [{ sku: 'a', qty: 1000 }] },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(secretsIn(res.body)).toEqual([]);
    const paths = (res.json().error.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['/data/amount', '/data/items/0/qty', '/data/name']);
    // The field's own message when it has one, else the generic words.
    const byPath = Object.fromEntries(
      (res.json().error.details as { path: string; message: string }[]).map((d) => [d.path, d.message]),
    );
    expect(byPath['/data/name']).toBe('Bad name');
    expect(byPath['/data/amount']).not.toContain('at most');
    // The owner, who sees margin, gets the formula's own words.
    const owner = await request(t, w, w.owner, 'PATCH', path, { v, data: { amount: SECRETS.margin + 1 } });
    expect(owner.statusCode).toBe(400);
    expect(owner.body).toContain(`at most ${SECRETS.margin}`);
  });

  it('a create by the rep is refused the same way', async () => {
    const res = await request(t, w, w.rep, 'POST', `/forms/${w.forms.deals}/records`, {
      data: { name: 'n', amount: 5, items: [{ sku: 'b', qty: 1 }] },
    });
    // No margin on a new record: the rules compare with nothing and refuse with their text.
    expect(secretsIn(res.body)).toEqual([]);
    expect(res.body).not.toMatch(/at most|qty under|names need/);
  });
});
