import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, type Session } from '../auth/test-helpers.js';
import { createAutomation } from '../automations/test-fixtures.js';
import { connected, listen } from '../realtime/test-helpers.js';
import { call, createForm, label, type Workspace, workspaceWithApp } from '../records/test-fixtures.js';

let t: TestApp;
let w: Workspace;
let bob: Session;
let url: string;

beforeAll(async () => {
  t = await createTestApp({}, { pollJobs: false });
  w = await workspaceWithApp(t);
  bob = await addMember(t.app, w.owner, w.ws, 'bob@example.com');
  await createForm(t, w, {
    key: 'notes',
    name: label('Notes'),
    fields: [{ key: 'text', type: 'text', label: label('Text') }],
  });
  url = await listen(t);
}, 60_000);

afterAll(async () => {
  await t.close();
});

describe('notifications over socket.io', () => {
  it('a notify action reaches the recipient’s sockets as `notification`, and nobody else’s', async () => {
    const bobSocket = await connected(url, { token: bob.token });
    const ownerSocket = await connected(url, { token: w.owner.token });
    expect((await bobSocket.subscribe(w.ws)).ok).toBe(true);
    expect((await ownerSocket.subscribe(w.ws)).ok).toBe(true);
    const id = await createAutomation(t, w, {
      key: 'tell_bob',
      trigger: { type: 'manual' },
      actions: [
        {
          type: 'notify',
          config: { to: [{ kind: 'member', members: [bob.userId] }], title: 'Hello {{input.who}}' },
        },
      ],
    });
    const res = await call(t, w, 'POST', `/automations/${id}/run`, { input: { who: 'Bob' } });
    expect(res.json()).toMatchObject({ status: 'succeeded' });
    const payload = (await bobSocket.next((e) => e === 'notification')) as {
      ws: string;
      notification: { title: string; read: boolean };
    };
    expect(payload).toMatchObject({ ws: w.ws, notification: { title: 'Hello Bob', read: false } });
    // The owner's socket hears a sentinel record event but no notification.
    await call(
      t,
      w,
      'POST',
      `/forms/${(await call(t, w, 'GET', `/apps/${w.appId}/forms`)).json()[0].id}/records`,
      { data: { text: 'x' } },
    );
    await ownerSocket.next((e) => e === 'record:created');
    expect(ownerSocket.events.some((e) => e.event === 'notification')).toBe(false);
    bobSocket.close();
    ownerSocket.close();
  });
});
