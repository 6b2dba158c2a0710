import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { runSetup, type Session } from './test-helpers.js';

let t: TestApp;
let owner: Session & { workspaceId: string };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function tokenFor(ws: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/api-tokens`,
    headers: owner.headers,
    payload: { name: 'ERP', role: 'admin' },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().token as string;
}

const listApps = (ws: string, headers: Record<string, string>, ip = '10.0.0.1') =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/workspaces/${ws}/apps`,
    headers: { ...headers, 'x-forwarded-for': ip },
  });

beforeAll(async () => {
  // 5 token requests a second per workspace; 40 requests a minute per address for everything else.
  t = await createTestApp({ TOKEN_RATE_LIMIT: '5', RATE_LIMIT_MAX: '40' });
  owner = await runSetup(t.app);
});
afterAll(async () => t?.close());

describe('per-workspace rate limits of API tokens', () => {
  it('answers 429 with Retry-After past the limit, with RateLimit headers on every answer', async () => {
    const ws = owner.workspaceId;
    const token = await tokenFor(ws);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await listApps(ws, bearer(token)));
    const ok = answers.slice(0, 5);
    expect(ok.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(ok.map((r) => r.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
    expect(ok[0]?.headers['ratelimit-limit']).toBe('5');
    const refused = answers[5];
    expect(refused?.statusCode).toBe(429);
    expect(refused?.json().error.code).toBe('RATE_LIMITED');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused?.headers['ratelimit-remaining']).toBe('0');
  });

  it("leaves other workspaces' tokens and signed-in people alone", async () => {
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: owner.headers,
      payload: { name: 'Other company' },
    });
    const ws2 = other.json().id as string;
    const token = await tokenFor(owner.workspaceId);
    const token2 = await tokenFor(ws2);
    for (let i = 0; i < 6; i++) await listApps(owner.workspaceId, bearer(token));
    expect((await listApps(owner.workspaceId, bearer(token))).statusCode).toBe(429);
    expect((await listApps(ws2, bearer(token2))).statusCode).toBe(200);
    expect((await listApps(owner.workspaceId, owner.headers, '10.0.0.2')).statusCode).toBe(200);
  });

  it('does not count token requests against the per-address limit, but does count wrong tokens', async () => {
    const ws = owner.workspaceId;
    const token = await tokenFor(ws);
    // 45 token requests from one address over 9+ seconds would pass the per-workspace limit; the
    // per-address limit of 40 a minute must not apply to them. Spread them under the token limit.
    let refusedByAddress = 0;
    for (let i = 0; i < 45; i++) {
      const res = await listApps(ws, bearer(token), '10.0.0.3');
      if (res.statusCode === 429 && !res.headers['ratelimit-limit']) refusedByAddress += 1;
    }
    expect(refusedByAddress).toBe(0);
    // Wrong tokens from one address: 401 up to 60 a minute, then 429.
    const statuses = new Set<number>();
    for (let i = 0; i < 61; i++) {
      const res = await listApps(ws, bearer(`flt_${String(i).padStart(43, 'x')}`), '10.0.0.4');
      statuses.add(res.statusCode);
      if (i < 60) expect(res.statusCode).toBe(401);
      else expect(res.statusCode).toBe(429);
    }
    expect([...statuses].sort()).toEqual([401, 429]);
  });
});
