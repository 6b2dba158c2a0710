import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember } from '../auth/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';
import { createAutomation, createRecord, recordsOf, runsOf } from './test-fixtures.js';
import { checkDestination, DestinationRefused } from './webhooks/ssrf.js';

let t: TestApp;
let w: Workspace;
let orders: string;
let notes: string;
let server: Server;
let port: number;
let smtp: SMTPServer;
let smtpPort: number;
const mails: string[] = [];
const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
let failNext = 0;
let time = Date.parse('2026-03-02T08:00:00Z');

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = failNext > 0 ? 500 : 200;
      if (failNext > 0) failNext -= 1;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      let text = '';
      stream.on('data', (c: Buffer) => {
        text += c.toString();
      });
      stream.on('end', () => {
        mails.push(text);
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  t = await createTestApp(
    { SMTP_URL: `smtp://127.0.0.1:${smtpPort}?from=robot@example.com` },
    { clock: () => new Date(time), pollJobs: false },
  );
  w = await workspaceWithApp(t);
  notes = await createForm(t, w, {
    key: 'notes',
    name: label('Notes'),
    fields: [{ key: 'text', type: 'text', label: label('Text') }],
  });
  orders = await createForm(t, w, {
    key: 'orders',
    name: label('Orders'),
    fields: [
      { key: 'name', type: 'text', label: label('Name') },
      { key: 'total', type: 'number', label: label('Total') },
      { key: 'buyer', type: 'member', label: label('Buyer') },
    ],
  });
}, 60_000);

afterAll(async () => {
  await t.close();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => smtp.close(() => resolve(undefined)));
});

const hook = (url: string, extra: Record<string, unknown> = {}) =>
  createAutomation(t, w, {
    key: `hook_${Math.random().toString(36).slice(2, 8)}`,
    trigger: { type: 'manual' },
    actions: [{ type: 'webhook', config: { url, ...extra } }],
  });
const allow = (allowList: unknown[]) => call(t, w, 'PUT', '/webhook-settings', { allowList });
const runNow = async (id: string) =>
  (await call(t, w, 'POST', `/automations/${id}/run`, {})).json() as {
    status: string;
    error?: { code: string; message: string };
    effects: Array<{ kind: string; detail: Record<string, unknown> }>;
  };

describe('webhook destinations (SSRF)', () => {
  it('refuses a URL that is not on the allow-list', async () => {
    const id = await hook(`http://127.0.0.1:${port}/in`);
    const res = await runNow(id);
    expect(res).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });
    expect(res.error?.message).toMatch(/allow-list/);
    expect(received).toHaveLength(0);
    // In the reader's language, the reason included (it was English inside a Chinese sentence).
    const zh = await t.app.inject({
      method: 'POST',
      url: `${w.base}/automations/${id}/run`,
      headers: { ...w.owner.headers, 'accept-language': 'zh-CN' },
      payload: {},
    });
    expect(zh.json().error.message).toBe(`Webhook 被拒绝：127.0.0.1:${port} 不在工作区的 Webhook 允许列表中`);
    const runs = await t.app.inject({
      method: 'GET',
      url: `${w.base}/automations/${id}/runs`,
      headers: { ...w.owner.headers, 'accept-language': 'zh-CN' },
    });
    expect(runs.body).toContain('不在工作区的 Webhook 允许列表中');
    expect(runs.body).not.toContain('allow-list');
  });

  it('refuses a listed loopback server unless private addresses are allowed for it, also by name (after DNS)', async () => {
    await allow([{ host: '127.0.0.1' }, { host: 'localhost' }]);
    for (const url of [`http://127.0.0.1:${port}/in`, `http://localhost:${port}/in`]) {
      const res = await runNow(await hook(url));
      expect(res.status).toBe('failed');
      expect(res.error?.message).toMatch(/loopback/);
    }
    expect(received).toHaveLength(0);
  });

  it('delivers to an allowed private destination, signed with HMAC-SHA256', async () => {
    const settings = (await allow([{ host: '127.0.0.1', port, allowPrivate: true }])).json() as {
      secret: string;
    };
    const id = await hook(`http://127.0.0.1:${port}/in`, {
      headers: { 'X-Tenant': 'acme' },
      body: { greeting: '"hi"', sum: '1 + 2' },
    });
    const res = await runNow(id);
    expect(res).toMatchObject({
      status: 'succeeded',
      effects: [{ kind: 'webhook', detail: { status: 200 } }],
    });
    const got = received.at(-1);
    expect(JSON.parse(got?.body ?? '')).toEqual({ greeting: 'hi', sum: 3 });
    expect(got?.headers['x-tenant']).toBe('acme');
    const sig = String(got?.headers['x-formloom-signature']);
    const [, ts, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig) ?? [];
    expect(mac).toBe(createHmac('sha256', settings.secret).update(`${ts}.${got?.body}`).digest('hex'));
    expect(got?.headers['x-formloom-idempotency-key']).toMatch(/:manual:/);
  });

  it('checks every address a name resolves to, and never calls the metadata or private ranges', async () => {
    const allowList = [{ host: 'hooks.example.com' }, { host: '*.corp.example' }];
    const resolve = (addresses: string[]) => async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const ok = await checkDestination(
      new URL('https://hooks.example.com/x'),
      allowList,
      resolve(['93.184.216.34']),
    );
    expect(ok).toEqual({ address: '93.184.216.34', family: 4 });
    for (const addresses of [
      ['10.0.0.7'],
      ['93.184.216.34', '169.254.169.254'],
      ['::ffff:127.0.0.1'],
      ['fd00::1'],
    ]) {
      await expect(
        checkDestination(new URL('https://hooks.example.com/x'), allowList, resolve(addresses)),
      ).rejects.toThrow(DestinationRefused);
    }
    await expect(
      checkDestination(new URL('https://a.corp.example/x'), allowList, resolve(['8.8.8.8'])),
    ).resolves.toBeTruthy();
    await expect(
      checkDestination(new URL('https://corp.example/x'), allowList, resolve(['8.8.8.8'])),
    ).rejects.toThrow(/allow-list/);
    await expect(
      checkDestination(new URL('ftp://hooks.example.com/x'), allowList, resolve(['8.8.8.8'])),
    ).rejects.toThrow();
  });

  it('only owners and admins see or change the settings; bad entries answer 400', async () => {
    const bob = await addMember(t.app, w.owner, w.ws, 'bob@example.com');
    expect((await call(t, w, 'GET', '/webhook-settings', undefined, bob.headers)).statusCode).toBe(403);
    expect((await call(t, w, 'PUT', '/webhook-settings', { allowList: [] }, bob.headers)).statusCode).toBe(
      403,
    );
    expect((await allow([{ host: 'a b' }])).statusCode).toBe(400);
    expect((await allow([{ host: 'x.example', port: 70000 }])).statusCode).toBe(400);
  });
});

describe('retries', () => {
  it('a delivery answered 500 is retried with backoff by the scheduler and succeeds under the same run', async () => {
    await allow([{ host: '127.0.0.1', port, allowPrivate: true }]);
    const id = await createAutomation(t, w, {
      key: 'order_hook',
      trigger: { type: 'recordCreated', form: 'orders' },
      actions: [
        { type: 'createRecord', config: { form: 'notes', values: { text: 'CONCATENATE("order ", name)' } } },
        { type: 'webhook', config: { url: `http://127.0.0.1:${port}/orders` } },
      ],
    });
    failNext = 1;
    const before = received.length;
    await createRecord(t, w, orders, { name: 'O-1' });
    await t.app.scheduler.runDue();
    let [run] = await runsOf(t, w, id);
    expect(run).toMatchObject({ status: 'retrying', attempts: 1, error: { code: 'DELIVERY_FAILED' } });
    // Not due before its backoff.
    await t.app.scheduler.runDue();
    expect(received.length - before).toBe(1);
    time += 5_000;
    await t.app.scheduler.runDue();
    [run] = await runsOf(t, w, id);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(received.length - before).toBe(2);
    // The same idempotency key on both deliveries; the record of the first action was made once.
    const keys = received.slice(before).map((r) => r.headers['x-formloom-idempotency-key']);
    expect(keys[0]).toBe(keys[1]);
    expect((await recordsOf(t, w, notes)).map((r) => r.data.text)).toEqual(['order O-1']);
  });

  it('out of attempts, the run is failed (the dead letter) and the log keeps the error', async () => {
    const id = await hook(`http://127.0.0.1:${port}/down`);
    failNext = 100;
    const first = await runNow(id);
    expect(first.status).toBe('retrying');
    for (let i = 0; i < 6; i++) {
      time += 3_600_000;
      await t.app.scheduler.runDue();
    }
    failNext = 0;
    const [run] = await runsOf(t, w, id);
    expect(run).toMatchObject({ status: 'failed', error: { code: 'DELIVERY_FAILED' } });
  });
});

describe('scheduled automations and e-mail', () => {
  it('a cron in a time zone fires at its occurrence and schedules the next; notify e-mails through SMTP', async () => {
    const member = await addMember(t.app, w.owner, w.ws, 'carol@example.com');
    const id = await createAutomation(t, w, {
      key: 'morning',
      // 09:00 in Shanghai = 01:00 UTC.
      trigger: { type: 'scheduled', cron: '0 9 * * *', timezone: 'Asia/Shanghai' },
      actions: [
        {
          type: 'notify',
          config: {
            to: [{ kind: 'member', members: [member.userId] }],
            title: 'Good morning',
            body: 'It is {{TEXT(NOW(), "HH:mm")}} UTC',
          },
        },
      ],
    });
    time = Date.parse('2026-03-03T00:59:00Z');
    await t.app.scheduler.runDue();
    expect(await runsOf(t, w, id)).toEqual([]);
    time = Date.parse('2026-03-03T01:00:00Z');
    await t.app.scheduler.runDue();
    await t.app.scheduler.runDue();
    const runs = await runsOf(t, w, id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', trigger: { type: 'scheduled', via: 'schedule' } });
    expect(runs[0]?.actions[0]?.effects.map((e) => e.kind)).toEqual(['notified', 'emailed']);
    expect(mails.some((m) => m.includes('carol@example.com') && m.includes('Good morning'))).toBe(true);
    // The next morning, once.
    time = Date.parse('2026-03-04T01:00:00Z');
    await t.app.scheduler.runDue();
    await t.app.scheduler.runDue();
    expect(await runsOf(t, w, id)).toHaveLength(2);
    // Disabled: no more occurrences.
    await call(t, w, 'POST', `/automations/${id}/disable`);
    time = Date.parse('2026-03-05T01:00:00Z');
    await t.app.scheduler.runDue();
    expect(await runsOf(t, w, id)).toHaveLength(2);
  });
});
