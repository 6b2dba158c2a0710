import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, PASSWORD, runSetup, type Session } from './test-helpers.js';
import { LOGIN_LIMITS } from './throttle.js';

/**
 * The attack suite of accounts and tenants (issue 10, items 5-8 and 10): a user who creates a workspace of
 * their own to reach other people's accounts, and an API token that tries to outgrow itself. Every request
 * is counted; an answer that tells or grants what it must not is a leak.
 */

/** Failed password checks one address may make over all emails here (LOGIN_ADDRESS_FAILURES). */
const ADDRESS_FAILURES = 8;

let t: TestApp;
let victim: Session & { workspaceId: string };
let mallory: Session;
let malloryWs: string;
let requests = 0;
const leaks: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ LOGIN_ADDRESS_FAILURES: String(ADDRESS_FAILURES) });
  victim = await runSetup(t.app, 'victim@example.com', 'Victim Co');
  // Mallory is a legitimate user of the victim's workspace who creates a workspace of her own.
  mallory = await addMember(t.app, victim, victim.workspaceId, 'mallory@example.com');
  malloryWs = (await send(mallory, 'POST', '/workspaces', { name: 'Mallory Ltd' })).json().id;
});

afterAll(async () => {
  await t?.close();
  console.info(`accounts attack suite: ${requests} requests, ${leaks.length} leaks`);
});

function send(
  who: { headers: Record<string, string> } | null,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  requests += 1;
  return t.app.inject({
    method,
    url: `/api/v1${path}`,
    headers: { ...(who?.headers ?? {}), ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const login = (email: string, password: string, ip: string, agent = 'test-agent') =>
  send(null, 'POST', '/auth/login', { email, password }, { 'x-forwarded-for': ip, 'user-agent': agent });

describe('invitation accept is a sign-in under the same throttle (item 5)', () => {
  it('guessing an existing account password through an invitation meets 429 and the lockout', async () => {
    await addMember(t.app, victim, victim.workspaceId, 'target@example.com');
    const invited = await send(mallory, 'POST', `/workspaces/${malloryWs}/invitations`, {
      email: 'target@example.com',
      roles: ['member'],
    });
    expect(invited.statusCode).toBe(201);
    const token = invited.json().token;
    const ip = { 'x-forwarded-for': '198.51.100.5' };
    const guesses: number[] = [];
    for (let i = 0; i < 25; i += 1) {
      const res = await send(
        null,
        'POST',
        '/invitations/accept',
        { token, name: 'x', password: `Guess-${i}-pw` },
        ip,
      );
      guesses.push(res.statusCode);
    }
    const first429 = guesses.indexOf(429);
    if (first429 < 0) leaks.push('25 invitation guesses without 429');
    expect(guesses.slice(0, LOGIN_LIMITS.addressFailures)).toEqual(
      Array(LOGIN_LIMITS.addressFailures).fill(401),
    );
    expect(first429).toBe(LOGIN_LIMITS.addressFailures);
    // Locked: even the right password is refused now, through the invitation and through sign-in alike.
    const right = await send(
      null,
      'POST',
      '/invitations/accept',
      { token, name: 'x', password: PASSWORD },
      ip,
    );
    expect(right.statusCode).toBe(429);
    expect(right.headers['retry-after']).toBeDefined();
    expect((await login('target@example.com', PASSWORD, '198.51.100.5')).statusCode).toBe(429);
    // Nothing was joined.
    const members = (await send(mallory, 'GET', `/workspaces/${malloryWs}/members`)).json();
    expect(members.map((m: { email: string }) => m.email)).not.toContain('target@example.com');
  });
});

describe('sign-in throttle counts failures only (item 10)', () => {
  it('signing in successfully again and again is never limited', async () => {
    await addMember(t.app, victim, victim.workspaceId, 'busy@example.com');
    for (let i = 0; i <= LOGIN_LIMITS.attempts; i += 1) {
      expect((await login('busy@example.com', PASSWORD, '192.0.2.50')).statusCode).toBe(200);
    }
    // Each sign-in hashes a password (argon2id): a loaded machine needs a while for 21 of them.
  }, 180_000);

  it('a team behind one NAT address signs in, typos included', async () => {
    const team = [];
    for (let i = 0; i < 6; i += 1)
      team.push(await addMember(t.app, victim, victim.workspaceId, `nat${i}@example.com`));
    const nat = '203.0.113.200';
    for (let i = 0; i < team.length; i += 1) {
      // A few typos among them, fewer than the address's failure cap.
      if (i % 3 === 0)
        expect((await login(`nat${i}@example.com`, 'Typo-password-1', nat)).statusCode).toBe(401);
      expect((await login(`nat${i}@example.com`, PASSWORD, nat)).statusCode).toBe(200);
    }
  }, 180_000);

  it('one address trying many accounts is stopped after LOGIN_ADDRESS_FAILURES failures', async () => {
    const spray = '198.51.100.77';
    for (let i = 0; i < ADDRESS_FAILURES; i += 1) {
      expect((await login(`sprayed${i}@example.com`, 'Spring-2026!', spray)).statusCode).toBe(401);
    }
    const next = await login('victim@example.com', PASSWORD, spray);
    expect(next.statusCode).toBe(429);
    // Others are not affected.
    expect((await login('victim@example.com', PASSWORD, '192.0.2.99')).statusCode).toBe(200);
  });
});

describe('adding an existing account invites it (item 6)', () => {
  const strip = (res: LightMyRequestResponse) => {
    const body = res.json();
    return {
      status: res.statusCode,
      keys: Object.keys(body).sort(),
      invitation: { ...body.invitation, id: 'x', email: 'x', createdAt: 'x', expiresAt: 'x' },
      token: typeof body.token,
    };
  };

  it('answers alike whether or not the email has an account, and attaches nobody', async () => {
    const existing = await send(mallory, 'POST', `/workspaces/${malloryWs}/members`, {
      email: 'victim@example.com',
      name: 'Anything',
      roles: ['admin'],
    });
    const unknown = await send(mallory, 'POST', `/workspaces/${malloryWs}/members`, {
      email: 'nobody-yet@example.com',
      name: 'Anything',
      roles: ['admin'],
    });
    expect(existing.statusCode).toBe(202);
    expect(strip(existing)).toEqual(strip(unknown));
    // Neither the real name nor the account's id is in the answer.
    if (/Olivia|Owner/.test(existing.body)) leaks.push('member add told the real name');
    expect(existing.body).not.toContain(victim.userId);
    // The victim is not a member until they accept.
    const members = (await send(mallory, 'GET', `/workspaces/${malloryWs}/members`)).json();
    expect(members.map((m: { email: string }) => m.email)).toEqual(['mallory@example.com']);
    const me = (await send(victim, 'GET', '/auth/me')).json();
    expect(me.workspaces.map((w: { id: string }) => w.id)).not.toContain(malloryWs);
  });

  it('with a password too, the answer is the same whether or not the email has an account; the password sets nothing', async () => {
    const add = (email: string, password: string) =>
      send(mallory, 'POST', `/workspaces/${malloryWs}/members`, {
        email,
        name: 'Anything',
        password,
        roles: ['member'],
      });
    // bystander@ has an account (a member of the victim's workspace, named Bea Bystander); fresh-person@ has none.
    const bystander = await addMember(t.app, victim, victim.workspaceId, 'bystander@example.com');
    await send(bystander, 'PATCH', '/auth/me', { name: 'Bea Bystander' });
    const existing = await add('bystander@example.com', 'Chosen-by-mal-1');
    const fresh = await add('fresh-person@example.com', 'Chosen-by-mal-1');
    expect(existing.statusCode, existing.body).toBe(202);
    expect(strip(existing)).toEqual(strip(fresh));
    // A password the policy refuses is refused alike, before anything is written.
    const weak = [
      await add('bystander@example.com', 'short'),
      await add('fresh-person-2@example.com', 'short'),
    ];
    expect(weak.map((r) => r.statusCode)).toEqual([400, 400]);
    expect(weak[0]?.json()).toEqual(weak[1]?.json());
    // Neither joined: the member list shows neither, the pending invitations both, alike.
    const members = (await send(mallory, 'GET', `/workspaces/${malloryWs}/members`)).json();
    const emails = members.map((m: { email: string }) => m.email);
    expect(emails).not.toContain('bystander@example.com');
    expect(emails).not.toContain('fresh-person@example.com');
    const pending = (await send(mallory, 'GET', `/workspaces/${malloryWs}/invitations`)).json() as {
      email: string;
    }[];
    const shape = (email: string) =>
      Object.keys(pending.find((i) => i.email === email) ?? { missing: true }).sort();
    expect(shape('bystander@example.com')).toEqual(shape('fresh-person@example.com'));
    // The existing account keeps its own password; nobody learns its name.
    expect(existing.body).not.toMatch(/Bea|Bystander/);
    expect(existing.body).not.toContain(bystander.userId);
    expect((await login('bystander@example.com', 'Chosen-by-mal-1', '192.0.2.61')).statusCode).toBe(401);
    expect((await login('bystander@example.com', PASSWORD, '192.0.2.61')).statusCode).toBe(200);
    const again = await send(victim, 'POST', `/workspaces/${victim.workspaceId}/members`, {
      email: 'mallory@example.com',
      name: 'Renamed',
      password: 'Takeover-pass-1',
      roles: ['member'],
    });
    // Mallory is already an active member of the victim's workspace: 409 as before; her password is hers.
    expect(again.statusCode).toBe(409);
    expect((await login('mallory@example.com', 'Takeover-pass-1', '192.0.2.61')).statusCode).toBe(401);
    expect((await login('mallory@example.com', PASSWORD, '192.0.2.61')).statusCode).toBe(200);
  });

  it('the person sees the invitation when signed in, and joins only by accepting it', async () => {
    const mine = await send(victim, 'GET', '/auth/me/invitations');
    expect(mine.statusCode).toBe(200);
    const invitation = mine.json().find((i: { workspace: { id: string } }) => i.workspace.id === malloryWs);
    expect(invitation).toMatchObject({ workspace: { name: 'Mallory Ltd' }, roles: ['admin'] });
    // Nobody else can accept or decline it.
    const other = await send(mallory, 'POST', `/auth/me/invitations/${invitation.id}/accept`);
    expect(other.statusCode).toBe(404);
    const accepted = await send(victim, 'POST', `/auth/me/invitations/${invitation.id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const me = (await send(victim, 'GET', '/auth/me')).json();
    expect(me.workspaces.map((w: { id: string }) => w.id)).toContain(malloryWs);
    expect((await send(victim, 'POST', `/auth/me/invitations/${invitation.id}/accept`)).statusCode).toBe(404);
  });
});

describe("sign-ins go to the account's own security log (item 7)", () => {
  it('the person reads where they signed in from; no workspace audit log holds it', async () => {
    const carol = await addMember(t.app, victim, victim.workspaceId, 'carol@example.com');
    // Mallory adds Carol's email to her workspace too (an invitation Carol never accepts).
    await send(mallory, 'POST', `/workspaces/${malloryWs}/members`, {
      email: 'carol@example.com',
      name: 'Carol',
      roles: ['member'],
    });
    expect(
      (await login('carol@example.com', 'Wrong-password-1', '203.0.113.31', 'Carol-Phone/1')).statusCode,
    ).toBe(401);
    expect((await login('carol@example.com', PASSWORD, '203.0.113.31', 'Carol-Phone/1')).statusCode).toBe(
      200,
    );
    const log = await send(carol, 'GET', '/auth/me/security');
    expect(log.statusCode).toBe(200);
    const items = log.json().items;
    expect(items.slice(0, 2)).toEqual([
      expect.objectContaining({ event: 'signIn', ip: '203.0.113.31', userAgent: 'Carol-Phone/1' }),
      expect.objectContaining({ event: 'signInFailed', ip: '203.0.113.31', locked: false }),
    ]);
    // Neither the workspace she is in nor the one that invited her sees her sign-ins.
    for (const [who, ws] of [
      [victim, victim.workspaceId],
      [mallory, malloryWs],
    ] as const) {
      const audit = await send(who, 'GET', `/workspaces/${ws}/audit?limit=200`);
      expect(audit.statusCode).toBe(200);
      if (audit.body.includes('203.0.113.31')) leaks.push(`sign-in address in the audit log of ${ws}`);
      const actions = audit.json().items.map((e: { action: string }) => e.action);
      expect(actions.filter((a: string) => a.startsWith('auth.'))).toEqual([]);
    }
    // Only the person reads their log; an API token has none.
    const token = await send(victim, 'POST', `/workspaces/${victim.workspaceId}/api-tokens`, {
      name: 'T',
      role: 'admin',
    });
    const byToken = await send(
      { headers: { authorization: `Bearer ${token.json().token}` } },
      'GET',
      '/auth/me/security',
    );
    expect(byToken.statusCode).toBe(403);
  });
});

describe('API tokens cannot outgrow themselves (item 8)', () => {
  let admin: { headers: Record<string, string> };
  let staff: Session;

  beforeAll(async () => {
    const created = await send(victim, 'POST', `/workspaces/${victim.workspaceId}/api-tokens`, {
      name: 'ERP',
      role: 'admin',
    });
    admin = { headers: { authorization: `Bearer ${created.json().token}` } };
    staff = await addMember(t.app, victim, victim.workspaceId, 'staff@example.com');
  });

  it('creates no people with passwords, no invitations and no tokens', async () => {
    const ws = victim.workspaceId;
    const cases: Array<[string, 'POST', string, unknown]> = [
      [
        'person with a password',
        'POST',
        `/workspaces/${ws}/members`,
        {
          email: 'puppet@example.com',
          name: 'Puppet',
          password: 'Puppet-pass-123',
          roles: ['admin'],
        },
      ],
      [
        'person without one',
        'POST',
        `/workspaces/${ws}/members`,
        { email: 'p2@example.com', name: 'P', roles: ['member'] },
      ],
      ['invitation', 'POST', `/workspaces/${ws}/invitations`, { email: 'p3@example.com', roles: ['member'] }],
      ['token', 'POST', `/workspaces/${ws}/api-tokens`, { name: 'Child', role: 'member' }],
    ];
    for (const [label, method, path, body] of cases) {
      const res = await send(admin, method, path, body);
      if (res.statusCode < 400) leaks.push(`token created a ${label}`);
      expect(res.statusCode, `${label}: ${res.body}`).toBe(403);
    }
    expect((await login('puppet@example.com', 'Puppet-pass-123', '192.0.2.70')).statusCode).toBe(401);
  });

  it('grants no role above a token (admin, owner) and changes no admin', async () => {
    const ws = victim.workspaceId;
    for (const roles of [['admin'], ['owner'], ['member', 'admin']]) {
      const res = await send(admin, 'PATCH', `/workspaces/${ws}/members/${staff.userId}`, { roles });
      if (res.statusCode < 400) leaks.push(`token granted ${roles.join('+')}`);
      expect(res.statusCode).toBe(403);
    }
    const demote = await send(admin, 'PATCH', `/workspaces/${ws}/members/${victim.userId}`, {
      roles: ['member'],
    });
    expect(demote.statusCode).toBe(403);
    // What a token may do stays possible: plain member roles.
    const ok = await send(admin, 'PATCH', `/workspaces/${ws}/members/${staff.userId}`, { roles: ['member'] });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

describe('the suite', () => {
  it('made its requests without a leak', () => {
    expect(requests).toBeGreaterThan(80);
    expect(leaks).toEqual([]);
  });
});
