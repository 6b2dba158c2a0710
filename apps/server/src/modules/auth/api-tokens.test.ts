import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, code, runSetup, type Session } from './test-helpers.js';

let t: TestApp;
let owner: Session & { workspaceId: string };
let ws: string;
beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  ws = owner.workspaceId;
});
afterAll(async () => {
  await t.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('API tokens', () => {
  it('are shown once, stored hashed, and act as their role in their workspace', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${ws}/api-tokens`,
      headers: owner.headers,
      payload: { name: 'ERP sync', role: 'admin' },
    });
    expect(res.statusCode).toBe(201);
    const { token, id, hint } = res.json();
    expect(token).toMatch(/^flt_[A-Za-z0-9_-]{43}$/);
    expect(hint).toBe(token.slice(-4));
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/api-tokens`,
      headers: owner.headers,
    });
    expect(list.json()).toEqual([
      expect.objectContaining({ id, name: 'ERP sync', role: 'admin', revoked: false }),
    ]);
    expect(list.body).not.toContain(token);
    const stored = await t.store.connection.collection('api_tokens').findOne();
    expect(JSON.stringify(stored)).not.toContain(token);

    const members = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/members`,
      headers: bearer(token),
    });
    expect(members.statusCode).toBe(200);
    const dept = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${ws}/departments`,
      headers: bearer(token),
      payload: { name: 'Synced' },
    });
    expect(dept.statusCode).toBe(201);
  });

  it('reach nothing outside their workspace', async () => {
    const token = (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/api-tokens`,
        headers: owner.headers,
        payload: { name: 'Reader', role: 'member' },
      })
    ).json().token;
    const other = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/workspaces',
        headers: owner.headers,
        payload: { name: 'Other' },
      })
    ).json().id;
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/workspaces/${other}`, headers: bearer(token) }))
        .statusCode,
    ).toBe(404);
    for (const [method, url] of [
      ['GET', '/api/v1/auth/me'],
      ['GET', '/api/v1/workspaces'],
      ['POST', '/api/v1/workspaces'],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: bearer(token),
        ...(method === 'POST' ? { payload: { name: 'x' } } : {}),
      });
      expect(res.statusCode).toBe(403);
    }
    // A member-role token is not an admin.
    const denied = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${ws}/departments`,
      headers: bearer(token),
      payload: { name: 'Nope' },
    });
    expect(denied.statusCode).toBe(403);
    // Tokens do not mint tokens, and are never accepted from a cookie.
    const admin = (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/api-tokens`,
        headers: owner.headers,
        payload: { name: 'Admin', role: 'admin' },
      })
    ).json().token;
    const mint = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${ws}/api-tokens`,
      headers: bearer(admin),
      payload: { name: 'Child', role: 'admin' },
    });
    expect(mint.statusCode).toBe(403);
    const viaCookie = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}`,
      cookies: { formloom_session: admin },
    });
    expect(viaCookie.statusCode).toBe(401);
  });

  it('are revocable with immediate effect, and expire', async () => {
    const created = (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/api-tokens`,
        headers: owner.headers,
        payload: { name: 'Short', role: 'member', expiresAt: new Date(Date.now() + 60_000).toISOString() },
      })
    ).json();
    const ok = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}`,
      headers: bearer(created.token),
    });
    expect(ok.statusCode).toBe(200);
    await t.store.connection
      .collection('api_tokens')
      .updateOne({ name: 'Short' }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    const expired = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}`,
      headers: bearer(created.token),
    });
    expect(expired.statusCode).toBe(401);

    const live = (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/api-tokens`,
        headers: owner.headers,
        payload: { name: 'Live', role: 'member' },
      })
    ).json();
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/workspaces/${ws}/api-tokens/${live.id}`,
      headers: owner.headers,
    });
    expect(del.statusCode).toBe(204);
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}`,
      headers: bearer(live.token),
    });
    expect(after.statusCode).toBe(401);
    expect(code(after)).toBe('UNAUTHORIZED');
    const again = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/workspaces/${ws}/api-tokens/${live.id}`,
      headers: owner.headers,
    });
    expect(again.statusCode).toBe(404);
  });

  it('refuse owner roles, past expiries, and non-admin creators', async () => {
    const post = (who: Session, payload: object) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/api-tokens`,
        headers: who.headers,
        payload,
      });
    expect((await post(owner, { name: 'X', role: 'owner' })).statusCode).toBe(400);
    expect(
      (await post(owner, { name: 'X', role: 'member', expiresAt: '2001-01-01T00:00:00Z' })).statusCode,
    ).toBe(400);
    expect((await post(owner, { name: 'X', role: 'member', expiresAt: 'tomorrow' })).statusCode).toBe(400);
    expect((await post(owner, { name: 'X', role: 'Bad Role' })).statusCode).toBe(400);
    // A role no app defines would grant a silent nothing: 422 at the role.
    const unknown = await post(owner, { name: 'X', role: 'auditor' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.details).toEqual([
      { path: '/role', message: expect.stringContaining('auditor') },
    ]);
    const member = await addMember(t.app, owner, ws, 'm@example.com');
    expect((await post(member, { name: 'X', role: 'member' })).statusCode).toBe(403);
  });
});
