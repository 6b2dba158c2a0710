import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { Session } from '../auth/test-helpers.js';
import { type AccessWorld, buildAccessWorld, secretsIn } from '../records/attack-fixtures.js';
import { label } from '../records/test-fixtures.js';
import { otherWorkspace } from '../reports/test-fixtures.js';

/**
 * The attack suite of template packs with data: an export carries only what its maker may view, and an
 * import into another workspace carries people by email only when they are members there — a pack naming
 * the victim's people (by email or by raw user id) attaches nobody and tells nothing of whether they exist.
 */

let t: TestApp;
let w: AccessWorld;
let mallory: Session & { workspaceId: string };

beforeAll(async () => {
  t = await createTestApp();
  w = await buildAccessWorld(t);
  mallory = await otherWorkspace(t, w.owner, 'mallory@evil.example');
});
afterAll(async () => t?.close());

const call = (who: Session, method: 'GET' | 'POST', ws: string, path: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1/workspaces/${ws}${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

type Pack = {
  app: { key: string };
  forms: { key: string; fields: Record<string, unknown>[] }[];
  records?: Record<string, { ref: string; owner?: string; data: Record<string, unknown> }[]>;
};

describe('template packs with data', () => {
  it('a rep may not export the app; the owner’s export holds no password, token or session', async () => {
    const rep = await call(w.rep, 'GET', w.ws, `/apps/${w.appId}/export?data=true`);
    expect(rep.statusCode).toBe(403);
    expect(secretsIn(rep.body)).toEqual([]);
    const theirs = await call(mallory, 'GET', w.ws, `/apps/${w.appId}/export?data=true`);
    expect(theirs.statusCode).toBe(404);
    const owner = await call(w.owner, 'GET', w.ws, `/apps/${w.appId}/export?data=true`);
    expect(owner.statusCode).toBe(200);
    expect(owner.body).not.toMatch(/passwordHash|"token"|fls_/);
  });

  it("an import naming the victim's people by email or raw id attaches none of them, and reads alike for unknown ones", async () => {
    const exported = (await call(w.owner, 'GET', w.ws, `/apps/${w.appId}/export?data=true`)).json() as Pack;
    const people = (emails: [string, string], rawId?: string): Pack => {
      const pack = structuredClone(exported);
      const deals = pack.forms.find((f) => f.key === 'deals');
      deals?.fields.push({ key: 'assignee', type: 'member', label: label('Assignee') });
      const records = pack.records?.deals ?? [];
      records.forEach((r, i) => {
        r.owner = emails[i % 2] as string;
        r.data.assignee = i === 0 && rawId ? rawId : emails[i % 2];
      });
      return pack;
    };
    const answers: string[] = [];
    const imported: string[] = [];
    const victims2: [string, string] = ['rep@example.com', 'rep2@example.com'];
    const ghosts: [string, string] = ['ghost1@nowhere.example', 'ghost2@nowhere.example'];
    for (const [key, pack] of [
      ['victims', people(victims2)],
      ['nobody', people(ghosts)],
      ['victimid', people(victims2, w.rep.userId)],
      ['nobodyid', people(ghosts, 'dddddddddddddddddddddddd')],
    ] as const) {
      pack.app.key = key;
      const res = await call(mallory, 'POST', mallory.workspaceId, '/apps/import', { pack, demoData: true });
      expect(res.statusCode, res.body.slice(0, 500)).toBeLessThan(500);
      answers.push(
        `${res.statusCode} ${res.body
          .replace(/[0-9a-f]{24}/g, '<id>')
          .replaceAll(key, '<key>')
          .replace(/rep2?@example\.com|ghost[12]@nowhere\.example|dddddddddddddddddddddddd/g, '<person>')}`,
      );
      if (res.statusCode === 201) imported.push(...Object.values(res.json().forms as Record<string, string>));
    }
    // The same answer whether the people exist elsewhere or nowhere: emails of non-members are left out
    // (the import succeeds), raw ids of non-members are refused at the field.
    expect(answers[0]).toMatch(/^201 /);
    expect(answers[0]).toBe(answers[1]);
    expect(answers[2]).toMatch(/^422 /);
    expect(answers[2]).toBe(answers[3]);
    expect(imported.length).toBe(6);
    // Whatever was imported belongs to mallory's workspace alone: no record names a victim.
    const victims = [w.rep.userId, w.otherRep.userId, w.lead.userId, w.owner.userId];
    let seen = 0;
    for (const form of imported) {
      const list = await call(mallory, 'GET', mallory.workspaceId, `/forms/${form}/records`);
      expect(list.statusCode).toBe(200);
      seen += (list.json().items as unknown[]).length;
      for (const id of victims) expect(list.body, 'an imported record names a victim').not.toContain(id);
    }
    // The records came over (owned by the importer), only the victim's people did not.
    expect(seen).toBeGreaterThan(0);
    // And the victim's workspace did not gain a member.
    const members = await call(w.owner, 'GET', w.ws, '/members');
    expect(members.body).not.toContain('mallory');
  });
});
