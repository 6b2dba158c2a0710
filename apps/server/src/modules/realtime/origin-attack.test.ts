import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { runSetup, type Session } from '../auth/test-helpers.js';
import { connect, listen } from './test-helpers.js';

/**
 * Cross-site WebSocket hijacking (issue 10, item 9): a page of another site opening a socket with the
 * victim's cookie. The origin check believes `X-Forwarded-Host` only when TRUST_PROXY is set.
 */

interface Server {
  t: TestApp;
  url: string;
  owner: Session;
}
let direct: Server;
let proxied: Server;

async function serve(trustProxy: string): Promise<Server> {
  const t = await createTestApp({ TRUST_PROXY: trustProxy });
  const owner = await runSetup(t.app);
  return { t, url: await listen(t), owner };
}

beforeAll(async () => {
  direct = await serve('false');
  proxied = await serve('true');
});
afterAll(async () => {
  await direct?.t.close();
  await proxied?.t.close();
});

const cookieOf = (server: Server) => `formloom_session=${server.owner.token}`;

describe('socket.io origin check', () => {
  it('without TRUST_PROXY, a forged X-Forwarded-Host does not make another site our own', async () => {
    const forged = await connect(direct.url, {
      headers: {
        cookie: cookieOf(direct),
        origin: 'https://evil.example',
        'x-forwarded-host': 'evil.example',
      },
    });
    expect('refused' in forged && forged.refused.data?.code).toBe('UNAUTHORIZED');
    // Our own page still connects with the cookie.
    const own = await connect(direct.url, { headers: { cookie: cookieOf(direct), origin: direct.url } });
    expect('client' in own).toBe(true);
    if ('client' in own) own.client.close();
  });

  it('behind a trusted proxy, the host it forwards is ours; any other origin is still refused', async () => {
    const viaProxy = await connect(proxied.url, {
      headers: {
        cookie: cookieOf(proxied),
        origin: 'https://forms.example.com',
        'x-forwarded-host': 'forms.example.com',
      },
    });
    expect('client' in viaProxy).toBe(true);
    if ('client' in viaProxy) viaProxy.client.close();
    const other = await connect(proxied.url, {
      headers: {
        cookie: cookieOf(proxied),
        origin: 'https://evil.example',
        'x-forwarded-host': 'forms.example.com',
      },
    });
    expect('refused' in other).toBe(true);
  });
});
