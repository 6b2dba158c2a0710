import { describe, expect, it, vi } from 'vitest';

// The socket the client opens: it acknowledges subscriptions and lets the test play the server's events.
const fake = vi.hoisted(() => {
  const handlers = new Map<string, (...args: unknown[]) => void>();
  let any: ((event: string, payload: unknown) => void) | undefined;
  const socket = {
    onAny: (handler: (event: string, payload: unknown) => void) => {
      any = handler;
    },
    on: (event: string, handler: (...args: unknown[]) => void) => handlers.set(event, handler),
    emit: (_event: string, _body: unknown, ack?: (answer: { ok: boolean }) => void) => ack?.({ ok: true }),
    disconnect: () => undefined,
  };
  return { socket, send: (event: string, payload: unknown) => any?.(event, payload) };
});
vi.mock('socket.io-client', () => ({ io: () => fake.socket }));

const { realtime } = await import('./realtime');

describe('the realtime client', () => {
  it('drops an event the server sent again under the same id; events without an id all pass', async () => {
    await realtime.join('ws1');
    const notices: string[] = [];
    const closed: string[] = [];
    const off = realtime.on('flow:notice', (payload) => notices.push(`${payload.id} ${payload.reason}`));
    const offClosed = realtime.on('tasks:closed', (payload) => closed.push(payload.tasks.join()));
    const notice = { id: 'e1:4', ws: 'ws1', form: 'f', record: 'r', reason: 'urge', node: 'review' };
    fake.send('flow:notice', notice);
    fake.send('flow:notice', { ...notice });
    fake.send('flow:notice', { ...notice, id: 'e2:4' });
    expect(notices).toEqual(['e1:4 urge', 'e2:4 urge']);
    fake.send('tasks:closed', { ws: 'ws1', tasks: ['t1'] });
    fake.send('tasks:closed', { ws: 'ws1', tasks: ['t1'] });
    expect(closed).toEqual(['t1', 't1']);
    off();
    offClosed();
    realtime.leave();
  });
});
