import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, type Session } from '../auth/test-helpers.js';
import { otherWorkspace } from '../reports/test-fixtures.js';
import { type AccessWorld, buildAccessWorld, request, SECRETS, secretsIn } from './attack-fixtures.js';

/**
 * The attack suite of the newer write paths (batch writes and upserts by a unique key, idempotency keys,
 * comments with @mentions), as the rep of attack-fixtures.ts (scope own, `margin` hidden) and as the owner
 * of another workspace: an answer that tells a hidden value, serves one caller another's answer, or names
 * a record or person out of reach leaks.
 */

let t: TestApp;
let w: AccessWorld;
let mallory: Session & { workspaceId: string };
let requests = 0;
const leaks: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAccessWorld(t);
  mallory = await otherWorkspace(t, w.owner, 'mallory@evil.example');
});

afterAll(async () => {
  await t?.close();
  console.info(`writes attack suite: ${requests} requests, ${leaks.length} leaks`);
});

function send(
  who: { headers: Record<string, string> },
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  payload?: unknown,
  extra: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  requests += 1;
  return request(t, w, { headers: { ...who.headers, ...extra } }, method, path, payload);
}

function expectNoSecrets(res: LightMyRequestResponse, label: string): void {
  const found = secretsIn(res.body);
  for (const secret of found) leaks.push(`${label}: ${secret}`);
  expect(found, label).toEqual([]);
}

/** An answer's words, with the ids of the request itself taken out (two refusals compare as text). */
const words = (res: LightMyRequestResponse, ...ids: string[]) =>
  `${res.statusCode} ${ids.reduce((body, id) => body.replaceAll(id, '<id>'), res.body)}`;

const batch = () => `/forms/${w.forms.deals}/records/batch`;
const upsert = (data: Record<string, unknown>, key = 'code') => ({
  mode: 'upsert',
  key,
  records: [{ data }],
});

describe('upserts by a unique key', () => {
  it('a key naming a hidden or derived-hidden field is refused like a field that does not exist', async () => {
    const unknown = await send(w.rep, 'POST', batch(), upsert({ nope: 1 }, 'nope'));
    expect(unknown.statusCode).toBe(400);
    for (const key of ['margin', 'marginx2', 'items.cost']) {
      const res = await send(w.rep, 'POST', batch(), upsert({ [key]: SECRETS.margin }, key));
      expect(words(res), key).toBe(words(unknown));
    }
  });

  it("a taken value out of the rep's scope answers 409 without the record, its owner or its values", async () => {
    const res = await send(w.rep, 'POST', batch(), upsert({ code: SECRETS.theirCode, name: 'mine now' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 0, updated: 0, failed: 1 });
    expect(res.json().results[0]).toMatchObject({ ok: false, status: 409 });
    for (const secret of [w.ids.theirs, w.otherRep.userId, SECRETS.theirName]) {
      if (res.body.includes(secret)) leaks.push(`upsert 409: ${secret}`);
      expect(res.body).not.toContain(secret);
    }
    // The record the rep tried to take over is unchanged.
    const theirs = await send(w.owner, 'GET', `/forms/${w.forms.deals}/records/${w.ids.theirs}`);
    expect(theirs.json().data.name).toBe(SECRETS.theirName);
  });

  it('operator-shaped key values are refused alike whether they would match a record or not', async () => {
    const shapes = new Set<string>();
    for (const code of [
      { $regex: '^THEIRS' },
      { $regex: '^NOPE' },
      { $ne: null },
      { $gt: '' },
      [SECRETS.theirCode],
    ]) {
      const res = await send(w.rep, 'POST', batch(), upsert({ code, name: 'x' }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().results[0].status, JSON.stringify(code)).toBe(400);
      shapes.add(JSON.stringify(res.json().results[0].error.details));
    }
    expect(shapes.size).toBe(1);
  });

  it("upserting the rep's own record answers it without hidden or derived-hidden values", async () => {
    const res = await send(w.rep, 'POST', batch(), upsert({ code: 'MINE-1', name: 'Mine' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results[0]).toMatchObject({ ok: true, action: 'updated' });
    expectNoSecrets(res, 'upsert own');
    expect(res.json().results[0].record.data).not.toHaveProperty('margin');
  });

  it('an upsert or batch update naming the hidden field is refused alike whatever value it holds', async () => {
    const shapes = new Set<string>();
    for (const margin of [SECRETS.margin, SECRETS.margin + 1, null]) {
      const res = await send(w.rep, 'POST', batch(), upsert({ code: 'MINE-1', margin }));
      expect(res.json().results[0].ok).toBe(false);
      shapes.add(JSON.stringify(res.json().results[0]));
      const v = (await send(w.owner, 'GET', `/forms/${w.forms.deals}/records/${w.ids.mine}`)).json().v;
      const patched = await send(w.rep, 'PATCH', batch(), {
        records: [{ id: w.ids.mine, v, data: { margin } }],
      });
      shapes.add(`patch ${JSON.stringify(patched.json().results?.[0] ?? patched.json())}`);
    }
    expect([...shapes].filter((s) => !s.startsWith('patch '))).toHaveLength(1);
    expect([...shapes].filter((s) => s.startsWith('patch '))).toHaveLength(1);
  });

  it("a batch update of another rep's record reads like one of an unknown id", async () => {
    const UNKNOWN = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    const answers = [];
    for (const id of [w.ids.theirs, UNKNOWN]) {
      const res = await send(w.rep, 'PATCH', batch(), { records: [{ id, v: 1, data: { name: 'x' } }] });
      answers.push(words(res, id));
      expectNoSecrets(res, 'batch update theirs');
    }
    expect(answers[0]).toBe(answers[1]);
  });

  it("another workspace's owner cannot reach the batch routes", async () => {
    for (const method of ['POST', 'PATCH'] as const) {
      const body =
        method === 'POST'
          ? upsert({ code: SECRETS.theirCode })
          : { records: [{ id: w.ids.theirs, v: 1, data: { name: 'x' } }] };
      const res = await send(mallory, method, batch(), body);
      expect(res.statusCode, res.body).toBe(404);
      expectNoSecrets(res, `mallory batch ${method}`);
    }
  });
});

describe('idempotency keys', () => {
  const report = () => ({
    widget: {
      key: 'w',
      title: { en: 'W' },
      type: 'kpi',
      source: { form: 'deals' },
      measures: [{ key: 'amount', aggregate: 'sum', field: 'amount' }, { aggregate: 'count' }],
    },
    appId: w.appId,
  });

  it("a key another caller used answers the caller's own run, never the first caller's answer", async () => {
    // The owner runs a report (every deal) and a create with a key; the rep then sends the same key and body.
    const body = report();
    const first = await send(w.owner, 'POST', '/reports/query', body, { 'idempotency-key': 'shared-1' });
    expect(first.json().rows).toEqual([{ amount: 400, count: 2 }]);
    const replay = await send(w.owner, 'POST', '/reports/query', body, { 'idempotency-key': 'shared-1' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const rep = await send(w.rep, 'POST', '/reports/query', body, { 'idempotency-key': 'shared-1' });
    expect(rep.headers['idempotent-replayed']).toBeUndefined();
    expect(rep.json().rows).toEqual([{ amount: 100, count: 1 }]);
    const created = await send(
      w.owner,
      'POST',
      `/forms/${w.forms.deals}/records`,
      { data: { name: 'keyed' } },
      { 'idempotency-key': 'shared-2' },
    );
    expect(created.statusCode).toBe(201);
    const again = await send(
      w.rep,
      'POST',
      `/forms/${w.forms.deals}/records`,
      { data: { name: 'keyed' } },
      { 'idempotency-key': 'shared-2' },
    );
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.json().id).not.toBe(created.json().id);
    expect(again.json().owner).toBe(w.rep.userId);
  });

  it("another workspace's owner with the same key and body gets a 404, not the replay", async () => {
    const body = report();
    await send(w.owner, 'POST', '/reports/query', body, { 'idempotency-key': 'shared-3' });
    const res = await send(mallory, 'POST', '/reports/query', body, { 'idempotency-key': 'shared-3' });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    // And in mallory's own workspace the key is mallory's own: a fresh run (a 404 there too, no such form).
    const own = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${mallory.workspaceId}/reports/query`,
      headers: { ...mallory.headers, 'idempotency-key': 'shared-3' },
      payload: body,
    });
    expect(own.headers['idempotent-replayed']).toBeUndefined();
    expect(own.statusCode).toBe(404);
  });
});

describe('idempotency keys after access ends', () => {
  it('a deactivated member replaying their own key gets no answer, replayed or fresh', async () => {
    const gone = await addMember(t.app, w.owner, w.ws, 'gone@example.com', ['member', 'lead']);
    const body = {
      widget: {
        key: 'w',
        title: { en: 'W' },
        type: 'kpi',
        source: { form: 'deals' },
        measures: [{ key: 'amount', aggregate: 'sum', field: 'amount' }],
      },
      appId: w.appId,
    };
    const first = await send(gone, 'POST', '/reports/query', body, { 'idempotency-key': 'before-1' });
    expect(first.statusCode, first.body).toBe(200);
    const off = await send(w.owner, 'POST', `/members/${gone.userId}/deactivate`, {});
    expect(off.statusCode, off.body).toBe(200);
    const replay = await send(gone, 'POST', '/reports/query', body, { 'idempotency-key': 'before-1' });
    expect(replay.statusCode).toBeGreaterThanOrEqual(401);
    expect(replay.statusCode).toBeLessThan(500);
    expect(replay.headers['idempotent-replayed']).toBeUndefined();
    expect(replay.body).not.toContain('"rows"');
  });
});

describe('comments and @mentions', () => {
  const comments = () => `/forms/${w.forms.deals}/records/${w.ids.mine}/comments`;
  const mention = (s: Session, name = 'you') => `@[${name}](${s.userId})`;

  it('someone mentioned on a record they may not view gets the mention without its text', async () => {
    const text = `secret plan for ${SECRETS.theirName}? ${mention(w.otherRep)}`;
    const added = await send(w.rep, 'POST', comments(), { text });
    expect(added.statusCode, added.body).toBe(201);
    const mentions = await send(w.otherRep, 'GET', '/mentions');
    expect(mentions.statusCode).toBe(200);
    const mine = (mentions.json() as { record: string; text: string | null }[]).find(
      (m) => m.record === w.ids.mine,
    );
    expect(mine).toMatchObject({ record: w.ids.mine, text: null });
    expect(mentions.body).not.toContain('secret plan');
    // Nor can they open the comments (the record is out of their scope): like an unknown record.
    const opened = await send(w.otherRep, 'GET', comments());
    expect(opened.statusCode).toBe(404);
    // The lead, who may view it, reads the text.
    const lead = await send(w.lead, 'POST', comments(), { text: `noted ${mention(w.lead)}` });
    expect(lead.statusCode).toBe(201);
  });

  it('a mention of a member of another workspace reads like a mention of nobody', async () => {
    const UNKNOWN = 'cccccccccccccccccccccccc';
    const them = await send(w.rep, 'POST', comments(), { text: `hi @[m](${mallory.userId})` });
    const nobody = await send(w.rep, 'POST', comments(), { text: `hi @[m](${UNKNOWN})` });
    expect(them.statusCode).toBe(422);
    expect(words(them, mallory.userId)).toBe(words(nobody, UNKNOWN));
  });

  it("comments on another rep's record, and from another workspace, are out of reach", async () => {
    const theirs = `/forms/${w.forms.deals}/records/${w.ids.theirs}/comments`;
    for (const [who, path] of [
      [w.rep, theirs],
      [mallory, comments()],
    ] as const) {
      const read = await send(who, 'GET', path);
      expect(read.statusCode).toBe(404);
      const write = await send(who, 'POST', path, { text: 'x' });
      expect(write.statusCode).toBe(404);
      expectNoSecrets(read, 'comments out of reach');
    }
  });

  it('made its requests without a leak', () => {
    expect(leaks).toEqual([]);
  });
});
