import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSetup, type Session } from './modules/auth/test-helpers.js';
import { createTestApp, type TestApp } from './test/app.js';
import { DOC_TEST_KINDS, docExamples, examplesOf } from './test/docs-examples.js';
import { docCaller, docPack, field, label } from './test/docs-fixture.js';

// Every example of docs/ marked `doc-test=<kind>` on its fence runs through the API (issue 10, item 17),
// so a documented example that stops working fails the build:
//   pack    a whole template pack: imported (every formula, default, rule and condition is checked), and
//           the leave example's records behave as the text says
//   filter  a filter of the DSL (or an object holding one as `filter`): lists the fixture's deals with it
//   widget  a report widget over the fixture's deals: queried
//   role    one role, roles  a list of them: imported with the fixture's forms
//   fields  fields of a form (rollups, auto-linked relations): imported in a form of the fixture's fields,
//           which then takes a record (what a write compiles was checked at publish)
// The forms of test/docs-fixture.ts hold the fields those examples name.

let t: TestApp;
let owner: Session & { workspaceId: string };
let appId: string;
let dealsId: string;
let api: ReturnType<typeof docCaller>;
const call: ReturnType<typeof docCaller>['call'] = (...args) => api.call(...args);
const importPack: ReturnType<typeof docCaller>['importPack'] = (pack) => api.importPack(pack);
const fixturePack = (roles: unknown[] = []) => docPack({ roles });

const found = docExamples();
const of = (kind: string) => examplesOf(found, kind);

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  api = docCaller(t.app, owner);
  const fixture = await importPack(fixturePack());
  expect(fixture.statusCode, fixture.body).toBe(201);
  appId = fixture.json().appId;
  dealsId = fixture.json().forms.deals;
});
afterAll(async () => t?.close());

describe('documented examples', () => {
  it('are found: every kind is marked somewhere', () => {
    const kinds = new Set(found.map((e) => e.kind));
    for (const kind of DOC_TEST_KINDS) expect(kinds, kind).toContain(kind);
    for (const example of found) expect(DOC_TEST_KINDS, example.where).toContain(example.kind);
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
  field('periodType', 'select', {
    options: ['day', 'week', 'month', 'quarter', 'year'].map((value) => ({ value })),
  }),
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
