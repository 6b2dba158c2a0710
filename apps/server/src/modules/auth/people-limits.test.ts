import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from './test-helpers.js';

// The per-minute limit for everyone but API tokens (docs/api.md "Rate limits"): a signed-in person has an
// allowance of their own, so a team behind one office address is not refused as one client; anonymous
// calls count per address; the web app's own files are not counted at all.
const LIMIT = 8;
const OFFICE = '203.0.113.10';

let t: TestApp;
let web: string;
let owner: Session & { workspaceId: string };
let person: Session;
let colleague: Session;

const get = (url: string, headers: Record<string, string> = {}, ip = OFFICE) =>
  t.app.inject({ method: 'GET', url, headers: { ...headers, 'x-forwarded-for': ip } });

beforeAll(async () => {
  web = mkdtempSync(join(tmpdir(), 'formloom-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Formloom</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  t = await createTestApp({ RATE_LIMIT_MAX: String(LIMIT) }, { webDist: web });
  owner = await runSetup(t.app);
  person = await addMember(t.app, owner, owner.workspaceId, 'person@example.com');
  colleague = await addMember(t.app, owner, owner.workspaceId, 'colleague@example.com');
});
afterAll(async () => {
  await t?.close();
  rmSync(web, { recursive: true, force: true });
});

describe('the per-minute limit of people and anonymous callers', () => {
  it('gives each signed-in person their own allowance, even from one address', async () => {
    const me = (session: Session) => get('/api/v1/auth/me', session.headers);
    const mine = [];
    for (let i = 0; i <= LIMIT; i++) mine.push((await me(person)).statusCode);
    expect(mine).toEqual([...Array(LIMIT).fill(200), 429]);
    const refused = await me(person);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The colleague at the same office address is still served; so is an anonymous caller there.
    expect((await me(colleague)).statusCode).toBe(200);
    expect((await get('/api/v1/setup')).statusCode).toBe(200);
  });

  it('counts anonymous calls per address', async () => {
    const ip = '198.51.100.77';
    for (let i = 0; i < LIMIT; i++) expect((await get('/api/v1/setup', {}, ip)).statusCode).toBe(200);
    expect((await get('/api/v1/setup', {}, ip)).statusCode).toBe(429);
    expect((await get('/api/v1/setup', {}, '198.51.100.78')).statusCode).toBe(200);
  });

  it("does not count the web app's files and pages, which a single page load fetches dozens of", async () => {
    const ip = '198.51.100.90';
    for (let i = 0; i < LIMIT * 3; i++) {
      expect((await get('/assets/app.js', {}, ip)).statusCode).toBe(200);
      expect((await get('/members', {}, ip)).statusCode).toBe(200);
    }
    expect((await get('/api/v1/setup', {}, ip)).statusCode).toBe(200);
  });

  it('answers a missing built file with 404, not with the page (an old tab asking for an old chunk)', async () => {
    const missing = await get('/assets/index-0ld.js', {}, '198.51.100.91');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/json/);
  });
});
