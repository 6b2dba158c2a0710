import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSetup, type Session } from './modules/auth/test-helpers.js';
import { createTestApp, type TestApp } from './test/app.js';
import { docExamples, examplesOf } from './test/docs-examples.js';
import { docCaller, docPack, label } from './test/docs-fixture.js';

// The documented examples that do something when run (issue 10, item 17), each through the API on the
// forms of test/docs-fixture.ts:
//   automation      imported in a pack, then fired by the write its trigger names; its run succeeds and its
//                   record appears
//   action[:form]   wrapped in a manual automation, imported, and run on a record of `form` (without a form,
//                   as the webhook, whose destination the workspace must allow, only the definition is checked)
//   flow            imported in a pack; a submitted record starts it
//   measure         a target measure in a bar of deals by owner: the owner's target is joined
//   query           the body of POST /reports/query, sent as written (the app id is the fixture's)
//   dashboard       imported in a pack, then queried whole
//   batch           the body of POST .../records/batch: every record written
//   records         the records section of a pack: imported, relations resolved

let t: TestApp;
let owner: Session & { workspaceId: string };
let api: ReturnType<typeof docCaller>;
const found = docExamples();

beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  api = docCaller(t.app, owner);
});
afterAll(async () => t?.close());

interface Imported {
  appId: string;
  forms: Record<string, string>;
}

async function imported(pack: Record<string, unknown>, demoData = false): Promise<Imported> {
  const res = await api.importPack(pack, { demoData });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Imported;
}

async function create(app: Imported, form: string, data: Record<string, unknown>): Promise<string> {
  const res = await api.call('POST', `/forms/${app.forms[form]}/records`, { data });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

async function list(app: Imported, form: string) {
  const res = await api.call('GET', `/forms/${app.forms[form]}/records`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Array<{ id: string; data: Record<string, unknown> }> }).items;
}

async function automationOf(app: Imported, key: string): Promise<string> {
  const res = await api.call('GET', `/apps/${app.appId}/automations`);
  const found = (res.json() as Array<{ id: string; key: string }>).find((a) => a.key === key);
  if (!found) throw new Error(`automation ${key} not imported: ${res.body}`);
  return found.id;
}

async function newestRun(id: string) {
  const res = await api.call('GET', `/automations/${id}/runs`);
  expect(res.statusCode, res.body).toBe(200);
  const [run] = (res.json() as { items: Array<{ status: string; actions: Array<{ status: string }> }> })
    .items;
  return run;
}

const today = new Date().toISOString().slice(0, 10);

describe('documented automations', () => {
  it.each(examplesOf(found, 'automation'))('%s fires on the write its trigger names', async (_w, e) => {
    const automation = e.body as { key: string; trigger: { form: string; field: string; to: string } };
    const app = await imported(docPack({ automations: [automation] }));
    const { form, field, to } = automation.trigger;
    const deal = await create(app, form, { [field]: to, amount: 5, title: 'A' });
    await t.app.scheduler.runDue();
    const run = await newestRun(await automationOf(app, automation.key));
    expect(run?.status).toBe('succeeded');
    expect((await list(app, 'contracts')).map((c) => c.data.deal)).toEqual([deal]);
  });
});

/** The fixture flow a `startFlow` example starts: one approval by the submitter. */
const QUOTE_FLOW = {
  key: 'quote_approval',
  name: label('Quote approval'),
  form: 'quotes',
  nodes: [
    { id: 'start', type: 'start' },
    { id: 'ok', type: 'approval', mode: 'or', assignees: [{ kind: 'submitter' }] },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { from: 'start', to: 'ok' },
    { from: 'ok', to: 'end' },
  ],
};

/** A record of `form` for an action example to run on, with what the action reads around it. */
async function triggerRecord(app: Imported, form: string): Promise<string> {
  switch (form) {
    case 'targets': {
      const parent = await create(app, 'targets', { amount: 900, method: 'history', periodStart: today });
      await create(app, 'targets', { parent, lastYear: 1, periodStart: today });
      await create(app, 'targets', { parent, lastYear: 2, periodStart: today });
      return parent;
    }
    case 'projects': {
      const project = await create(app, 'projects', { name: 'P' });
      await create(app, 'tasks', { project, title: 'T' });
      return project;
    }
    case 'quotes': {
      // A batch write starts no flow, so the action's startFlow is the one that does.
      const res = await api.call('POST', `/forms/${app.forms.quotes}/records/batch`, {
        records: [{ data: { no: 'Q-1', total: 10 } }],
      });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { results: Array<{ record: { id: string } }> }).results[0]?.record.id as string;
    }
    default:
      return create(app, form, {
        title: 'A',
        name: 'A',
        stage: 'won',
        amount: 5,
        pace: 0.5,
        owner: owner.userId,
      });
  }
}

describe('documented automation actions', () => {
  it.each(examplesOf(found, 'action'))('%s runs in a manual automation', async (_w, e) => {
    const automation = {
      key: 'example',
      name: label('Example'),
      trigger: { type: 'manual' },
      actions: [e.body],
    };
    const app = await imported(docPack({ automations: [automation], flows: [QUOTE_FLOW] }));
    if (!e.form) return;
    const record = await triggerRecord(app, e.form);
    const id = await automationOf(app, 'example');
    const res = await api.call('POST', `/automations/${id}/run`, { record });
    expect(res.statusCode, res.body).toBe(200);
    const run = await newestRun(id);
    expect(run?.status, JSON.stringify(run)).toBe('succeeded');
    expect(run?.actions.map((a) => a.status)).toEqual(['done']);
    const action = e.body as { type: string };
    if (action.type === 'distribute') {
      const children = (await list(app, 'targets')).filter((r) => r.data.parent === record);
      expect(children.map((c) => c.data.amount).sort()).toEqual([300, 600]);
    }
    if (action.type === 'deleteRecords') expect(await list(app, 'tasks')).toEqual([]);
    if (action.type === 'updateRecords') {
      expect((await list(app, 'deals')).find((d) => d.id === record)?.data.highest).toBe('won');
    }
    if (action.type === 'startFlow') {
      const flow = await api.call('GET', `/forms/${app.forms.quotes}/records/${record}/flow`);
      expect(flow.json().flow?.status, flow.body).toBe('inProgress');
    }
  });
});

/** What a submitted record of a documented flow's form holds, so its conditions have values. */
const flowRecord = (form: string): Record<string, unknown> =>
  form === 'requests'
    ? { kind: 'unpaid', days: 7, note: 'long trip', employee: owner.userId }
    : { no: 'Q-2', total: 600000, items: [{ qty: 1 }], actual: 1, rep: owner.userId };

describe('documented flows', () => {
  it.each(examplesOf(found, 'flow'))('%s imports and a submitted record starts it', async (_w, e) => {
    const flow = e.body as { form: string };
    const app = await imported(docPack({ flows: [flow] }));
    const record = await create(app, flow.form, flowRecord(flow.form));
    const res = await api.call('GET', `/forms/${app.forms[flow.form]}/records/${record}/flow`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().flow?.status, res.body).toBe('inProgress');
  });
});

describe('documented reports', () => {
  it.each(examplesOf(found, 'measure'))('%s joins the target of each group', async (_w, e) => {
    const app = await imported(docPack());
    await create(app, 'deals', { amount: 40, owner: owner.userId });
    await create(app, 'targets', {
      assignee: owner.userId,
      amount: 100,
      metric: 'revenue',
      periodStart: today,
    });
    await create(app, 'targets', { assignee: owner.userId, amount: 7, metric: 'visits', periodStart: today });
    const measure = e.body as { key: string };
    const widget = {
      key: 'vsTarget',
      type: 'bar',
      title: label('Revenue and target'),
      source: { form: 'deals' },
      dimensions: [{ field: 'owner' }],
      measures: [{ key: 'revenue', aggregate: 'sum', field: 'amount' }, measure],
    };
    const res = await api.call('POST', '/reports/query', { widget, appId: app.appId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rows).toEqual([expect.objectContaining({ revenue: 40, [measure.key]: 100 })]);
  });

  it.each(examplesOf(found, 'query'))('%s is answered', async (_w, e) => {
    const app = await imported(docPack());
    await create(app, 'deals', { region: 'east', amount: 5, closeDate: today });
    const res = await api.call('POST', '/reports/query', { ...(e.body as object), appId: app.appId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().meta.drill?.path).toEqual(['east']);
  });

  it.each(examplesOf(found, 'dashboard'))('%s imports and is queried whole', async (_w, e) => {
    const dashboard = e.body as { key: string };
    const app = await imported(docPack({ dashboards: [dashboard] }));
    const res = await api.call('POST', `/apps/${app.appId}/dashboards/${dashboard.key}/query`, {});
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('documented writes', () => {
  it.each(examplesOf(found, 'batch'))('%s writes every record', async (_w, e) => {
    const app = await imported(docPack());
    const body = e.body as { records: unknown[]; mode: string; key?: string };
    const res = await api.call('POST', `/forms/${app.forms.parts}/records/batch`, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().failed).toBe(0);
    expect((await list(app, 'parts')).length).toBe(body.records.length);
  });

  it.each(examplesOf(found, 'records'))('%s imports with its relations resolved', async (_w, e) => {
    const app = await imported({ ...docPack(), ...(e.body as object) }, true);
    const [customer] = await list(app, 'customers');
    const visits = await list(app, 'visits');
    expect(visits.map((v) => v.data.customer)).toEqual([customer?.id]);
  });
});
