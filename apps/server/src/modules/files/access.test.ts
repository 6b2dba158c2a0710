import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session, signIn } from '../auth/test-helpers.js';
import { label } from '../records/test-fixtures.js';
import { gridCounts, upload } from './test-helpers.js';

/**
 * The attachment cases of the attack suite (issue 6): every request here must answer 404 (or 422 for a
 * write naming a file the caller may not use) without saying whether the file exists.
 */

let t: TestApp;
let owner: Session & { workspaceId: string };
let rep: Session;
let other: Session;
let stranger: Session & { workspaceId: string };
let base: string;
let formId: string;
let requests = 0;
const leaks: string[] = [];

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const as = (who: Session, method: Method, path: string, payload?: unknown, prefix = base) => {
  requests += 1;
  return t.app.inject({
    method,
    url: `${prefix}${path}`,
    headers: who.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
};
const put = (who: Session, field: string, content: string, name = 'f.txt', form = formId, prefix = base) => {
  requests += 1;
  return upload(
    t,
    `${prefix}/forms/${form}/files?field=${field}`,
    who.headers,
    Buffer.from(content),
    name,
    'text/plain',
  );
};

function expectStatus(res: LightMyRequestResponse, status: number, what: string) {
  if (res.statusCode !== status) leaks.push(`${what}: ${res.statusCode}`);
  expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
  expect(Object.keys(res.json()), what).toEqual(['error']);
}

interface Attached {
  record: string;
  file: { id: string; name: string; size: number; mime: string };
}

/** Uploads a file as `who` and creates a record of theirs holding it in `field`. */
async function attached(who: Session, field: string, content: string): Promise<Attached> {
  const file = (await put(who, field, content)).json();
  const res = await as(who, 'POST', `/forms/${formId}/records`, {
    data: { title: content, [field]: [file] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { record: res.json().id, file };
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  base = `/api/v1/workspaces/${owner.workspaceId}`;
  const app = await as(owner, 'POST', '/apps', {
    key: 'crm',
    name: label('CRM'),
    roles: [
      {
        key: 'rep',
        name: label('Rep'),
        forms: [
          {
            form: 'deals',
            submit: true,
            view: 'own',
            edit: 'own',
            fields: [{ field: 'contract', access: 'hidden' }],
          },
        ],
      },
    ],
  });
  expect(app.statusCode, app.body).toBe(201);
  const form = await as(owner, 'POST', `/apps/${app.json().id}/forms`, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'title', type: 'text', label: label('Title') },
      { key: 'docs', type: 'attachment', label: label('Documents') },
      { key: 'contract', type: 'attachment', label: label('Contract') },
    ],
  });
  formId = form.json().id;
  rep = await addMember(t.app, owner, owner.workspaceId, 'rep@example.com', ['member', 'rep']);
  other = await addMember(t.app, owner, owner.workspaceId, 'other@example.com', ['member', 'rep']);
  // Another company on the same server, with a form of its own.
  const created = await as(owner, 'POST', '', { name: 'Elsewhere' }, '/api/v1/workspaces');
  await addMember(t.app, owner, created.json().id, 'stranger@example.com', ['owner']);
  stranger = {
    ...(await signIn(t.app, 'stranger@example.com')),
    workspaceId: created.json().id,
  };
});

afterAll(async () => {
  await t?.close();
  console.info(`attachment attack cases: ${requests} requests, ${leaks.length} leaks`);
});

describe('downloads through the access layer', () => {
  it("a rep with view scope own cannot read, use or probe another rep's files", async () => {
    const mine = await attached(rep, 'docs', 'rep secret');
    const url = `/forms/${formId}/records/${mine.record}/files/${mine.file.id}`;
    const ok = await as(rep, 'GET', url);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('rep secret');
    expect((await as(owner, 'GET', url)).statusCode).toBe(200);

    expectStatus(await as(other, 'GET', url), 404, "another rep's file");
    // The other rep's own record does not reach the file either.
    const theirs = await attached(other, 'docs', 'other');
    expectStatus(
      await as(other, 'GET', `/forms/${formId}/records/${theirs.record}/files/${mine.file.id}`),
      404,
      'a foreign file through an own record',
    );
    // Nor can they put it into a record of theirs: 422 at the value, with no hint it exists.
    const steal = await as(other, 'PATCH', `/forms/${formId}/records/${theirs.record}`, {
      v: 1,
      data: { docs: [theirs.file, mine.file] },
    });
    expectStatus(steal, 422, 'attaching a foreign file');
    expect(steal.json().error.details).toEqual([
      { path: '/data/docs/1', message: `no file ${mine.file.id} uploaded by you to this field` },
    ]);
    // An unattached upload of one member cannot be used by another either.
    const loose = (await put(rep, 'docs', 'loose')).json();
    expectStatus(
      await as(other, 'POST', `/forms/${formId}/records`, { data: { docs: [loose] } }),
      422,
      "another member's unattached upload",
    );
  });

  it('answers 404 for unknown, malformed and mismatched ids', async () => {
    const a = await attached(rep, 'docs', 'a');
    const b = await attached(rep, 'docs', 'b');
    const unknown = 'ffffffffffffffffffffffff';
    for (const [record, file] of [
      [a.record, unknown],
      [unknown, a.file.id],
      [a.record, 'not-an-id'],
      ['not-an-id', a.file.id],
      [a.record, b.file.id],
    ]) {
      expectStatus(
        await as(rep, 'GET', `/forms/${formId}/records/${record}/files/${file}`),
        404,
        `${record}/${file}`,
      );
    }
    expectStatus(
      await as(rep, 'GET', `/forms/${unknown}/records/${a.record}/files/${a.file.id}`),
      404,
      'unknown form',
    );
  });

  it('hides files of fields hidden from the caller, and refuses uploads to them', async () => {
    const mine = await attached(rep, 'docs', 'x');
    const contract = (await put(owner, 'contract', 'signed terms')).json();
    const patched = await as(owner, 'PATCH', `/forms/${formId}/records/${mine.record}`, {
      v: 1,
      data: { contract: [contract] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const url = `/forms/${formId}/records/${mine.record}/files/${contract.id}`;
    expect((await as(owner, 'GET', url)).statusCode).toBe(200);
    expectStatus(await as(rep, 'GET', url), 404, 'a hidden field');
    expectStatus(await put(rep, 'contract', 'x'), 403, 'upload to a hidden field');
  });

  it("another workspace's users and ids get 404, and their uploads cannot be attached here", async () => {
    const mine = await attached(rep, 'docs', 'victim data');
    const path = `/forms/${formId}/records/${mine.record}/files/${mine.file.id}`;
    expectStatus(await as(stranger, 'GET', path), 404, 'another workspace user');
    expectStatus(await put(stranger, 'docs', 'x'), 404, 'upload into another workspace');
    // The victim's ids inside the stranger's own workspace.
    const own = `/api/v1/workspaces/${stranger.workspaceId}`;
    expectStatus(await as(stranger, 'GET', path, undefined, own), 404, "victim's ids in own workspace");
    expectStatus(await put(stranger, 'docs', 'x', 'f.txt', formId, own), 404, "upload to the victim's form");

    const app = await as(stranger, 'POST', '/apps', { key: 'mine', name: label('Mine') }, own);
    const form = await as(
      stranger,
      'POST',
      `/apps/${app.json().id}/forms`,
      {
        key: 'deals',
        name: label('Deals'),
        fields: [{ key: 'docs', type: 'attachment', label: label('D') }],
      },
      own,
    );
    const foreign = (await put(stranger, 'docs', 'theirs', 'f.txt', form.json().id, own)).json();
    expectStatus(
      await as(rep, 'POST', `/forms/${formId}/records`, { data: { docs: [foreign] } }),
      422,
      "another workspace's file in a record",
    );
    // And the victim's file cannot be referenced from the stranger's form.
    expectStatus(
      await as(stranger, 'POST', `/forms/${form.json().id}/records`, { data: { docs: [mine.file] } }, own),
      422,
      "the victim's file in another workspace's record",
    );
  });

  it('refused uploads leave nothing behind', async () => {
    const before = await gridCounts(t);
    expectStatus(await put(other, 'title', 'x'), 400, 'not a file field');
    expectStatus(await put(stranger, 'docs', 'x'), 404, 'foreign workspace upload');
    expect(await gridCounts(t)).toEqual(before);
  });

  it('made its requests without a leak', () => {
    expect(requests).toBeGreaterThanOrEqual(30);
    expect(leaks).toEqual([]);
  });
});
