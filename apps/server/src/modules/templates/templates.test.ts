import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { checkPack, planPack } from '../apps/pack-validate.js';
import { richPack } from '../apps/test-fixtures.js';
import { runSetup, type Session } from '../auth/test-helpers.js';
import { connect, listen } from '../realtime/test-helpers.js';
import { DEFAULT_TEMPLATES_DIR, listTemplates, loadTemplate, templatesDir } from './catalogue.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

let t: TestApp;
let owner: Session & { workspaceId: string };
let root: string;

function write(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

/** A catalogue: `studio` split into parts, `leave` as one pack.json, and two directories that are no packs. */
function fixtureCatalogue(): string {
  const dir = mkdtempSync(join(tmpdir(), 'formloom-templates-'));
  const pack = richPack() as {
    manifest: unknown;
    app: unknown;
    roles: unknown;
    records: Record<string, unknown[]>;
  } & Record<'forms' | 'flows' | 'automations' | 'dashboards', Array<{ key: string }>>;
  const { manifest, app, forms, flows, automations, dashboards, roles, records } = pack;
  const studio = join(dir, 'studio');
  write(join(studio, 'manifest.json'), manifest);
  write(join(studio, 'app.json'), app);
  forms.forEach((form, i) => {
    write(join(studio, 'forms', `${String(i + 1).padStart(2, '0')}-${form.key}.json`), form);
  });
  for (const [part, list] of Object.entries({ flows, automations, dashboards })) {
    for (const item of list) write(join(studio, part, `${item.key}.json`), item);
  }
  write(join(studio, 'roles.json'), roles);
  for (const [form, list] of Object.entries(records)) {
    write(join(studio, 'demo', `${form}.json`), list);
  }
  write(join(dir, 'leave', 'pack.json'), {
    manifest: { key: 'leave', name: { en: 'Leave' }, version: '0.1.0', locales: ['en'] },
    forms: [
      {
        key: 'requests',
        name: { en: 'Requests' },
        fields: [{ key: 'why', type: 'text', label: { en: 'Why' } }],
      },
    ],
  });
  write(join(dir, 'broken', 'manifest.json'), '{ not json');
  mkdirSync(join(dir, 'empty'));
  return dir;
}

beforeAll(async () => {
  root = fixtureCatalogue();
  t = await createTestApp({ TEMPLATES_DIR: root });
  owner = await runSetup(t.app);
});
afterAll(async () => {
  await t?.close();
  rmSync(root, { recursive: true, force: true });
});

function request(method: 'GET' | 'POST', path: string, payload?: unknown) {
  return t.app.inject({
    method,
    url: `/api/v1${path}`,
    headers: owner.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

describe('the template catalogue', () => {
  it("defaults to the repository's templates directory; TEMPLATES_DIR overrides it", () => {
    expect(DEFAULT_TEMPLATES_DIR).toBe(join(REPO_ROOT, 'templates'));
    expect(templatesDir({})).toBe(DEFAULT_TEMPLATES_DIR);
    expect(templatesDir({ TEMPLATES_DIR: root })).toBe(root);
    expect(t.config.templatesDir).toBe(root);
  });

  it('is empty when the directory is missing or holds no packs', async () => {
    expect(await listTemplates(join(root, 'missing'))).toEqual([]);
    expect(await listTemplates(join(root, 'empty'))).toEqual([]);
  });

  it('lists the packs by their manifests over GET /templates', async () => {
    const res = await request('GET', '/templates');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { key: 'leave', name: { en: 'Leave' }, version: '0.1.0' },
      {
        key: 'studio',
        name: { en: 'Studio', 'zh-CN': 'Studio' },
        version: '1.2.3',
        description: { en: 'Clients, projects and tasks', 'zh-CN': 'Clients, projects and tasks' },
      },
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/templates' })).statusCode).toBe(401);
  });

  it('assembles a pack from its parts, demo records only on request', async () => {
    const plain = await loadTemplate(root, 'studio');
    const { records, ...pack } = richPack();
    expect(plain).toEqual({ pack });
    expect(await loadTemplate(root, 'studio', { demoData: true })).toEqual({ pack, records });
    expect(await loadTemplate(root, 'nope')).toBeUndefined();
  });

  it('imports a template by key, with or without demo data; an unknown key is 404', async () => {
    const ws = owner.workspaceId;
    const withDemo = await request('POST', `/workspaces/${ws}/apps/import`, {
      template: 'studio',
      demoData: true,
    });
    expect(withDemo.statusCode, withDemo.body).toBe(201);
    expect(withDemo.json()).toMatchObject({ records: 8 });
    const plain = await request('POST', `/workspaces/${ws}/apps/import`, {
      template: 'studio',
      appKey: 'bare',
    });
    expect(plain.json()).toMatchObject({ records: 0 });
    const leave = await request('POST', `/workspaces/${ws}/apps/import`, { template: 'leave' });
    expect(leave.statusCode).toBe(201);
    expect(Object.keys(leave.json().forms)).toEqual(['requests']);
    const unknown = await request('POST', `/workspaces/${ws}/apps/import`, { template: 'nope' });
    expect(unknown.statusCode).toBe(404);
  });

  it('describes a pack for the gallery: forms, flows, automations, dashboards, roles and demo counts', async () => {
    const res = await request('GET', '/templates/studio');
    expect(res.statusCode).toBe(200);
    const detail = res.json() as Record<string, unknown> & {
      forms: Array<{ key: string; fields: unknown[] }>;
      demoData: Record<string, number>;
    };
    const pack = richPack() as { forms: Array<{ key: string }>; records: Record<string, unknown[]> };
    expect(detail).toMatchObject({ key: 'studio', version: '1.2.3', locales: ['en', 'zh-CN'] });
    expect(detail.forms.map((f) => f.key)).toEqual(pack.forms.map((f) => f.key));
    expect(detail.forms[0]?.fields.length).toBeGreaterThan(10);
    expect(detail.flows).toEqual([expect.objectContaining({ key: expect.any(String) })]);
    expect((detail.dashboards as Array<{ widgets: number }>)[0]?.widgets).toBeGreaterThan(0);
    expect(detail.demoData).toEqual(
      Object.fromEntries(Object.entries(pack.records).map(([form, list]) => [form, list.length])),
    );
    expect((await request('GET', '/templates/leave')).json()).toMatchObject({ demoData: {}, flows: [] });
    expect((await request('GET', '/templates/nope')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/templates/studio' })).statusCode).toBe(401);
  });

  it("tells the importer's sockets how far an import with a progressKey got", async () => {
    const url = await listen(t);
    const connected = await connect(url, { token: owner.token });
    if (!('client' in connected)) throw connected.refused;
    const { client } = connected;
    try {
      expect((await client.subscribe(owner.workspaceId)).ok).toBe(true);
      const res = await request('POST', `/workspaces/${owner.workspaceId}/apps/import`, {
        template: 'studio',
        demoData: true,
        appKey: 'watched',
        progressKey: 'gallery-1',
      });
      expect(res.statusCode, res.body).toBe(201);
      await client.next(
        (event, payload) =>
          event === 'apps:importProgress' && (payload as { phase: string }).phase === 'finishing',
      );
      const notices = client.events
        .filter((e) => e.event === 'apps:importProgress')
        .map((e) => e.payload as { progressKey: string; phase: string; done: number; total: number });
      expect(notices.every((n) => n.progressKey === 'gallery-1' && n.total === 8)).toBe(true);
      expect([...new Set(notices.map((n) => n.phase))]).toEqual([
        'checking',
        'forms',
        'records',
        'finishing',
      ]);
      expect(notices.at(-1)?.done).toBe(8);
      const bad = await request('POST', `/workspaces/${owner.workspaceId}/apps/import`, {
        template: 'leave',
        progressKey: 'not a key!',
      });
      expect(bad.statusCode).toBe(400);
    } finally {
      client.close();
    }
  });
});

describe("the repository's templates", () => {
  it('every pack of templates/ passes the import checks', async () => {
    const found = await listTemplates(DEFAULT_TEMPLATES_DIR);
    for (const { key } of found) {
      const loaded = await loadTemplate(DEFAULT_TEMPLATES_DIR, key, { demoData: true });
      const input = loaded?.records ? { ...loaded.pack, records: loaded.records } : loaded?.pack;
      const { pack } = checkPack(input);
      expect(() => planPack(pack), key).not.toThrow();
    }
  });
});
