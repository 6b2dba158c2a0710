import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { type AccessWorld, buildAccessWorld, DEALS, request, SECRETS } from './attack-fixtures.js';
import { label } from './test-fixtures.js';

/**
 * A relation linked by a rule (`autoLink`) whose conditions compare a field hidden from the writer on the
 * related form: the rule picks the record, so whether it linked one would tell the hidden value (a rep
 * writing `floor` = 90,000 then 90,002 learns that some customer's hidden credit limit lies between).
 * Like a rollup made of the fields its conditions compare, such a relation is hidden from that caller.
 */

let t: TestApp;
let w: AccessWorld;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAccessWorld(t);
  const fields = [
    ...DEALS.fields,
    { key: 'floor', type: 'number', label: label('Floor') },
    {
      key: 'bigCustomer',
      type: 'relation',
      label: label('Big customer'),
      form: 'customers',
      autoLink: { field: 'creditLimit', op: 'gte', value: { $field: 'floor' } },
    },
    // Conditions on visible fields only: shown as before.
    {
      key: 'goldCustomer',
      type: 'relation',
      label: label('Gold customer'),
      form: 'customers',
      autoLink: { field: 'tier', op: 'eq', value: 'gold' },
    },
  ];
  const res = await request(t, w, w.owner, 'PUT', `/forms/${w.forms.deals}`, {
    definition: { ...DEALS, fields },
    publish: true,
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => t?.close());

describe('a relation linked by a rule over a hidden field', () => {
  it('answers the rep alike whether the rule found a record or not, and the owner with the link', async () => {
    const shapes = new Set<string>();
    for (const floor of [SECRETS.creditLimit - 1, SECRETS.creditLimit + 1]) {
      const res = await request(t, w, w.rep, 'POST', `/forms/${w.forms.deals}/records`, {
        data: { name: `probe ${floor}`, floor },
      });
      expect(res.statusCode, res.body).toBe(201);
      const data = res.json().data as Record<string, unknown>;
      shapes.add(JSON.stringify({ ...data, name: null, floor: null }));
      expect(data).not.toHaveProperty('bigCustomer');
      expect(data).toHaveProperty('goldCustomer', w.ids.acme);
      const id = res.json().id as string;
      const got = await request(t, w, w.rep, 'GET', `/forms/${w.forms.deals}/records/${id}`);
      expect(got.json().data).not.toHaveProperty('bigCustomer');
      const history = await request(t, w, w.rep, 'GET', `/forms/${w.forms.deals}/records/${id}/history`);
      expect(history.body).not.toContain('bigCustomer');
      const owner = await request(t, w, w.owner, 'GET', `/forms/${w.forms.deals}/records/${id}`);
      expect(owner.json().data.bigCustomer ?? null).toBe(floor < SECRETS.creditLimit ? w.ids.secretCo : null);
    }
    expect(shapes.size).toBe(1);
    const filter = encodeURIComponent(JSON.stringify({ field: 'bigCustomer', op: 'empty' }));
    const filtered = await request(t, w, w.rep, 'GET', `/forms/${w.forms.deals}/records?filter=${filter}`);
    expect(filtered.statusCode).toBe(400);
  });

  it('a role that declassifies the relation shows it', async () => {
    const roles = await request(t, w, w.owner, 'GET', `/apps/${w.appId}/roles`);
    const list = roles.json().roles as { key: string; forms: { form: string; fields?: unknown[] }[] }[];
    const deals = list.find((r) => r.key === 'rep')?.forms.find((f) => f.form === 'deals');
    deals?.fields?.push({ field: 'bigCustomer', access: 'visible' });
    const saved = await request(t, w, w.owner, 'PUT', `/apps/${w.appId}/roles`, {
      roles: list,
      v: roles.json().v,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const res = await request(t, w, w.rep, 'POST', `/forms/${w.forms.deals}/records`, {
      data: { name: 'declassified', floor: 1 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().data.bigCustomer).toBe(w.ids.secretCo);
  });
});
