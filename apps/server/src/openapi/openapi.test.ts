import { Ajv2020 } from 'ajv/dist/2020.js';
import * as formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSetup } from '../modules/auth/test-helpers.js';
import { label } from '../modules/records/test-fixtures.js';
import { createTestApp, type TestApp } from '../test/app.js';

// The OpenAPI document is the integration API's contract (issue 17): every route says what it takes and
// what it answers, with an example, and every example is an instance of its own schema.
type Json = Record<string, unknown>;
interface Media {
  schema?: Json;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  summary?: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}

let t: TestApp;
let doc: { paths: Record<string, Record<string, Operation>>; components?: Json };
const operations: Array<[string, Operation]> = [];

beforeAll(async () => {
  t = await createTestApp({}, { pollJobs: false });
  const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
        operations.push([`${method.toUpperCase()} ${path}`, operation]);
    }
  }
});
afterAll(async () => t?.close());

function examplesOf(media: Media): unknown[] {
  if (media.example !== undefined) return [media.example];
  if (media.examples) return Object.values(media.examples).map((e) => e.value);
  const inSchema = media.schema?.examples;
  return Array.isArray(inSchema) ? inSchema : [];
}

function success(
  operation: Operation,
): Array<[string, { description: string; content?: Record<string, Media> }]> {
  return Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents the API routes', () => {
    expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
    expect(operations.length).toBeGreaterThan(90);
  });

  it('gives every route a summary, its success answers and the error body', () => {
    const missing: string[] = [];
    for (const [name, operation] of operations) {
      if (!operation.summary) missing.push(`${name}: summary`);
      const answers = success(operation);
      if (answers.length === 0) missing.push(`${name}: no success answer`);
      for (const [status, answer] of answers) {
        const json = answer.content?.['application/json'];
        if (status !== '204' && !answer.content) missing.push(`${name}: ${status} has no content`);
        if (json && !json.schema) missing.push(`${name}: ${status} has no schema`);
        if (json && examplesOf(json).length === 0) missing.push(`${name}: ${status} has no example`);
      }
      if (!operation.responses['4XX'] && !Object.keys(operation.responses).some((s) => s.startsWith('4')))
        missing.push(`${name}: no error answer`);
      const body = operation.requestBody?.content['application/json'];
      if (body && examplesOf(body).length === 0) missing.push(`${name}: request body has no example`);
    }
    expect(missing).toEqual([]);
  });

  it('has examples that are instances of their schemas', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    // ajv-formats is CommonJS: its plugin is `default` under Node's ESM loader.
    const addFormats = (formats as unknown as { default: (a: Ajv2020) => void }).default;
    addFormats(ajv);
    const wrong: string[] = [];
    const check = (name: string, media: Media) => {
      if (!media.schema) return;
      const validate = ajv.compile({ ...media.schema, components: doc.components ?? {} });
      for (const example of examplesOf(media)) {
        if (!validate(example)) wrong.push(`${name}: ${ajv.errorsText(validate.errors)}`);
      }
    };
    for (const [name, operation] of operations) {
      const body = operation.requestBody?.content['application/json'];
      if (body) check(`${name} body`, body);
      for (const [status, answer] of Object.entries(operation.responses)) {
        const json = answer.content?.['application/json'];
        if (json) check(`${name} ${status}`, json);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('the documented answers', () => {
  it('are what the routes answer', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const addFormats = (formats as unknown as { default: (a: Ajv2020) => void }).default;
    addFormats(ajv);
    const owner = await runSetup(t.app);
    const wrong: string[] = [];
    const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, payload?: unknown) => {
      const res = await t.app.inject({
        method,
        url: `/api/v1${path}`,
        headers: owner.headers,
        ...(payload === undefined ? {} : { payload: payload as Json }),
      });
      expect(res.statusCode, `${method} ${path}: ${res.body}`).toBeLessThan(300);
      // The document's path of this call: ids and keys back to their {names}.
      // (a literal segment wins over a parameter: `records/import` is not `records/{id}`).
      const route = Object.keys(doc.paths)
        .filter((p) => doc.paths[p]?.[method.toLowerCase()])
        .filter((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path.split('?')[0] ?? ''))
        .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
      const answer = route
        ? doc.paths[route]?.[method.toLowerCase()]?.responses[String(res.statusCode)]
        : undefined;
      const schema = answer?.content?.['application/json']?.schema;
      if (!schema) wrong.push(`${method} ${path}: ${res.statusCode} is not documented`);
      else {
        const validate = ajv.compile({ ...schema, components: doc.components ?? {} });
        if (!validate(res.json())) wrong.push(`${method} ${path}: ${ajv.errorsText(validate.errors)}`);
      }
      return res.json();
    };
    const ws = `/workspaces/${owner.workspaceId}`;
    const app = await call('POST', `${ws}/apps`, { key: 'crm', name: label('CRM') });
    await call('GET', `${ws}/apps`);
    await call('GET', `${ws}/apps/${app.id}/access`);
    const form = await call('POST', `${ws}/apps/${app.id}/forms`, {
      key: 'deals',
      name: label('Deals'),
      fields: [
        { key: 'name', type: 'text', label: label('Name') },
        {
          key: 'stage',
          type: 'select',
          label: label('Stage'),
          options: [{ value: 'open' }, { value: 'won' }],
        },
        { key: 'amount', type: 'number', label: label('Amount') },
      ],
    });
    await call('GET', `${ws}/forms/${form.id}`);
    await call('GET', `${ws}/forms/${form.id}/versions`);
    await call('GET', `${ws}/apps/${app.id}/forms`);
    const record = await call('POST', `${ws}/forms/${form.id}/records`, {
      data: { name: 'Acme', stage: 'open', amount: 10 },
    });
    await call('PATCH', `${ws}/forms/${form.id}/records/${record.id}`, { v: 1, data: { stage: 'won' } });
    await call('GET', `${ws}/forms/${form.id}/records/${record.id}`);
    await call('GET', `${ws}/forms/${form.id}/records?sort=-amount`);
    await call('GET', `${ws}/forms/${form.id}/records/${record.id}/history`);
    await call('POST', `${ws}/forms/${form.id}/records/batch`, {
      records: [{ data: { name: 'Globex', amount: 5 } }, { data: { amount: 'x' } }],
    });
    await call('POST', `${ws}/forms/${form.id}/records/${record.id}/comments`, { text: 'Looks good' });
    await call('GET', `${ws}/forms/${form.id}/records/${record.id}/comments`);
    await call('POST', `${ws}/forms/${form.id}/records/import`, {
      format: 'csv',
      content: 'name,amount\nInitech,7\nBad,x\n',
      dryRun: true,
    });
    await call('POST', `${ws}/forms/${form.id}/views`, { name: 'Big', config: { sort: '-amount' } });
    await call('POST', `${ws}/reports/query`, {
      widget: {
        key: 'w',
        title: label('W'),
        source: { form: 'deals' },
        type: 'funnel',
        dimensions: [{ field: 'stage' }],
        measures: [{ aggregate: 'count' }],
      },
    });
    const dashboard = await call('POST', `${ws}/apps/${app.id}/dashboards`, {
      key: 'cockpit',
      name: label('Cockpit'),
      widgets: [
        {
          key: 'total',
          title: label('Total'),
          source: { form: 'deals' },
          type: 'kpi',
          measures: [{ key: 'amount', aggregate: 'sum', field: 'amount' }],
        },
      ],
      layout: [],
    });
    await call('POST', `${ws}/apps/${app.id}/dashboards/${dashboard.dashboard.key}/widgets/total/query`, {});
    await call('GET', `${ws}/apps/${app.id}/dashboards`);
    const automation = await call('POST', `${ws}/apps/${app.id}/automations`, {
      definition: {
        key: 'tell',
        name: label('Tell'),
        trigger: { type: 'manual' },
        actions: [
          {
            type: 'notify',
            config: { to: [{ kind: 'member', members: [owner.userId] }], title: 'Deal {{name}}' },
          },
        ],
      },
    });
    await call('POST', `${ws}/automations/${automation.id}/run`, { record: record.id });
    await call('GET', `${ws}/automations/${automation.id}/runs`);
    await call('GET', `${ws}/notifications`);
    await call('GET', `${ws}/members`);
    await call('GET', `${ws}/audit`);
    // An approval flow: its definition, a submission's task, the task's detail and an action.
    const requests = await call('POST', `${ws}/apps/${app.id}/forms`, {
      key: 'requests',
      name: label('Requests'),
      fields: [{ key: 'title', type: 'text', label: label('Title') }],
    });
    const flow = await call('POST', `${ws}/apps/${app.id}/flows`, {
      definition: {
        key: 'approve',
        name: label('Approve'),
        form: 'requests',
        nodes: [
          { id: 'start', type: 'start' },
          { id: 'review', type: 'approval', mode: 'or', assignees: [{ kind: 'submitter' }] },
          { id: 'end', type: 'end' },
        ],
        edges: [
          { from: 'start', to: 'review' },
          { from: 'review', to: 'end' },
        ],
      },
      publish: true,
    });
    await call('GET', `${ws}/apps/${app.id}/flows`);
    await call('GET', `${ws}/flows/${flow.id}/versions/1`);
    const submitted = await call('POST', `${ws}/forms/${requests.id}/records`, { data: { title: 'Laptop' } });
    const inbox = await call('GET', `${ws}/tasks`);
    const taskId = inbox.items[0].id;
    await call('GET', `${ws}/tasks/${taskId}`);
    await call('POST', `${ws}/forms/${requests.id}/records/${submitted.id}/flow/actions`, {
      action: 'comment',
      comment: 'Urgent',
    });
    await call('POST', `${ws}/tasks/actions`, { tasks: [taskId], action: 'approve' });
    await call('GET', `${ws}/forms/${requests.id}/records/${submitted.id}/flow`);
    await call('POST', `${ws}/flows/${flow.id}/publish`);
    expect(wrong).toEqual([]);
  });
});
