import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { RouteEntry } from './plugin.js';
import { addMember, runSetup, type Session, signIn } from './test-helpers.js';

/**
 * The start of the attack suite (issue 6) for identity routes. Routes are enumerated from the app's
 * route catalog, so every route added later is covered by the credential checks without touching this file.
 */

// Routes anyone may call. A new public route must be added here on purpose.
const PUBLIC = new Set([
  'GET /api/v1/health',
  'GET /api/v1/setup',
  'POST /api/v1/setup',
  'POST /api/v1/auth/login',
  'POST /api/v1/invitations/accept',
]);

let t: TestApp;
let victim: Session & { workspaceId: string };
let attacker: Session;
let attackerWs: string;
// Real ids of the victim's workspace, used to fill route parameters.
const ids: Record<string, string> = {};
let requests = 0;
const leaks: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  victim = await runSetup(t.app, 'victim@example.com', 'Victim Co');
  const ws = victim.workspaceId;
  const member = await addMember(t.app, victim, ws, 'staff@example.com');
  const dept = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/departments`,
    headers: victim.headers,
    payload: { name: 'Secret Dept' },
  });
  const invitation = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/invitations`,
    headers: victim.headers,
    payload: { email: 'new@example.com', roles: ['member'] },
  });
  const token = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/api-tokens`,
    headers: victim.headers,
    payload: { name: 'ERP', role: 'admin' },
  });
  Object.assign(ids, {
    ws,
    user: member.userId,
    department: dept.json().id,
    invitation: invitation.json().id,
    token: token.json().id,
  });
  // The attacker is a legitimate user with a workspace of their own.
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/workspaces',
    headers: victim.headers,
    payload: { name: 'Throwaway' },
  });
  await addMember(t.app, victim, created.json().id, 'attacker@example.com', ['owner']);
  attacker = await signIn(t.app, 'attacker@example.com');
  attackerWs = created.json().id;
});

afterAll(async () => {
  await t.close();
  // Visible in the test output: how much the suite tried.
  console.info(`identity attack suite: ${requests} requests, ${leaks.length} leaks`);
});

function fill(url: string, values: Record<string, string>): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => values[name] ?? '0123456789abcdef01234567');
}

async function hit(
  route: RouteEntry,
  headers: Record<string, string>,
  values = ids,
): Promise<LightMyRequestResponse> {
  requests += 1;
  const withBody = route.method !== 'GET' && route.method !== 'DELETE';
  return t.app.inject({
    method: route.method as 'GET',
    url: fill(route.url, values),
    headers,
    ...(withBody ? { payload: {} } : {}),
  });
}

function expectStatus(res: LightMyRequestResponse, status: number, label: string): void {
  if (res.statusCode !== status) leaks.push(`${label}: ${res.statusCode}`);
  expect(res.statusCode, label).toBe(status);
  expect(Object.keys(res.json()), label).toEqual(['error']);
}

const privateRoutes = () => t.app.routeCatalog.filter((route) => !route.public);

describe('the route catalog', () => {
  it('lists every identity route, and public routes are exactly the allowed ones', () => {
    const names = t.app.routeCatalog.map((route) => `${route.method} ${route.url}`);
    for (const expected of [
      'POST /api/v1/auth/logout',
      'GET /api/v1/auth/me',
      'PATCH /api/v1/workspaces/:ws',
      'DELETE /api/v1/workspaces/:ws/departments/:department',
      'POST /api/v1/workspaces/:ws/members/:user/deactivate',
      'GET /api/v1/workspaces/:ws/audit',
    ]) {
      expect(names).toContain(expected);
    }
    const publicNames = t.app.routeCatalog.filter((route) => route.public).map((r) => `${r.method} ${r.url}`);
    expect(new Set(publicNames)).toEqual(PUBLIC);
  });

  it('marks every non-public route as needing the Bearer token in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    let checked = 0;
    for (const route of t.app.routeCatalog) {
      const path = route.url.replace(/^\/api\/v1/, '').replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      if (!operation) continue; // routes hidden from the document
      expect(operation.security, `${route.method} ${route.url}`).toEqual(
        route.public ? undefined : [{ bearer: [] }],
      );
      checked += 1;
    }
    expect(checked).toBeGreaterThan(25);
  });
});

describe('credentials', () => {
  it('no credentials → 401 on every non-public route', async () => {
    for (const route of privateRoutes()) {
      expectStatus(await hit(route, {}), 401, `${route.method} ${route.url} without credentials`);
    }
  });

  it('forged, malformed and foreign-kind tokens → 401 on every non-public route', async () => {
    const forged = [
      `Bearer fls_${'Z'.repeat(43)}`,
      `Bearer flt_${'Z'.repeat(43)}`,
      'Bearer null',
      'Basic dmljdGltOnB3',
    ];
    // Each route from its own address: wrong API tokens are limited to 60 a minute per address
    // (auth/token-limits.ts), and there are more routes than that.
    let address = 0;
    for (const route of privateRoutes()) {
      address += 1;
      const from = `10.9.${address >> 8}.${address & 255}`;
      for (const authorization of forged) {
        expectStatus(
          await hit(route, { authorization, 'x-forwarded-for': from }),
          401,
          `${route.method} ${route.url} with ${authorization}`,
        );
      }
    }
  });

  it('revoked and expired sessions → 401 on every non-public route', async () => {
    const revoked = await signIn(t.app, 'staff@example.com');
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: revoked.headers });
    const expired = await signIn(t.app, 'staff@example.com');
    await t.store.connection
      .collection('sessions')
      .updateMany({ revokedAt: null, expiresAt: { $gt: new Date() } }, { $set: { expiresAt: new Date(0) } });
    for (const route of privateRoutes()) {
      expectStatus(await hit(route, revoked.headers), 401, `${route.method} ${route.url} revoked`);
      expectStatus(await hit(route, expired.headers), 401, `${route.method} ${route.url} expired`);
    }
    // Sign the victim and the attacker in again for the next tests.
    victim = { ...victim, ...(await signIn(t.app, 'victim@example.com')) };
    attacker = await signIn(t.app, 'attacker@example.com');
  });
});

describe('tenancy', () => {
  it("a user of another workspace gets 404 for every route and id of the victim's workspace", async () => {
    const wsRoutes = privateRoutes().filter((route) => route.url.includes('/:ws'));
    expect(wsRoutes.length).toBeGreaterThan(15);
    for (const route of wsRoutes) {
      const res = await hit(route, attacker.headers);
      expectStatus(res, 404, `${route.method} ${route.url} as another workspace's owner`);
      expect(res.body).not.toContain('Secret Dept');
    }
  });

  it("the victim's ids inside the attacker's own workspace are not found either", async () => {
    const own = { ...ids, ws: attackerWs };
    const targets = privateRoutes().filter(
      (route) =>
        /:ws\/(departments|members|invitations|api-tokens)\/:/.test(route.url) && route.method !== 'GET',
    );
    expect(targets.length).toBeGreaterThan(5);
    for (const route of targets) {
      const withBody = route.method === 'PATCH';
      requests += 1;
      const res = await t.app.inject({
        method: route.method as 'PATCH',
        url: fill(route.url, own),
        headers: attacker.headers,
        ...(withBody
          ? { payload: route.url.includes('/departments/') ? { name: 'Hijack' } : { roles: ['member'] } }
          : {}),
      });
      expectStatus(res, 404, `${route.method} ${route.url} with the victim's id`);
    }
    const dept = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${attackerWs}/departments`,
      headers: attacker.headers,
      payload: { name: 'Mine', parent: ids.department },
    });
    requests += 1;
    expect(dept.statusCode).toBe(400);
    const member = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/workspaces/${attackerWs}/members/${attacker.userId}`,
      headers: attacker.headers,
      payload: { department: ids.department },
    });
    requests += 1;
    expect(member.statusCode).toBe(400);
  });
});

describe('mass assignment and bad input', () => {
  it('refuses owner, createdBy, ws, v and roles where they do not belong', async () => {
    const ws = victim.workspaceId;
    const cases: [string, string, object][] = [
      ['POST', '/api/v1/workspaces', { name: 'X', owner: attacker.userId }],
      ['POST', '/api/v1/workspaces', { name: 'X', createdBy: attacker.userId }],
      ['PATCH', `/api/v1/workspaces/${ws}`, { name: 'X', ws: attackerWs }],
      ['PATCH', `/api/v1/workspaces/${ws}`, { name: 'X', v: 3 }],
      ['PATCH', '/api/v1/auth/me', { roles: ['owner'] }],
      ['PATCH', '/api/v1/auth/me', { email: 'attacker@example.com' }],
      ['POST', `/api/v1/workspaces/${ws}/departments`, { name: 'X', ws: attackerWs }],
      ['PATCH', `/api/v1/workspaces/${ws}/departments/${ids.department}`, { createdBy: attacker.userId }],
      ['PATCH', `/api/v1/workspaces/${ws}/members/${ids.user}`, { active: false }],
      ['PATCH', `/api/v1/workspaces/${ws}/members/${ids.user}`, { user: attacker.userId }],
      ['POST', `/api/v1/workspaces/${ws}/api-tokens`, { name: 'X', role: 'member', ws: attackerWs }],
      [
        'POST',
        `/api/v1/workspaces/${ws}/invitations`,
        { email: 'a@b.co', roles: ['member'], ws: attackerWs },
      ],
    ];
    for (const [method, url, payload] of cases) {
      requests += 1;
      const res = await t.app.inject({ method: method as 'POST', url, headers: victim.headers, payload });
      expectStatus(res, 400, `${method} ${url} ${JSON.stringify(payload)}`);
    }
  });

  it('answers empty bodies, wrong types, huge strings and operator objects with 400', async () => {
    const ws = victim.workspaceId;
    const cases: [string, string, unknown][] = [
      ['POST', '/api/v1/workspaces', {}],
      ['POST', '/api/v1/workspaces', { name: 7 }],
      ['POST', '/api/v1/workspaces', { name: 'x'.repeat(10_000) }],
      ['POST', '/api/v1/workspaces', { name: { $gt: '' } }],
      ['POST', '/api/v1/workspaces', []],
      ['POST', `/api/v1/workspaces/${ws}/departments`, { name: 'X', parent: { $ne: null } }],
      ['POST', `/api/v1/workspaces/${ws}/members`, { email: { $regex: '.*' }, name: 'X', roles: ['member'] }],
      ['POST', `/api/v1/workspaces/${ws}/members`, { email: 'a@b.co', name: 'X', roles: ['$where'] }],
      ['POST', `/api/v1/workspaces/${ws}/members`, { email: 'a@b.co', name: 'X', roles: [] }],
      ['POST', '/api/v1/auth/login', { email: 'victim@example.com', password: { $ne: '' } }],
      [
        'POST',
        '/api/v1/auth/login',
        JSON.parse('{"__proto__": {"admin": true}, "email": "a@b.co", "password": "x"}'),
      ],
      ['PATCH', `/api/v1/workspaces/${ws}/members/${ids.user}`, { roles: 'owner' }],
    ];
    for (const [method, url, payload] of cases) {
      requests += 1;
      const res = await t.app.inject({
        method: method as 'POST',
        url,
        headers: victim.headers,
        payload: payload as object,
      });
      expectStatus(res, 400, `${method} ${url} ${JSON.stringify(payload).slice(0, 60)}`);
    }
  });

  it('answers unknown ids with 404', async () => {
    const ws = victim.workspaceId;
    const unknown = 'ffffffffffffffffffffffff';
    for (const [method, url] of [
      ['GET', `/api/v1/workspaces/${ws}/members/${unknown}`],
      ['PATCH', `/api/v1/workspaces/${ws}/departments/${unknown}`],
      ['DELETE', `/api/v1/workspaces/${ws}/departments/not-an-id`],
      ['DELETE', `/api/v1/workspaces/${ws}/invitations/${unknown}`],
      ['DELETE', `/api/v1/workspaces/${ws}/api-tokens/${unknown}`],
      ['POST', `/api/v1/workspaces/${ws}/members/${unknown}/deactivate`],
    ] as const) {
      requests += 1;
      const res = await t.app.inject({
        method,
        url,
        headers: victim.headers,
        ...(method === 'PATCH' ? { payload: { name: 'X' } } : {}),
      });
      expectStatus(res, 404, `${method} ${url}`);
    }
  });

  it('made at least 100 requests without a leak', () => {
    expect(requests).toBeGreaterThanOrEqual(100);
    expect(leaks).toEqual([]);
  });
});
