import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, code, cookie, PASSWORD, runSetup, type Session, signIn } from './test-helpers.js';
import { LOGIN_LIMITS } from './throttle.js';

let t: TestApp;
let owner: Session & { workspaceId: string };
beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
});
afterAll(async () => {
  await t.close();
});

const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, headers });

describe('POST /auth/login', () => {
  it('answers the token and the user, and sets httpOnly SameSite cookies', async () => {
    const res = await login('Owner@Example.COM', PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      token: expect.stringMatching(/^fls_[A-Za-z0-9_-]{43}$/),
      user: { id: owner.userId, email: 'owner@example.com', name: 'Olivia Owner' },
    });
    const session = cookie(res, 'formloom_session');
    expect(session).toMatchObject({ value: res.json().token, httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(session?.secure).toBeFalsy();
    const csrf = cookie(res, 'formloom_csrf');
    expect(csrf?.httpOnly).toBeFalsy();
    expect(csrf?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('marks cookies Secure behind https', async () => {
    const res = await login('owner@example.com', PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(cookie(res, 'formloom_session')?.secure).toBe(true);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await login('owner@example.com', 'Wrong-password-1');
    const nobody = await login('nobody@example.com', 'Wrong-password-1');
    for (const res of [wrong, nobody]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Wrong email or password' } });
      expect(cookie(res, 'formloom_session')).toBeUndefined();
    }
  });

  it('rejects malformed bodies with 400', async () => {
    for (const payload of [
      {},
      { email: 'a@b.co' },
      { email: 5, password: 'x' },
      { email: 'a@b.co', password: 'x'.repeat(201) },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
      expect(res.statusCode).toBe(400);
      expect(code(res)).toBe('VALIDATION_FAILED');
    }
  });

  it('locks an address+email out after repeated failures, even for the right password', async () => {
    await addMember(t.app, owner, owner.workspaceId, 'locked@example.com');
    for (let i = 0; i < LOGIN_LIMITS.addressFailures; i += 1) {
      expect((await login('locked@example.com', 'Wrong-password-1')).statusCode).toBe(401);
    }
    const res = await login('locked@example.com', PASSWORD);
    expect(res.statusCode).toBe(429);
    expect(code(res)).toBe('RATE_LIMITED');
    expect(res.json().error.message).toMatch(/Too many failed sign-ins; try again in 15 minutes/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // The lock lives in the store, where every instance sees it.
    const doc = await t.store.connection
      .collection('login_throttle')
      .findOne({ _id: 'ip:127.0.0.1|locked@example.com' as never });
    expect(doc?.lockedUntil).toBeInstanceOf(Date);
    // Another address is not locked out by this one.
    const elsewhere = await login('locked@example.com', PASSWORD, { 'x-forwarded-for': '203.0.113.9' });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('locks the account after failures from many addresses', async () => {
    await addMember(t.app, owner, owner.workspaceId, 'target@example.com');
    for (let i = 0; i < LOGIN_LIMITS.accountFailures; i += 1) {
      const ip = `198.51.100.${i}`;
      expect(
        (await login('target@example.com', 'Wrong-password-1', { 'x-forwarded-for': ip })).statusCode,
      ).toBe(401);
    }
    const res = await login('target@example.com', PASSWORD, { 'x-forwarded-for': '192.0.2.200' });
    expect(res.statusCode).toBe(429);
  });

  it('counts failed attempts per address+email, not successful ones (issue 10)', async () => {
    await addMember(t.app, owner, owner.workspaceId, 'busy@example.com');
    const headers = { 'x-forwarded-for': '192.0.2.50' };
    for (let i = 0; i <= LOGIN_LIMITS.attempts; i += 1) {
      expect((await login('busy@example.com', PASSWORD, headers)).statusCode).toBe(200);
    }
  }, 180_000);
});

describe('sessions', () => {
  it('logout revokes the token', async () => {
    const session = await signIn(t.app, 'owner@example.com');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: session.headers })).statusCode,
    ).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session.headers });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: session.headers });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toMatch(/expired or was ended/);
  });

  it('an expired session answers 401', async () => {
    const session = await signIn(t.app, 'owner@example.com');
    await t.store.connection
      .collection('sessions')
      .updateMany({ expiresAt: { $gt: new Date() } }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: session.headers });
    expect(res.statusCode).toBe(401);
    owner = { ...owner, ...(await signIn(t.app, 'owner@example.com')) };
  });

  it('refuses malformed and forged credentials with 401', async () => {
    const bad = [
      { authorization: 'Basic b3duZXI6cGFzcw==' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer fls_short' },
      { authorization: `Bearer fls_${'A'.repeat(43)}` },
      { authorization: `Bearer flt_${'A'.repeat(43)}` },
      { authorization: `Bearer ${'x'.repeat(5000)}` },
      { cookie: `formloom_session=fls_${'B'.repeat(43)}` },
    ];
    for (const headers of bad) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
      expect(res.statusCode, JSON.stringify(headers).slice(0, 60)).toBe(401);
      expect(code(res)).toBe('UNAUTHORIZED');
    }
  });
});

describe('cookie authentication and CSRF', () => {
  it('reads with the cookie alone, writes only with the CSRF header', async () => {
    const res = await login('owner@example.com', PASSWORD);
    const session = cookie(res, 'formloom_session')?.value ?? '';
    const csrf = cookie(res, 'formloom_csrf')?.value ?? '';
    const cookies = { formloom_session: session, formloom_csrf: csrf };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies });
    expect(me.statusCode).toBe(200);

    const payload = { name: 'Cookie Made' };
    const noHeader = await t.app.inject({ method: 'POST', url: '/api/v1/workspaces', cookies, payload });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.message).toMatch(/x-csrf-token/);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      cookies,
      payload,
      // One character changed (a token that already ends in A gets a B).
      headers: { 'x-csrf-token': `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}` },
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      cookies,
      payload,
      headers: { 'x-csrf-token': csrf },
    });
    expect(ok.statusCode).toBe(201);
    // The CSRF token of another session does not fit this one.
    const other = await login('owner@example.com', PASSWORD);
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies,
      headers: { 'x-csrf-token': cookie(other, 'formloom_csrf')?.value ?? '' },
    });
    expect(foreign.statusCode).toBe(403);
  });

  it('Bearer requests need no CSRF header', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: owner.headers,
      payload: { name: 'Bearer Made' },
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('GET and PATCH /auth/me', () => {
  it('lists the user and their workspaces with roles', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: owner.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toEqual({ id: owner.userId, email: 'owner@example.com', name: 'Olivia Owner' });
    expect(body.workspaces).toContainEqual({ id: owner.workspaceId, name: 'Acme', roles: ['owner'] });
  });

  it('refuses mass assignment of email, roles, owner and ws', async () => {
    for (const payload of [
      { email: 'x@y.zz' },
      { roles: ['owner'] },
      { name: 'A', ws: owner.workspaceId },
      { owner: true },
      {},
    ]) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/auth/me',
        headers: owner.headers,
        payload,
      });
      expect(res.statusCode).toBe(400);
    }
  });

  it('changes the password only with the current one, and ends other sessions', async () => {
    const member = await addMember(t.app, owner, owner.workspaceId, 'changer@example.com');
    const other = await signIn(t.app, 'changer@example.com');
    const wrong = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: member.headers,
      payload: { currentPassword: 'nope-nope-1', newPassword: 'Another-Pass-77' },
    });
    expect(wrong.statusCode).toBe(400);
    const weak = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: member.headers,
      payload: { currentPassword: PASSWORD, newPassword: 'changer@example.com' },
    });
    expect(weak.statusCode).toBe(400);
    const ok = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: member.headers,
      payload: { name: 'Chang Er', currentPassword: PASSWORD, newPassword: 'Another-Pass-77' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().name).toBe('Chang Er');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: member.headers })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: other.headers })).statusCode,
    ).toBe(401);
    expect((await login('changer@example.com', 'Another-Pass-77')).statusCode).toBe(200);
  });
});

describe('without a trusted proxy', () => {
  it('ignores X-Forwarded-For, so a locked-out client cannot pose as another address', async () => {
    const direct = await createTestApp({ TRUST_PROXY: 'false' });
    try {
      const first = await runSetup(direct.app);
      await addMember(direct.app, first, first.workspaceId, 'spoof@example.com');
      const attempt = (password: string, ip: string) =>
        direct.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'spoof@example.com', password },
          headers: { 'x-forwarded-for': ip },
        });
      for (let i = 0; i < LOGIN_LIMITS.addressFailures; i += 1) {
        expect((await attempt('Wrong-password-1', `198.51.100.${i}`)).statusCode).toBe(401);
      }
      expect((await attempt(PASSWORD, '203.0.113.77')).statusCode).toBe(429);
    } finally {
      await direct.close();
    }
  });
});
