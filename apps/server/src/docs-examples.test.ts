import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSetup, type Session } from './modules/auth/test-helpers.js';
import { createTestApp, type TestApp } from './test/app.js';

// Every example of docs/ marked `doc-test=<kind>` on its fence runs through the API (issue 10, item 17),
// so a documented example that stops working fails the build:
//   pack    a whole template pack: imported (every formula, default, rule and condition is checked), and
//           the leave example's records behave as the text says
//   filter  a filter of the DSL (or an object holding one as `filter`): lists the fixture's deals with it
//   widget  a report widget over the fixture's deals: queried
//   role    one role, roles  a list of them: imported with the fixture's forms
//   fields  fields of a form (rollups, auto-linked relations): imported in a form of the fixture's fields,
//           which then takes a record (what a write compiles was checked at publish)
// The fixture forms below hold the fields those examples name.

const DOCS = fileURLToPath(new URL('../../../docs/', import.meta.url));

interface Example {
  kind: string;
  where: string;
  body: unknown;
}

/** Drops `//` comments outside strings (the docs' jsonc). */
function withoutComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

/** An example's JSON; `fields` examples may list fields without the brackets, as a form's fields read. */
function parse(kind: string, text: string): unknown {
  const json = withoutComments(text).trim();
  return kind === 'fields' && !json.startsWith('[') ? JSON.parse(`[${json}]`) : JSON.parse(json);
}

function examples(): Example[] {
  const out: Example[] = [];
  for (const file of readdirSync(DOCS).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(`${DOCS}${file}`, 'utf8');
    for (const match of text.matchAll(/^```jsonc? doc-test=(\w+)\n([\s\S]*?)^```$/gm)) {
      const line = text.slice(0, match.index).split('\n').length;
      out.push({
        kind: match[1] as string,
        where: `docs/${file}:${line}`,
        body: parse(match[1] as string, match[2] as string),
      });
    }
  }
  return out;
}

const label = (en: string) => ({ en });
const field = (key: string, type: string, extra: Record<string, unknown> = {}) => ({
  key,
  type,
  label: label(key),
  ...extra,
});
const options = (...values: string[]) => values.map((value) => ({ value }));

const FIXTURE_FORMS = [
  {
    key: 'deals',
    name: label('Deals'),
    fields: [
      field('title', 'text'),
      field('region', 'text'),
      field('stage', 'select', { options: options('new', 'won', 'lost') }),
      field('amount', 'number'),
      field('margin', 'number'),
      field('payable', 'formula', { expression: 'margin * 0.1', resultType: 'number' }),
      field('commission', 'number'),
      field('notes', 'text'),
      field('owner', 'member'),
      field('closeDate', 'date'),
    ],
  },
  { key: 'invoices', name: label('Invoices'), fields: [field('no', 'text')] },
];

let t: TestApp;
let owner: Session & { workspaceId: string };
let base: string;
let appId: string;
let dealsId: string;
let imports = 0;

const call = (method: 'GET' | 'POST', path: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `${base}${path}`,
    headers: owner.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

function importPack(pack: Record<string, unknown>) {
  imports += 1;
  return call('POST', '/apps/import', { pack, appKey: `docs${imports}` });
}

function fixturePack(roles: unknown[] = []) {
  return {
    manifest: { key: 'docs', name: label('Docs'), version: '0.1.0', locales: ['en'] },
    forms: FIXTURE_FORMS,
    roles,
  };
}

const KINDS = ['pack', 'filter', 'widget', 'role', 'roles', 'fields'];
const found = examples();
const of = (kind: string) => found.filter((e) => e.kind === kind).map((e) => [e.where, e] as const);

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  base = `/api/v1/workspaces/${owner.workspaceId}`;
  const fixture = await importPack(fixturePack());
  expect(fixture.statusCode, fixture.body).toBe(201);
  appId = fixture.json().appId;
  dealsId = fixture.json().forms.deals;
});
afterAll(async () => t?.close());

describe('documented examples', () => {
  it('are found: every kind is marked somewhere', () => {
    const kinds = new Set(found.map((e) => e.kind));
    for (const kind of KINDS) expect(kinds, kind).toContain(kind);
    for (const example of found) expect(KINDS, example.where).toContain(example.kind);
  });

  it.each(of('pack'))('%s imports as a pack', async (_where, example) => {
    const res = await importPack(example.body as Record<string, unknown>);
    expect(res.statusCode, res.body).toBe(201);
  });

  it.each(of('filter'))('%s filters a list', async (_where, example) => {
    const body = example.body as { filter?: unknown; field?: unknown; and?: unknown; or?: unknown };
    const filter = body.field || body.and || body.or ? body : body.filter;
    const res = await call(
      'GET',
      `/forms/${dealsId}/records?filter=${encodeURIComponent(JSON.stringify(filter))}`,
    );
    expect(res.statusCode, res.body).toBe(200);
  });

  it.each(of('widget'))('%s is queried', async (_where, example) => {
    const res = await call('POST', '/reports/query', { widget: example.body, appId });
    expect(res.statusCode, res.body).toBe(200);
  });

  it.each([...of('role'), ...of('roles')])('%s imports with the forms it names', async (_where, example) => {
    const roles = Array.isArray(example.body) ? example.body : [example.body];
    const res = await importPack(fixturePack(roles));
    expect(res.statusCode, res.body).toBe(201);
  });
});

const HOST_FORMS = [
  {
    key: 'contracts',
    name: label('Contracts'),
    fields: [field('owner', 'member'), field('signedOn', 'date'), field('amount', 'number')],
  },
  { key: 'commission_plans', name: label('Plans'), fields: [field('validFrom', 'date')] },
  {
    key: 'targets',
    name: label('Targets'),
    fields: [field('assignee', 'member'), field('periodStart', 'date')],
  },
];
const HOST_FIELDS = [
  field('assignee', 'member'),
  field('assigneeDept', 'department'),
  field('rep', 'member'),
  field('periodStart', 'date'),
  field('periodType', 'select', { options: options('day', 'week', 'month', 'quarter', 'year') }),
];

describe('documented fields', () => {
  it.each(of('fields'))('%s publishes in a form and takes records', async (_where, example) => {
    const host = {
      key: 'host',
      name: label('Host'),
      fields: [...HOST_FIELDS, ...(example.body as unknown[])],
    };
    const res = await importPack({
      manifest: { key: 'fields', name: label('Fields'), version: '0.1.0', locales: ['en'] },
      forms: [...HOST_FORMS, host],
    });
    expect(res.statusCode, res.body).toBe(201);
    const record = await call('POST', `/forms/${res.json().forms.host}/records`, {
      data: { assignee: owner.userId, rep: owner.userId, periodStart: '2026-05-01', periodType: 'month' },
    });
    expect(record.statusCode, record.body).toBe(201);
  });
});

describe('the leave example of docs/template-format.md', () => {
  it('fills the employee with whoever files the request, counts the days and checks the dates', async () => {
    const leave = found.find((e) => e.kind === 'pack' && JSON.stringify(e.body).includes('"leave"'));
    expect(leave).toBeDefined();
    const res = await importPack(leave?.body as Record<string, unknown>);
    expect(res.statusCode, res.body).toBe(201);
    const requests = res.json().forms.requests;
    const filed = await call('POST', `/forms/${requests}/records`, {
      data: { kind: 'annual', from: '2026-05-04', to: '2026-05-06' },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    expect(filed.json().data).toMatchObject({ employee: owner.userId, days: 3 });
    const backwards = await call('POST', `/forms/${requests}/records`, {
      data: { kind: 'sick', from: '2026-05-06', to: '2026-05-04' },
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.details[0].path).toBe('/data/to');
  });
});
