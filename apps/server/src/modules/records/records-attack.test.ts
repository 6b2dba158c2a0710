import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { type AccessWorld, buildAccessWorld, request, SECRETS } from './attack-fixtures.js';

/**
 * The attack suite of the records write path (issue 10): oracles that tell a hidden value by how a write
 * is answered. Every request is counted; an answer that differs by the secret is a leak.
 */

let t: TestApp;
let w: AccessWorld;
let requests = 0;
const leaks: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAccessWorld(t);
});

afterAll(async () => {
  await t?.close();
  console.info(`records attack suite: ${requests} requests, ${leaks.length} leaks`);
});

function send(
  who: { headers: Record<string, string> },
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  requests += 1;
  return request(t, w, who, method, path, payload);
}

/** The answer without what differs between any two requests (ids of the request itself). */
function shape(res: LightMyRequestResponse): string {
  return `${res.statusCode} ${res.body}`;
}

async function currentV(form: string, id: string): Promise<number> {
  return (await send(w.owner, 'GET', `/forms/${form}/records/${id}`)).json().v;
}

describe('equality oracle on writes', () => {
  it('a PATCH naming a hidden field is refused alike whether it holds the stored value or not', async () => {
    const path = `/forms/${w.forms.deals}/records/${w.ids.mine}`;
    const v = await currentV(w.forms.deals, w.ids.mine);
    const answers = [];
    for (const margin of [SECRETS.margin, SECRETS.margin + 1, null, 'x']) {
      answers.push(await send(w.rep, 'PATCH', path, { v, data: { margin } }));
    }
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(403);
      if (shape(res) !== shape(answers[0] as LightMyRequestResponse))
        leaks.push(`PATCH margin: ${shape(res)}`);
    }
    expect(answers[0]?.json().error.details).toEqual([
      { path: '/data/margin', message: 'you may not change this field' },
    ]);
    // Nothing was written.
    expect(await currentV(w.forms.deals, w.ids.mine)).toBe(v);
  });

  it('so is a read-only field, and a hidden subform column, on update and create', async () => {
    const path = `/forms/${w.forms.deals}/records/${w.ids.mine}`;
    const v = await currentV(w.forms.deals, w.ids.mine);
    // discount is read-only for the rep and stored as 5.
    const same = await send(w.rep, 'PATCH', path, { v, data: { discount: 5 } });
    const other = await send(w.rep, 'PATCH', path, { v, data: { discount: 6 } });
    expect([same.statusCode, other.statusCode]).toEqual([403, 403]);
    expect(shape(same)).toBe(shape(other));
    const rows = await send(w.rep, 'PATCH', path, {
      v,
      data: { items: [{ sku: 'a', qty: 2, cost: SECRETS.cost }] },
    });
    expect(rows.statusCode).toBe(403);
    expect(rows.json().error.details[0].path).toBe('/data/items/cost');
    const create = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records`, {
      data: { name: 'x', margin: SECRETS.margin },
    });
    expect(create.statusCode).toBe(403);
  });

  it('an import naming a hidden field fails its rows whatever the cells hold, dry run included', async () => {
    const csv = `name,code,margin\nA,IMP-1,${SECRETS.margin}\nB,IMP-2,1\n`;
    const dry = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records/import`, {
      format: 'csv',
      content: csv,
      dryRun: true,
    });
    expect(dry.statusCode, dry.body).toBe(200);
    const report = dry.json();
    expect(report.valid).toBe(0);
    expect(report.errors.map((e: { details: unknown }) => e.details)).toEqual([
      [{ path: '/rows/2/margin', message: 'you may not change this field' }],
      [{ path: '/rows/3/margin', message: 'you may not change this field' }],
    ]);
    const upsert = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records/import`, {
      format: 'csv',
      content: `code,margin\nMINE-1,${SECRETS.margin}\n`,
      upsertBy: 'code',
      dryRun: true,
    });
    expect(upsert.json().errors[0].details).toEqual([
      { path: '/rows/2/margin', message: 'you may not change this field' },
    ]);
  });
});

describe('unique-value oracle', () => {
  /** Nothing in the answer names the record holding the value, or its owner. */
  function expectAnonymous(res: LightMyRequestResponse, label: string) {
    for (const secret of [w.ids.theirs, w.otherRep.userId, 'rep2', 'Theirs']) {
      if (res.body.includes(secret as string)) leaks.push(`${label}: ${secret}`);
      expect(res.body, label).not.toContain(secret);
    }
  }

  it('a taken value answers 409 at the field, without the other record or its owner', async () => {
    const created = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records`, {
      data: { name: 'dup', code: SECRETS.theirCode },
    });
    expect(created.statusCode).toBe(409);
    expect(created.json().error.details).toEqual([
      { path: '/data/code', message: 'another record already has this value' },
    ]);
    expectAnonymous(created, 'create');
    const v = await currentV(w.forms.deals, w.ids.mine);
    const updated = await send(w.rep, 'PATCH', `/forms/${w.forms.deals}/records/${w.ids.mine}`, {
      v,
      data: { code: SECRETS.theirCode },
    });
    expect(updated.statusCode).toBe(409);
    expectAnonymous(updated, 'update');
  });

  it('an import dry run upserting by the unique field reports the taken value the same way', async () => {
    const dry = await send(w.rep, 'POST', `/forms/${w.forms.deals}/records/import`, {
      format: 'csv',
      content: `code,name\n${SECRETS.theirCode},mine now\n`,
      upsertBy: 'code',
      dryRun: true,
    });
    expect(dry.statusCode, dry.body).toBe(200);
    // The record is out of the rep's scope: it is not updated, and creating one collides.
    expect(dry.json()).toMatchObject({ valid: 0, updated: 0 });
    expect(dry.json().errors[0].details).toEqual([
      { path: '/rows/2/code', message: 'another record already has this value' },
    ]);
    expectAnonymous(dry, 'import dry run');
  });
});
