import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import {
  type AccessWorld,
  buildAccessWorld,
  request,
  SECRETS,
  secretsIn,
} from '../records/attack-fixtures.js';
import { type Client, connected, listen } from './test-helpers.js';

/**
 * The realtime part of the derived-values attack suite (issue 10): socket payloads carry exactly what
 * `GET .../records/:id` answers the subscriber, so values made of hidden ones and lookups of records the
 * subscriber may not view never travel to them.
 */

let t: TestApp;
let w: AccessWorld;
let rep: Client;
let lead: Client;
let attempts = 0;
const leaks: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAccessWorld(t);
  const url = await listen(t);
  rep = await connected(url, { token: w.rep.token });
  lead = await connected(url, { token: w.lead.token });
  for (const client of [rep, lead]) expect((await client.subscribe(w.ws)).ok).toBe(true);
});

afterAll(async () => {
  rep?.close();
  lead?.close();
  await t?.close();
  console.info(`realtime derived attack suite: ${attempts} attempts, ${leaks.length} leaks`);
});

type Payload = { record: { id: string; v: number; data: Record<string, unknown> } };

/** The first event about record `id` at version `v` or later. */
function eventOf(client: Client, id: string, v: number): Promise<Payload> {
  return client.next(
    (event, payload) =>
      event.startsWith('record:') &&
      (payload as Payload).record?.id === id &&
      (payload as Payload).record.v >= v,
  ) as Promise<Payload>;
}

function expectNoSecrets(payload: unknown, label: string) {
  const found = secretsIn(JSON.stringify(payload));
  for (const name of found) leaks.push(`${label}: ${name}`);
  expect(found, label).toEqual([]);
}

describe('socket payloads', () => {
  it('carry no value made of a hidden one, and the declassified one', async () => {
    attempts += 1;
    const current = await request(t, w, w.owner, 'GET', `/forms/${w.forms.deals}/records/${w.ids.mine}`);
    const res = await request(t, w, w.owner, 'PATCH', `/forms/${w.forms.deals}/records/${w.ids.mine}`, {
      v: current.json().v,
      data: { partners: [w.ids.acme, w.ids.secretCo], amount: 110 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json().v as number;
    const [seen, led] = await Promise.all([eventOf(rep, w.ids.mine, v), eventOf(lead, w.ids.mine, v)]);
    expectNoSecrets(seen, 'record:updated');
    expect(seen.record.data).toMatchObject({ payable: 7930, partnerNames: ['Acme', null] });
    expect(seen.record.data).not.toHaveProperty('marginx2');
    // The lead's socket is told everything, so the test would see a leak.
    expect(led.record.data).toMatchObject({
      marginx2: SECRETS.marginx2,
      partnerNames: ['Acme', SECRETS.secretName],
    });
  });

  it('show lookups of records the subscriber may not view as nothing', async () => {
    attempts += 1;
    const visit = await request(t, w, w.owner, 'POST', `/forms/${w.forms.visits}/records`, {
      data: { note: 'socket', deal: w.ids.theirs },
    });
    expect(visit.statusCode, visit.body).toBe(201);
    const [seen, led] = await Promise.all([
      eventOf(rep, visit.json().id, 1),
      eventOf(lead, visit.json().id, 1),
    ]);
    expectNoSecrets(seen, 'visit record:created');
    expect(seen.record.data).toMatchObject({ note: 'socket', dealName: null, dealAmount: null });
    expect(seen.record.data).not.toHaveProperty('dealMargin');
    expect(led.record.data).toMatchObject({ dealName: SECRETS.theirName, dealMargin: null });
  });

  it('a refused link to a record the caller may not view tells nothing over the socket either', async () => {
    attempts += 1;
    const before = rep.events.length;
    const res = await request(t, w, w.rep, 'POST', `/forms/${w.forms.visits}/records`, {
      data: { note: 'probe', deal: w.ids.theirs },
    });
    expect(res.statusCode).toBe(400);
    // A write the rep may make afterwards arrives, and nothing about the probe came before it.
    const ok = await request(t, w, w.rep, 'POST', `/forms/${w.forms.visits}/records`, {
      data: { note: 'fine', deal: w.ids.mine },
    });
    await eventOf(rep, ok.json().id, 1);
    const since = rep.events.slice(before);
    expectNoSecrets(since, 'after probe');
    expect(since.some((e) => JSON.stringify(e.payload).includes('probe'))).toBe(false);
  });
});
