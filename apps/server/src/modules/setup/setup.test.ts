import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { code, cookie, PASSWORD } from '../auth/test-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const body = (email: string, password = PASSWORD) => ({
  workspace: { name: 'Acme' },
  owner: { email, password, name: 'Olivia Owner' },
});

describe('POST /api/v1/setup', () => {
  it('rejects bad input with 400 and the error shape, without using up the setup', async () => {
    const cases: unknown[] = [
      {},
      { workspace: { name: 'A' } },
      { workspace: { name: 42 }, owner: { email: 'a@b.co', password: PASSWORD, name: 'A' } },
      { workspace: { name: 'A' }, owner: { email: 'not-an-email', password: PASSWORD, name: 'A' } },
      { workspace: { name: 'x'.repeat(100_000) }, owner: { email: 'a@b.co', password: PASSWORD, name: 'A' } },
      {
        workspace: { name: 'A' },
        owner: { email: 'a@b.co', password: PASSWORD, name: 'A', roles: ['owner'] },
      },
      { ...body('a@b.co'), ws: 'x' },
      { workspace: { name: '   ' }, owner: { email: 'a@b.co', password: PASSWORD, name: 'A' } },
    ];
    for (const payload of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(code(res)).toBe('VALIDATION_FAILED');
      expect(res.json().error.details.length).toBeGreaterThan(0);
    }
  });

  it('enforces the password policy with clear messages', async () => {
    const weak: [string, RegExp][] = [
      ['short1A', /at least 10 characters/],
      ['alllowercaseletters', /two kinds of characters/],
      ['owner@example.com', /not be your email/],
    ];
    for (const [password, message] of weak) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: body('owner@example.com', password),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details[0]).toEqual({
        path: '/owner/password',
        message: expect.stringMatching(message),
      });
    }
    const status = await t.app.inject({ method: 'GET', url: '/api/v1/setup' });
    expect(status.json()).toEqual({ needed: true });
  });

  it('creates exactly one owner when several setups race', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: body(`owner${n}@example.com`) }),
      ),
    );
    const statuses = results.map((res) => res.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    const winner = results.find((res) => res.statusCode === 201);
    expect(winner?.json()).toEqual({
      workspaceId: expect.stringMatching(/^[0-9a-f]{24}$/),
      userId: expect.stringMatching(/^[0-9a-f]{24}$/),
      token: expect.stringMatching(/^fls_/),
    });
    const session = winner ? cookie(winner, 'formloom_session') : undefined;
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    const users = await t.store.connection.collection('users').countDocuments();
    const members = await t.store.connection.collection('members').find().toArray();
    expect(users).toBe(1);
    expect(members).toHaveLength(1);
    expect(members[0]?.roles).toEqual(['owner']);
    const loser = results.find((res) => res.statusCode === 409);
    expect(loser?.json().error).toEqual({
      code: 'CONFLICT',
      message: 'Setup is already done; sign in instead',
    });
  });

  it('answers 409 once a user exists, and GET /setup says it is done', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: body('late@example.com'),
    });
    expect(res.statusCode).toBe(409);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/setup' })).json()).toEqual({ needed: false });
  });

  it('the token works and the password is stored as argon2id', async () => {
    const [user] = await t.store.connection.collection('users').find().toArray();
    expect(String(user?.passwordHash)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(user)).not.toContain(PASSWORD);
    const session = await t.store.connection.collection('sessions').findOne();
    expect(session?.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
