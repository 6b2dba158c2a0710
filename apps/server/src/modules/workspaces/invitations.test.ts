import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, code, cookie, PASSWORD, runSetup, type Session } from '../auth/test-helpers.js';

let t: TestApp;
let owner: Session & { workspaceId: string };
let ws: string;
beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  ws = owner.workspaceId;
  // Invitations may hand out only workspace roles and roles an app of the workspace defines.
  const created = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/apps`,
    headers: owner.headers,
    payload: {
      key: 'books',
      name: { en: 'Books' },
      roles: [{ key: 'finance', name: { en: 'Finance' }, forms: [] }],
    },
  });
  if (created.statusCode !== 201) throw new Error(created.body);
});
afterAll(async () => {
  await t.close();
});

const invite = (who: Session, payload: object) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/invitations`,
    headers: who.headers,
    payload,
  });
const accept = (payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', payload });

describe('invitations', () => {
  it('refuses roles that are neither workspace roles nor roles of an app (422 at the role)', async () => {
    const res = await invite(owner, { email: 'typo@example.com', roles: ['member', 'finanse'] });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toEqual([
      { path: '/roles/1', message: expect.stringContaining('finanse') },
    ]);
  });

  it('creates an invitation whose token is shown once and stored as a digest', async () => {
    const res = await invite(owner, { email: 'Ivy@Example.com', roles: ['finance'] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      email: 'ivy@example.com',
      roles: ['member', 'finance'],
      token: expect.stringMatching(/^fli_/),
    });
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${ws}/invitations`,
      headers: owner.headers,
    });
    expect(list.json()).toHaveLength(1);
    expect(JSON.stringify(list.json())).not.toContain(body.token);
    const stored = await t.store.connection.collection('invitations').findOne();
    expect(JSON.stringify(stored)).not.toContain(body.token);

    const accepted = await accept({ token: body.token, name: 'Ivy', password: 'Ivy-password-9' });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({ workspaceId: ws, token: expect.stringMatching(/^fls_/) });
    expect(cookie(accepted, 'formloom_session')?.httpOnly).toBe(true);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${accepted.json().token}` },
    });
    expect(me.json().workspaces).toEqual([{ id: ws, name: 'Acme', roles: ['member', 'finance'] }]);

    const reused = await accept({ token: body.token, name: 'Eve', password: 'Eve-password-9' });
    expect(reused.statusCode).toBe(404);
  });

  it('checks the password of an existing account before adding it', async () => {
    const other = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/workspaces',
        headers: owner.headers,
        payload: { name: 'Two' },
      })
    ).json().id;
    const inv = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${other}/invitations`,
      headers: owner.headers,
      payload: { email: 'ivy@example.com', roles: ['member'] },
    });
    const wrong = await accept({ token: inv.json().token, name: 'Ivy', password: 'Not-hers-123' });
    expect(wrong.statusCode).toBe(401);
    const right = await accept({ token: inv.json().token, name: 'Ivy', password: 'Ivy-password-9' });
    expect(right.statusCode).toBe(201);
  });

  it('refuses revoked, expired and made-up tokens', async () => {
    const revoked = (await invite(owner, { email: 'rev@example.com', roles: ['member'] })).json();
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/workspaces/${ws}/invitations/${revoked.id}`,
      headers: owner.headers,
    });
    expect(del.statusCode).toBe(204);
    expect((await accept({ token: revoked.token, name: 'R', password: PASSWORD })).statusCode).toBe(404);

    const expired = (await invite(owner, { email: 'exp@example.com', roles: ['member'] })).json();
    await t.store.connection
      .collection('invitations')
      .updateOne({ email: 'exp@example.com' }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    expect((await accept({ token: expired.token, name: 'E', password: PASSWORD })).statusCode).toBe(404);

    for (const token of [`fli_${'A'.repeat(43)}`, 'fls_x', '{"$ne":null}']) {
      const res = await accept({ token, name: 'X', password: PASSWORD });
      expect(res.statusCode).toBe(404);
      expect(code(res)).toBe('NOT_FOUND');
    }
    expect((await accept({ token: { $ne: null }, name: 'X', password: PASSWORD })).statusCode).toBe(400);
  });

  it('is used once when accepted twice at the same time', async () => {
    const inv = (await invite(owner, { email: 'twice@example.com', roles: ['member'] })).json();
    const results = await Promise.all([
      accept({ token: inv.token, name: 'T', password: 'Twice-pass-11' }),
      accept({ token: inv.token, name: 'T', password: 'Twice-pass-11' }),
    ]);
    expect(results.map((res) => res.statusCode).sort()).toEqual([201, expect.any(Number)]);
    expect([404, 409]).toContain(results.map((res) => res.statusCode).sort()[1]);
    const users = await t.store.connection.collection('users').find({ email: 'twice@example.com' }).toArray();
    expect(users).toHaveLength(1);
    const members = await t.store.connection.collection('members').countDocuments({ user: users[0]?._id });
    expect(members).toBe(1);
  });

  it('applies the password policy to new accounts', async () => {
    const inv = (await invite(owner, { email: 'weak@example.com', roles: ['member'] })).json();
    const weak = await accept({ token: inv.token, name: 'W', password: 'weakweakweak' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.details[0].path).toBe('/password');
    // The failed attempt did not use the invitation up.
    expect((await accept({ token: inv.token, name: 'W', password: 'Strong-enough-1' })).statusCode).toBe(201);
  });

  it('only owners and admins invite, and admins cannot invite owners', async () => {
    const plain = await addMember(t.app, owner, ws, 'plain@example.com');
    expect((await invite(plain, { email: 'x@example.com', roles: ['member'] })).statusCode).toBe(403);
    const admin = await addMember(t.app, owner, ws, 'adm@example.com', ['admin']);
    expect((await invite(admin, { email: 'x@example.com', roles: ['owner'] })).statusCode).toBe(403);
    expect((await invite(admin, { email: 'x@example.com', roles: ['admin'] })).statusCode).toBe(201);
  });
});
