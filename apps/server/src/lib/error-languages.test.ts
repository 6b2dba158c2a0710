import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, PASSWORD, type Session } from '../modules/auth/test-helpers.js';
import { connect, listen } from '../modules/realtime/test-helpers.js';
import { createForm, label, type Workspace, workspaceWithApp } from '../modules/records/test-fixtures.js';
import { createTestApp, type TestApp } from '../test/app.js';

/**
 * The same failing requests answered in the language the client asks for (docs/errors.md): the code stays,
 * the message and every detail's message follow `Accept-Language`.
 */
let t: TestApp;
let w: Workspace;
let member: Session;
let formId: string;
let recordId: string;

const EN = { 'accept-language': 'en-US,en;q=0.9' };
const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };

type Body = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

beforeAll(async () => {
  t = await createTestApp();
  w = await workspaceWithApp(t);
  member = await addMember(t.app, w.owner, w.ws, 'member@example.com');
  formId = await createForm(t, w, {
    key: 'deals',
    name: label('Deals'),
    fields: [
      { key: 'title', type: 'text', label: label('Title'), required: true },
      { key: 'amount', type: 'number', label: label('Amount'), validation: { min: 0 } },
    ],
  });
  const created = await t.app.inject({
    method: 'POST',
    url: `${w.base}/forms/${formId}/records`,
    headers: w.owner.headers,
    payload: { data: { title: 'First', amount: 1 } },
  });
  recordId = created.json().id;
});
afterAll(async () => t?.close());

/** Sends the same request in both languages; answers both bodies after checking status and code agree. */
async function both(
  request: (headers: Record<string, string>) => Promise<LightMyRequestResponse>,
  status: number,
  code: string,
): Promise<{ en: Body['error']; zh: Body['error'] }> {
  const [en, zh] = [await request(EN), await request(ZH)];
  for (const res of [en, zh]) {
    expect(res.statusCode, res.body).toBe(status);
    expect((res.json() as Body).error.code).toBe(code);
  }
  return { en: (en.json() as Body).error, zh: (zh.json() as Body).error };
}

const owner =
  (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => (h: Record<string, string>) =>
    t.app.inject({
      method,
      url: `${w.base}${url}`,
      headers: { ...w.owner.headers, ...h },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

describe('errors in the language of Accept-Language', () => {
  it('words a request that fails the route schema (ajv) through the schema locale files', async () => {
    const { en, zh } = await both(
      (h) =>
        t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.co' }, headers: h }),
      400,
      'VALIDATION_FAILED',
    );
    expect(en.message).toBe('Invalid request body');
    expect(zh.message).toBe('请求体无效');
    expect(en.details).toContainEqual(
      expect.objectContaining({ path: '/password', message: 'password is required' }),
    );
    expect(zh.details).toContainEqual(
      expect.objectContaining({ path: '/password', message: 'password 为必填项' }),
    );
  });

  it('words a record that fails validation', async () => {
    const { en, zh } = await both(
      owner('POST', `/forms/${formId}/records`, { data: { amount: -1 } }),
      400,
      'VALIDATION_FAILED',
    );
    expect([en.message, zh.message]).toEqual(['Invalid record', '记录无效']);
    expect(en.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/data/title', message: 'title is required' }),
        expect.objectContaining({ path: '/data/amount', message: 'must be at least 0' }),
      ]),
    );
    expect(zh.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/data/title', message: 'title 为必填项' }),
        expect.objectContaining({ path: '/data/amount', message: '不能小于 0' }),
      ]),
    );
  });

  it('words a filter the records list refuses', async () => {
    const filter = encodeURIComponent(JSON.stringify({ field: 'nope', op: 'eq', value: 1 }));
    const { en, zh } = await both(
      owner('GET', `/forms/${formId}/records?filter=${filter}`),
      400,
      'VALIDATION_FAILED',
    );
    expect([en.message, zh.message]).toEqual(['Invalid filter', '筛选条件无效']);
    expect(en.details).toEqual([{ path: '/query/filter/field', message: 'unknown field "nope"' }]);
    expect(zh.details).toEqual([{ path: '/query/filter/field', message: '未知字段“nope”' }]);
  });

  it('words not found, for a record and for a route', async () => {
    const record = await both(owner('GET', `/forms/${formId}/records/${'0'.repeat(24)}`), 404, 'NOT_FOUND');
    expect([record.en.message, record.zh.message]).toEqual(['Record not found', '记录不存在']);
    const route = await both(
      (h) => t.app.inject({ method: 'GET', url: '/api/v1/nope', headers: h }),
      404,
      'NOT_FOUND',
    );
    expect([route.en.message, route.zh.message]).toEqual([
      'Route GET /api/v1/nope not found',
      '接口 GET /api/v1/nope 不存在',
    ]);
  });

  it('words a version conflict', async () => {
    const { en, zh } = await both(
      owner('PATCH', `/forms/${formId}/records/${recordId}`, { data: { amount: 2 }, v: 99 }),
      409,
      'CONFLICT',
    );
    expect(en.message).toBe('The record was changed meanwhile (now version 1); reload it and try again');
    expect(zh.message).toBe('记录已被他人修改（当前版本 1），请刷新后重试');
  });

  it('words a failed sign-in and a refused permission', async () => {
    const login = await both(
      (h) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'member@example.com', password: `${PASSWORD}-wrong` },
          headers: h,
        }),
      401,
      'UNAUTHORIZED',
    );
    expect([login.en.message, login.zh.message]).toEqual(['Wrong email or password', '邮箱或密码错误']);
    const denied = await both(
      (h) =>
        t.app.inject({
          method: 'POST',
          url: `${w.base}/apps`,
          headers: { ...member.headers, ...h },
          payload: { key: 'mine', name: { en: 'Mine' } },
        }),
      403,
      'FORBIDDEN',
    );
    expect([denied.en.message, denied.zh.message]).toEqual([
      'Only workspace owners and admins create apps',
      '只有工作区所有者和管理员可以创建应用',
    ]);
  });

  it('words a formula error through the formula locale files, with its position', async () => {
    const { en, zh } = await both(
      owner('POST', `/apps/${w.appId}/forms`, {
        key: 'broken',
        name: label('Broken'),
        fields: [
          { key: 'x', type: 'formula', label: label('X'), expression: 'NOPE(1)', resultType: 'number' },
        ],
      }),
      422,
      'UNPROCESSABLE',
    );
    expect([en.message, zh.message]).toEqual([
      'A formula of the form cannot be used',
      '表单中有公式无法使用',
    ]);
    expect(en.details).toEqual([
      {
        path: '/fields/0/expression',
        message: 'Unknown function "NOPE". (at character 0)',
        code: 'formula.UNKNOWN_FUNCTION',
      },
    ]);
    expect(zh.details).toEqual([
      {
        path: '/fields/0/expression',
        message: '未知函数“NOPE”。（第 0 个字符处）',
        code: 'formula.UNKNOWN_FUNCTION',
      },
    ]);
  });

  it('words a report widget that does not fit the form', async () => {
    const widget = { key: 'w', type: 'bar', title: label('W'), source: { form: 'deals' } };
    const { en, zh } = await both(
      owner('POST', '/reports/query', {
        widget: { ...widget, dimensions: [{ field: 'nope' }], measures: [{ aggregate: 'count' }] },
      }),
      422,
      'UNPROCESSABLE',
    );
    expect(en.details?.[0]?.message).toBe('unknown field "nope"');
    expect(zh.details?.[0]?.message).toBe('未知字段“nope”');
  });

  it('words a body over the limit (413) and one nested too deep (400)', async () => {
    const big = await both(
      (h) =>
        t.app.inject({
          method: 'POST',
          url: `${w.base}/forms/${formId}/records`,
          headers: { ...w.owner.headers, ...h, 'content-type': 'application/json' },
          payload: JSON.stringify({ data: { title: 'x'.repeat(6 * 1024 * 1024) } }),
        }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect([big.en.message, big.zh.message]).toEqual([
      'The request body is larger than allowed',
      '请求体超过允许的大小',
    ]);
    const deep = await both(
      (h) =>
        t.app.inject({
          method: 'POST',
          url: `${w.base}/forms/${formId}/records`,
          headers: { ...w.owner.headers, ...h, 'content-type': 'application/json' },
          payload: `{"data":{"title":${'['.repeat(500)}${']'.repeat(500)}}}`,
        }),
      400,
      'VALIDATION_FAILED',
    );
    expect(deep.zh.message).toMatch(/^请求内容的嵌套超过 \d+ 层$/);
    expect(deep.en.message).toMatch(/^The request body nests deeper than \d+ levels$/);
  });

  it('answers English without the header, and for languages it does not ship', async () => {
    for (const headers of [{}, { 'accept-language': 'fr-FR, de;q=0.5' }]) {
      const res = await owner('GET', `/forms/${formId}/records/${'0'.repeat(24)}`)(headers);
      expect(res.json().error.message).toBe('Record not found');
    }
  });

  it('words a refused socket handshake and subscription in the language of the handshake', async () => {
    const url = await listen(t);
    const refused = await connect(url, { token: 'fls_not-a-token', headers: ZH });
    expect('refused' in refused && refused.refused.message).toBe('令牌无效');
    const accepted = await connect(url, { token: w.owner.token, headers: ZH });
    if (!('client' in accepted)) throw new Error('socket refused');
    const ack = await accepted.client.subscribe('nope');
    accepted.client.close();
    expect(ack.error).toEqual({ code: 'NOT_FOUND', message: '工作区不存在' });
  });
});

describe('the rate limit in the language of Accept-Language', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ RATE_LIMIT_MAX: '2' });
  });
  afterAll(async () => limited?.close());

  it('answers 429 with Retry-After, worded per request', async () => {
    const hit = (headers: Record<string, string>) =>
      limited.app.inject({
        method: 'GET',
        url: '/api/v1/health',
        headers: { ...headers, 'x-forwarded-for': '10.9.9.9' },
      });
    await hit(EN);
    await hit(EN);
    const en = await hit(EN);
    const zh = await hit(ZH);
    for (const res of [en, zh]) {
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe('RATE_LIMITED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(en.json().error.message).toMatch(/^Too many requests; try again in \d+ s$/);
    expect(zh.json().error.message).toMatch(/^请求过于频繁，请在 \d+ 秒后重试$/);
  });
});

describe("the person's own language when a request names none", () => {
  it('a member who chose zh-CN reads errors in Chinese without Accept-Language; the header still wins', async () => {
    const set = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/auth/me',
      headers: member.headers,
      payload: { language: 'zh-CN' },
    });
    expect(set.statusCode, set.body).toBe(200);
    const bad = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/workspaces',
        headers: { ...member.headers, ...headers },
        payload: { name: 5 },
      });
    const plain = (await bad({})).json() as Body;
    const english = (await bad(EN)).json() as Body;
    expect(plain.error.code).toBe(english.error.code);
    expect(plain.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(plain.error.details?.every((d) => /[\u4e00-\u9fa5]/.test(d.message))).toBe(true);
    expect(english.error.message).not.toMatch(/[\u4e00-\u9fa5]/);
    // The owner chose nothing: English.
    const owners = await t.app.inject({
      method: 'GET',
      url: `${w.base}/forms/nope/records`,
      headers: w.owner.headers,
    });
    expect(owners.json().error.message).not.toMatch(/[\u4e00-\u9fa5]/);
  });
});
