import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, PASSWORD, runSetup, type Session } from '../auth/test-helpers.js';

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

interface Entry {
  id: string;
  action: string;
  actor: { user: string | null; token: string | null; email: string | null };
  target: { kind: string; id: string } | null;
  ip: string;
  details: Record<string, unknown>;
}

async function entries(query = ''): Promise<Entry[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/workspaces/${ws}/audit${query}`,
    headers: owner.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

describe('security audit log', () => {
  it("keeps sign-ins out of the workspace's log: they are in the account's security log", async () => {
    const member = await addMember(t.app, owner, ws, 'mo@example.com');
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'mo@example.com', password: 'Wrong-pass-123' },
      headers: { 'x-forwarded-for': '203.0.113.7', 'user-agent': 'curl/8' },
    });
    expect((await entries('')).filter((e) => e.action.startsWith('auth.'))).toEqual([]);
    const log = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me/security',
      headers: member.headers,
    });
    expect(log.json().items[0]).toMatchObject({
      event: 'signInFailed',
      ip: '203.0.113.7',
      userAgent: 'curl/8',
      locked: false,
    });
    // A failure for an unknown email is kept for operators, under no account.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ghost@example.com', password: PASSWORD },
    });
    const outside = await t.store.connection
      .collection('security_events')
      .findOne({ email: 'ghost@example.com', event: 'signInFailed' });
    expect(outside?.user).toBeNull();
  });

  it('records role changes with before and after, and token creation and revocation', async () => {
    const member = await addMember(t.app, owner, ws, 'rc@example.com');
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/workspaces/${ws}/members/${member.userId}`,
      headers: owner.headers,
      payload: { roles: ['admin'] },
    });
    const [change] = await entries('?action=member.rolesChanged');
    expect(change).toMatchObject({
      actor: { user: owner.userId, email: 'owner@example.com' },
      target: { kind: 'member', id: member.userId },
      details: { before: { roles: ['member'] }, after: { roles: ['admin'] } },
    });
    const token = (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/workspaces/${ws}/api-tokens`,
        headers: owner.headers,
        payload: { name: 'BI', role: 'member' },
      })
    ).json();
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/workspaces/${ws}/api-tokens/${token.id}`,
      headers: owner.headers,
    });
    const created = (await entries('?action=apiToken.created'))[0];
    const revoked = (await entries('?action=apiToken.revoked'))[0];
    expect(created?.target).toEqual({ kind: 'apiToken', id: token.id });
    expect(revoked?.target).toEqual({ kind: 'apiToken', id: token.id });
    expect(JSON.stringify(await entries())).not.toContain(token.token);
  });

  it('pages newest first with a cursor', async () => {
    const all = await entries('?limit=200');
    expect(all.length).toBeGreaterThan(5);
    const first = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/audit?limit=2`,
      headers: owner.headers,
    });
    const page1 = first.json();
    expect(page1.items).toHaveLength(2);
    const second = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/audit?limit=2&cursor=${page1.nextCursor}`,
      headers: owner.headers,
    });
    const ids = [...page1.items, ...second.json().items].map((e: { id: string }) => e.id);
    expect(ids).toEqual(all.slice(0, 4).map((e) => e.id));
    const last = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/audit?limit=200`,
      headers: owner.headers,
    });
    expect(last.json().nextCursor).toBeNull();
  });

  it('is for owners and admins only, and refuses bad queries', async () => {
    const member = await addMember(t.app, owner, ws, 'nosy@example.com');
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/audit`,
      headers: member.headers,
    });
    expect(res.statusCode).toBe(403);
    for (const query of ['?limit=0', '?limit=abc', '?cursor=zz', '?action[$ne]=x', '?other=1']) {
      const bad = await t.app.inject({
        method: 'GET',
        url: `/api/v1/workspaces/${ws}/audit${query}`,
        headers: owner.headers,
      });
      expect(bad.statusCode, query).toBe(400);
    }
  });
});
