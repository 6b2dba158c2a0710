import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from './modules/auth/test-helpers.js';
import {
  type AccessWorld,
  buildAccessWorld,
  ROLES,
  request,
  SECRETS,
  secretsIn,
} from './modules/records/attack-fixtures.js';
import { label } from './modules/records/test-fixtures.js';
import { createTestApp, type TestApp } from './test/app.js';

/**
 * The outside attack run of issue 10, automated: every operation of the OpenAPI document is fired with
 * hostile input — its own documented example with each leaf replaced by odd values of the same type and of
 * other types, empty and wrong-typed bodies, deep nesting, huge strings, prototype keys, garbage path
 * parameters and query strings, other workspaces' ids, multipart oddities — as the owner (who reaches the
 * most code) and as a rep whose role hides `margin` (whose every answer is searched for the hidden values).
 * No answer may be a 5xx, and no answer to the rep may hold a value hidden from it. New routes are covered
 * without touching this file: they are read from the document.
 */

type Json = Record<string, unknown>;
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: {
    content: Record<string, { example?: unknown; examples?: Record<string, { value: unknown }> }>;
  };
}
interface Op {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  operation: Operation;
}

/**
 * The suites' roles without the declassified `payable` (`amount * 0.1 + margin`): a rep who may change
 * `amount` reads the margin off a declassified payable by design, so here it is hidden like the rest.
 */
const STRICT_ROLES = (
  structuredClone(ROLES) as Array<{
    key: string;
    forms: Array<{ form: string; fields?: { field: string }[] }>;
  }>
).map((role) => ({
  ...role,
  forms: role.forms.map((f) =>
    f.fields ? { ...f, fields: f.fields.filter((x) => x.field !== 'payable') } : f,
  ),
}));

let t: TestApp;
let world: AccessWorld;
let intruder: Session & { workspaceId: string };
const ops: Op[] = [];
/** Real ids of the world, by path parameter name. */
const ids: Record<string, string> = {};
let fired = 0;
/** How many answers of each status the run drew (printed: a run of only 400s would prove little). */
const statuses = new Map<number, number>();
const serverErrors: string[] = [];
const leaks: string[] = [];

const UNKNOWN = 'ffffffffffffffffffffffff';
const ZH = { 'accept-language': 'zh-CN' };

beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_MAX: '1000000', TOKEN_RATE_LIMIT: '1000000' }, { pollJobs: false });
  world = await buildAccessWorld(t, STRICT_ROLES);
  const own = (method: 'POST' | 'PATCH', path: string, payload: unknown) =>
    request(t, world, world.owner, method, path, payload);
  const made = async (res: Promise<LightMyRequestResponse>, pick = (j: Json) => j.id as string) => {
    const answer = await res;
    expect(answer.statusCode, answer.body).toBeLessThan(300);
    return pick(answer.json());
  };
  ids.ws = world.ws;
  ids.app = world.appId;
  ids.form = world.forms.deals;
  ids.id = world.ids.mine;
  ids.user = world.rep.userId;
  ids.version = '1';
  ids.department = await made(own('POST', '/departments', { name: 'East' }));
  ids.invitation = await made(own('POST', '/invitations', { email: 'later@example.com', roles: ['member'] }));
  ids.token = await made(own('POST', '/api-tokens', { name: 'ERP', role: 'member' }));
  ids.view = await made(
    own('POST', `/forms/${world.forms.deals}/views`, {
      name: 'Big',
      config: {
        columns: ['name', 'amount'],
        filter: { field: 'amount', op: 'gte', value: 1 },
        sort: '-amount',
      },
    }),
  );
  ids.widget = 'won';
  ids.dashboard = await made(
    own('POST', `/apps/${world.appId}/dashboards`, {
      key: 'cockpit',
      name: label('Cockpit'),
      widgets: [
        {
          key: 'won',
          type: 'bar',
          title: label('Won'),
          source: { form: 'deals' },
          dimensions: [{ field: 'stage' }],
          measures: [{ aggregate: 'max', field: 'marginx2' }],
        },
      ],
      layout: [{ widget: 'won', x: 0, y: 0, w: 6, h: 4 }],
    }),
  );
  ids.file = UNKNOWN;
  ids.job = UNKNOWN;
  ids.task = UNKNOWN;
  ids.flow = UNKNOWN;
  ids.key = 'sales_performance';
  const widget = {
    key: 'w',
    type: 'bar',
    title: label('W'),
    source: { form: 'deals' },
    dimensions: [{ field: 'stage' }],
    measures: [{ aggregate: 'max', field: 'marginx2' }],
  };
  const deals = (await request(t, world, world.owner, 'GET', `/forms/${world.forms.deals}`)).json() as Json;
  const row = { sku: 'a', qty: 2 };
  Object.assign(worldBodies, {
    'POST /workspaces/{ws}/forms/{form}/records': {
      data: { name: 'Probe', code: 'P-1', amount: 5, customer: world.ids.acme, stage: 'open', items: [row] },
    },
    'PATCH /workspaces/{ws}/forms/{form}/records/{id}': { v: 2, data: { amount: 6, items: [row] } },
    'POST /workspaces/{ws}/forms/{form}/records/batch': {
      records: [{ data: { name: 'B', amount: 1 } }, { data: { name: 'C', customer: world.ids.secretCo } }],
      mode: 'create',
      atomic: false,
    },
    'PATCH /workspaces/{ws}/forms/{form}/records/batch': {
      records: [{ id: world.ids.mine, v: 2, data: { amount: 2 } }],
      atomic: true,
    },
    'POST /workspaces/{ws}/forms/{form}/records/import': {
      format: 'csv',
      content: `name,margin,code\nX,1,${SECRETS.theirCode}\n=1+2,2,@SUM(A1)\n`,
      dryRun: true,
      upsertBy: 'code',
    },
    'POST /workspaces/{ws}/forms/{form}/records/import/preview': {
      format: 'csv',
      content: 'Name,Margin,Items.qty\nX,1,2\n',
    },
    'POST /workspaces/{ws}/reports/query': { widget, appId: world.appId },
    'POST /workspaces/{ws}/reports/export': { widget, appId: world.appId, format: 'csv' },
    'POST /workspaces/{ws}/reports/cell': { widget, appId: world.appId, cell: { stage: 'open' } },
    'POST /workspaces/{ws}/apps/{app}/forms': {
      key: 'probe',
      name: label('Probe'),
      fields: [
        { key: 't', type: 'text', label: label('T'), validation: { pattern: '^[a-z]+$' } },
        { key: 'f', type: 'formula', label: label('F'), expression: 'LEN(t)', resultType: 'number' },
        { key: 'd', type: 'number', label: label('D'), default: { formula: 'LEN(t) + 1' } },
      ],
    },
    'PUT /workspaces/{ws}/forms/{form}': { definition: deals.definition, v: deals.v, publish: true },
    'PUT /workspaces/{ws}/apps/{app}/roles': { roles: STRICT_ROLES },
  });
  // Someone with a workspace of their own, whose ids are "another workspace's".
  const setup = await t.app.inject({
    method: 'POST',
    url: '/api/v1/workspaces',
    headers: world.owner.headers,
    payload: { name: 'Elsewhere' },
  });
  intruder = { ...world.owner, workspaceId: setup.json().id };

  const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
  };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
        ops.push({ method: method.toUpperCase() as Op['method'], path, operation });
    }
  }
}, 300_000);

afterAll(async () => {
  await t?.close();
  if (process.env.ATTACK_LOG)
    (await import('node:fs')).writeFileSync(process.env.ATTACK_LOG, serverErrors.join('\n'));
  console.info(
    `outside attack run: ${fired} requests over ${ops.length} operations, ${serverErrors.length} 5xx, ${leaks.length} leaks; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
  );
});

/**
 * Routes this run leaves alone: signing out ends the session every later request rides on, and setup and
 * sign-in are covered by the identity suites (their throttles would only answer 429 here).
 */
const SKIP = new Set(['POST /auth/logout', 'POST /setup', 'POST /auth/login', 'POST /invitations/accept']);

function urlOf(op: Op, values: Record<string, string>): string {
  return `/api/v1${op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? UNKNOWN))}`;
}

/**
 * Bodies that fit the world, for the operations whose documented example names forms it does not have:
 * their mutations reach the handlers (records, access, reports, imports, formulas), not only the schema.
 */
const worldBodies: Record<string, unknown> = {};

function exampleOf(op: Op): unknown {
  const own = worldBodies[`${op.method} ${op.path}`];
  if (own !== undefined) return structuredClone(own);
  const media = op.operation.requestBody?.content['application/json'];
  if (!media) return undefined;
  if (media.example !== undefined) return structuredClone(media.example);
  const first = media.examples ? Object.values(media.examples)[0] : undefined;
  return first ? structuredClone(first.value) : {};
}

/** Paths to every leaf (and every object or array) of a JSON value, up to `limit`. */
function paths(value: unknown, limit = 40, at: (string | number)[] = [], out: (string | number)[][] = []) {
  if (out.length >= limit) return out;
  if (at.length > 0) out.push(at);
  if (Array.isArray(value)) {
    for (const [i, v] of value.slice(0, 3).entries()) paths(v, limit, [...at, i], out);
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) paths(v, limit, [...at, k], out);
  return out;
}

function setAt(value: unknown, at: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Json;
  let node = copy as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[at[at.length - 1] as string] = replacement;
  return copy;
}

function deep(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** A body sent as it is (JSON.stringify cannot write it). */
class Raw {
  constructor(readonly text: string) {}
}

/** `levels` nested objects as JSON text. */
function deepText(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** Over the body limit (5 MB). */
const HUGE = new Raw(JSON.stringify({ x: 'y'.repeat(6 * 1024 * 1024) }));

/** Odd values for a leaf: the same type stretched, and other types. */
function oddValues(current: unknown): unknown[] {
  const common = [null, {}, [], { $gt: '' }, deep(60)];
  if (typeof current === 'string')
    return [
      ...common,
      '',
      'x'.repeat(20_000),
      '../../../etc/passwd',
      UNKNOWN,
      'not-an-id',
      '=HYPERLINK("http://evil")',
      '^(a+)+$',
      '__proto__',
      'constructor.constructor("return process")()',
      'SUBSTITUTE(REPT("a", 4500), "a", REPT("a", 4500))',
      `${'('.repeat(3000)}1${')'.repeat(3000)}`,
      'margin * 2',
      '\u0000\ud800',
      7,
    ];
  if (typeof current === 'number') return [...common, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, '1', true];
  if (typeof current === 'boolean') return [...common, !current, 'true', 0];
  if (Array.isArray(current))
    return [...common, 'x', [current[0], current[0]], new Array(3000).fill(current[0])];
  return [...common, 'x', 0, { constructor: { prototype: { admin: true } } }];
}

/** The bodies fired at an operation that takes one. */
function hostileBodies(op: Op): unknown[] {
  const example = exampleOf(op);
  const bodies: unknown[] = [{}, [], 'x', 0, null, deep(120), new Raw(deepText(5000)), HUGE];
  if (example && typeof example === 'object') {
    bodies.push(example, { ...(example as Json), unknown: 1 });
    bodies.push(JSON.parse(`{"__proto__": {"admin": true}, ${JSON.stringify(example).slice(1)}`));
    for (const at of paths(example)) {
      const current = at.reduce<unknown>((node, key) => (node as Json)?.[key as string], example);
      for (const odd of oddValues(current)) bodies.push(setAt(example, at, odd));
    }
  }
  return bodies;
}

const QUERY_VALUES = [
  '',
  '{',
  '[]',
  '-1',
  '0',
  '1e309',
  'null',
  'x'.repeat(5000),
  deepText(3000),
  JSON.stringify({ field: 'margin', op: 'regex', value: '^(a+)+$' }),
  JSON.stringify({ field: 'marginx2', op: 'gt', value: 0 }),
  JSON.stringify({ field: '__proto__', op: 'eq', value: 1 }),
  JSON.stringify({ field: 'items.cost', op: 'gt', value: 0 }),
  JSON.stringify({ $where: 'sleep(1000)' }),
  'margin',
  '-marginx2',
  '%00',
  UNKNOWN,
];

async function fire(
  who: { headers: Record<string, string> },
  method: Op['method'],
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  fired += 1;
  const withBody = payload !== undefined && method !== 'GET';
  const res = await t.app.inject({
    method,
    url,
    headers: {
      ...who.headers,
      ...(withBody ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(withBody ? { payload: payload instanceof Raw ? payload.text : JSON.stringify(payload) } : {}),
  });
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  if (res.statusCode >= 500) {
    const sent = withBody
      ? (payload instanceof Raw ? payload.text : JSON.stringify(payload)).slice(0, 200)
      : '';
    serverErrors.push(
      `${method} ${url.slice(0, 160)} ${sent} -> ${res.statusCode} ${res.body.slice(0, 200)}`,
    );
  }
  return res;
}

const runnable = () => ops.filter((op) => !SKIP.has(`${op.method} ${op.path}`));

// Thousands of requests per test: minutes on a loaded 2-core machine, not the default 30 s.
const RUN = { timeout: 900_000 };

describe('the outside attack run over the OpenAPI document', RUN, () => {
  it('reads at least 100 operations from the document', () => {
    expect(ops.length).toBeGreaterThan(100);
  });

  it('answers the rep without a hidden value, on every operation (real ids, example bodies)', async () => {
    const repIds = { ...ids, id: world.ids.theirs };
    for (const op of runnable()) {
      if (op.method === 'DELETE') continue;
      for (const values of [ids, repIds]) {
        const url = urlOf(op, values);
        const body = op.method === 'GET' ? undefined : (exampleOf(op) ?? {});
        const answers = [await fire(world.rep, op.method, url, body)];
        if (op.operation.parameters?.some((p) => p.in === 'query')) {
          for (const q of QUERY_VALUES.slice(9, 15)) {
            const query = op.operation.parameters
              .filter((p) => p.in === 'query')
              .map((p) => `${p.name}=${encodeURIComponent(q)}`)
              .join('&');
            answers.push(await fire(world.rep, op.method, `${url}?${query}`, body));
          }
        }
        for (const res of answers) {
          const found = secretsIn(res.body);
          if (found.length > 0)
            leaks.push(`${op.method} ${url}: ${found.join(', ')} ${res.body.slice(0, 3000)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(serverErrors).toEqual([]);
  });

  it('answers the rep without a hidden value and without a 5xx, whatever the body (record and report routes)', async () => {
    const carrying = runnable().filter(
      (op) =>
        op.method !== 'GET' && op.method !== 'DELETE' && /records|reports|views|dashboards/.test(op.path),
    );
    expect(carrying.length).toBeGreaterThan(10);
    for (const op of carrying) {
      for (const [i, body] of hostileBodies(op).entries()) {
        const res = await fire(world.rep, op.method, urlOf(op, ids), body, i % 2 ? ZH : {});
        const found = secretsIn(res.body);
        if (found.length > 0)
          leaks.push(`${op.method} ${op.path} ${JSON.stringify(body).slice(0, 120)}: ${found}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(serverErrors).toEqual([]);
  });

  it('never answers 5xx to hostile bodies (each leaf of the example made odd, empty, deep, huge)', async () => {
    // What redefines forms, roles and apps goes last, so the record routes meet the world first.
    const redefines = (op: Op) => /\/forms\/\{form\}$|\/roles$|\/publish$|\/apps\/\{app\}$/.test(op.path);
    const ordered = [...runnable().filter((op) => !redefines(op)), ...runnable().filter(redefines)];
    for (const op of ordered) {
      if (op.method === 'GET' || op.method === 'DELETE') continue;
      for (const [i, body] of hostileBodies(op).entries())
        await fire(world.owner, op.method, urlOf(op, ids), body, i % 3 === 1 ? ZH : {});
      // A body that is not JSON, and a wrong content type.
      await fire(world.owner, op.method, urlOf(op, ids), undefined, { 'content-type': 'application/json' });
      fired += 2;
      for (const [type, payload] of [
        ['application/json', '{"a":'],
        ['text/plain', 'hello'],
      ] as const) {
        const res = await t.app.inject({
          method: op.method,
          url: urlOf(op, ids),
          headers: { ...world.owner.headers, 'content-type': type },
          payload,
        });
        if (res.statusCode >= 500) serverErrors.push(`${op.method} ${op.path} ${type} -> ${res.statusCode}`);
      }
    }
    expect(serverErrors).toEqual([]);
  });

  it('never answers 5xx to garbage path parameters, query strings and other workspaces', async () => {
    const garbage = [
      'not-an-id',
      UNKNOWN,
      '0',
      '-1',
      'x'.repeat(300),
      '..%2F..',
      '%00',
      '$where',
      '__proto__',
      'constructor.constructor("return process")()',
      'SUBSTITUTE(REPT("a", 4500), "a", REPT("a", 4500))',
      `${'('.repeat(3000)}1${')'.repeat(3000)}`,
      'margin * 2',
    ];
    for (const op of runnable()) {
      if (op.method === 'DELETE') continue;
      const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
      const body = op.method === 'GET' ? undefined : (exampleOf(op) ?? {});
      for (const name of names) {
        for (const value of garbage)
          await fire(world.owner, op.method, urlOf(op, { ...ids, [name]: value }), body);
      }
      // Another workspace's owner with the victim's ids, and the victim's ids under the other workspace.
      await fire(world.owner, op.method, urlOf(op, { ...ids, ws: intruder.workspaceId }), body);
      const query = (op.operation.parameters ?? []).filter((p) => p.in === 'query');
      for (const value of QUERY_VALUES) {
        if (query.length === 0) break;
        const qs = query.map((p) => `${p.name}=${encodeURIComponent(value)}`).join('&');
        await fire(world.owner, op.method, `${urlOf(op, ids)}?${qs}`, body);
      }
    }
    expect(serverErrors).toEqual([]);
  });

  it('never answers 5xx to multipart oddities on the upload routes', async () => {
    const uploads = ops.filter((op) => op.method === 'POST' && /\/files$|\/import$/.test(op.path));
    expect(uploads.length).toBeGreaterThan(0);
    const cases: Array<[string, string | Buffer]> = [
      ['multipart/form-data', 'x'],
      ['multipart/form-data; boundary=', ''],
      ['multipart/form-data; boundary=abc', 'no parts at all'],
      [
        'multipart/form-data; boundary=abc',
        '--abc\r\nContent-Disposition: form-data\r\n\r\nx\r\n--abc--\r\n',
      ],
      [
        'multipart/form-data; boundary=abc',
        '--abc\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd"\r\n' +
          'Content-Type: text/csv\r\n\r\n=cmd|"/c calc"!A1\r\n--abc--\r\n',
      ],
      [
        'multipart/form-data; boundary=abc',
        `--abc\r\nContent-Disposition: form-data; name="${'n'.repeat(5000)}"; filename="${'f'.repeat(5000)}"\r\n\r\nx\r\n--abc`,
      ],
      ['multipart/form-data; boundary=abc', Buffer.alloc(3 * 1024 * 1024, 0x2d)],
    ];
    for (const op of uploads) {
      for (const [type, payload] of cases) {
        fired += 1;
        const res = await t.app.inject({
          method: 'POST',
          url: urlOf(op, ids),
          headers: { ...world.owner.headers, 'content-type': type },
          payload,
        });
        if (res.statusCode >= 500) serverErrors.push(`${op.path} ${type} -> ${res.statusCode} ${res.body}`);
      }
    }
    expect(serverErrors).toEqual([]);
  });

  it('never answers 5xx to deletes of unknown, malformed and other workspaces’ ids, then real ones', async () => {
    for (const op of runnable().filter((o) => o.method === 'DELETE')) {
      const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).filter((n) => n !== 'ws');
      for (const name of names) {
        for (const value of ['not-an-id', UNKNOWN, '%00'])
          await fire(world.owner, 'DELETE', urlOf(op, { ...ids, [name]: value }));
      }
      await fire(world.owner, 'DELETE', urlOf(op, { ...ids, ws: intruder.workspaceId }));
      await fire(world.rep, 'DELETE', urlOf(op, ids));
    }
    expect(serverErrors).toEqual([]);
  });
});
