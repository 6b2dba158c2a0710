import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, code, runSetup, type Session, signIn } from '../auth/test-helpers.js';
import { departmentAndBelow } from './service.js';

let t: TestApp;
let owner: Session & { workspaceId: string };
let ws: string;
let member: Session;
beforeAll(async () => {
  t = await createTestApp();
  owner = await runSetup(t.app);
  ws = owner.workspaceId;
  member = await addMember(t.app, owner, ws, 'mia@example.com');
  // Members may hold only workspace roles and roles an app of the workspace defines.
  const roles = ['sales_rep', 'finance'].map((key) => ({ key, name: { en: key }, forms: [] }));
  const created = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/apps`,
    headers: owner.headers,
    payload: { key: 'people', name: { en: 'People' }, roles },
  });
  if (created.statusCode !== 201) throw new Error(created.body);
});
afterAll(async () => {
  await t.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who: Session, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: who.headers, ...(payload ? { payload } : {}) });

describe('workspaces', () => {
  it('creates a workspace with the caller as owner and lists it', async () => {
    const res = await api('POST', '/workspaces', member, { name: 'Side Project' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'Side Project' });
    const list = await api('GET', '/workspaces', member);
    expect(list.json()).toEqual([
      { id: ws, name: 'Acme', roles: ['member'] },
      { id: res.json().id, name: 'Side Project', roles: ['owner'] },
    ]);
  });

  it('reads and renames; only owners and admins rename', async () => {
    expect((await api('GET', `/workspaces/${ws}`, member)).json()).toEqual({
      id: ws,
      name: 'Acme',
      roles: ['member'],
    });
    const denied = await api('PATCH', `/workspaces/${ws}`, member, { name: 'Mine' });
    expect(denied.statusCode).toBe(403);
    const ok = await api('PATCH', `/workspaces/${ws}`, owner, { name: 'Acme Inc' });
    expect(ok.json().name).toBe('Acme Inc');
  });

  it('ignores nothing silently: unknown fields in bodies are rejected', async () => {
    for (const payload of [
      { name: 'X', createdBy: owner.userId },
      { name: 'X', ws },
      { name: 'X', owner: owner.userId },
    ]) {
      const res = await api('PATCH', `/workspaces/${ws}`, owner, payload);
      expect(res.statusCode).toBe(400);
      expect(code(res)).toBe('VALIDATION_FAILED');
    }
  });

  it('answers 404 for a workspace the caller is not in, and for junk ids', async () => {
    const other = await api('POST', '/workspaces', owner, { name: 'Private' });
    const id = other.json().id as string;
    for (const url of [`/workspaces/${id}`, `/workspaces/${id}/members`, `/workspaces/${id}/departments`]) {
      const res = await api('GET', url, member);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Workspace not found' } });
    }
    expect((await api('GET', '/workspaces/nope', member)).statusCode).toBe(404);
    expect((await api('GET', '/workspaces/000000000000000000000000', member)).statusCode).toBe(404);
  });
});

describe('departments', () => {
  let root: string;
  let sales: string;
  let east: string;

  it('creates a tree with heads and lists it', async () => {
    root = (
      await api('POST', `/workspaces/${ws}/departments`, owner, { name: 'Company', head: owner.userId })
    ).json().id;
    sales = (
      await api('POST', `/workspaces/${ws}/departments`, owner, { name: 'Sales', parent: root })
    ).json().id;
    const res = await api('POST', `/workspaces/${ws}/departments`, owner, { name: 'East', parent: sales });
    expect(res.statusCode).toBe(201);
    east = res.json().id;
    expect(res.json()).toEqual({ id: east, name: 'East', parent: sales, head: null });
    const tree = (await api('GET', `/workspaces/${ws}/departments`, member)).json();
    expect(tree).toEqual([
      {
        id: root,
        name: 'Company',
        parent: null,
        head: owner.userId,
        children: [
          {
            id: sales,
            name: 'Sales',
            parent: root,
            head: null,
            children: [{ id: east, name: 'East', parent: sales, head: null, children: [] }],
          },
        ],
      },
    ]);
  });

  it('gives the access layer a department and everything below it', async () => {
    expect((await departmentAndBelow(t.store.connection, ws, sales)).sort()).toEqual([east, sales].sort());
    expect(await departmentAndBelow(t.store.connection, ws, east)).toEqual([east]);
    expect(await departmentAndBelow(t.store.connection, ws, null)).toEqual([]);
  });

  it('only owners and admins change departments', async () => {
    expect((await api('POST', `/workspaces/${ws}/departments`, member, { name: 'Mine' })).statusCode).toBe(
      403,
    );
    expect(
      (await api('PATCH', `/workspaces/${ws}/departments/${east}`, member, { name: 'West' })).statusCode,
    ).toBe(403);
  });

  it('refuses unknown parents and heads that are not members', async () => {
    const badParent = await api('POST', `/workspaces/${ws}/departments`, owner, {
      name: 'X',
      parent: '0'.repeat(24),
    });
    expect(badParent.statusCode).toBe(400);
    expect(badParent.json().error.details).toEqual([
      { path: '/parent', message: 'is not a department of this workspace' },
    ]);
    const badHead = await api('PATCH', `/workspaces/${ws}/departments/${east}`, owner, {
      head: '0'.repeat(24),
    });
    expect(badHead.statusCode).toBe(400);
  });

  it('renames, moves and sets heads, but never moves a department below itself', async () => {
    const cycle = await api('PATCH', `/workspaces/${ws}/departments/${sales}`, owner, { parent: east });
    expect(cycle.statusCode).toBe(422);
    expect(cycle.json().error.details).toEqual([
      { path: '/parent', message: 'is this department or one below it' },
    ]);
    expect(
      (await api('PATCH', `/workspaces/${ws}/departments/${sales}`, owner, { parent: sales })).statusCode,
    ).toBe(422);
    const moved = await api('PATCH', `/workspaces/${ws}/departments/${east}`, owner, {
      name: 'East Coast',
      parent: root,
      head: member.userId,
    });
    expect(moved.json()).toEqual({ id: east, name: 'East Coast', parent: root, head: member.userId });
    expect(
      (await api('PATCH', `/workspaces/${ws}/departments/${east}`, owner, { parent: null })).json().parent,
    ).toBeNull();
  });

  it('deletes only empty departments', async () => {
    const child = (
      await api('POST', `/workspaces/${ws}/departments`, owner, { name: 'Child', parent: sales })
    ).json().id;
    const notEmpty = await api('DELETE', `/workspaces/${ws}/departments/${sales}`, owner);
    expect(notEmpty.statusCode).toBe(409);
    expect(notEmpty.json().error.message).toMatch(/1 sub-department/);
    await api('PATCH', `/workspaces/${ws}/members/${member.userId}`, owner, { department: child });
    expect((await api('DELETE', `/workspaces/${ws}/departments/${child}`, owner)).statusCode).toBe(409);
    await api('PATCH', `/workspaces/${ws}/members/${member.userId}`, owner, { department: null });
    expect((await api('DELETE', `/workspaces/${ws}/departments/${child}`, owner)).statusCode).toBe(204);
    expect((await api('DELETE', `/workspaces/${ws}/departments/${child}`, owner)).statusCode).toBe(404);
  });
});

describe('members', () => {
  it('adds a member: a new email with a password gets that account, and joins by accepting like anyone', async () => {
    const dept = (await api('POST', `/workspaces/${ws}/departments`, owner, { name: 'Ops' })).json().id;
    const res = await api('POST', `/workspaces/${ws}/members`, owner, {
      email: 'Ned@Example.com',
      name: 'Ned',
      password: 'Ned-password-1',
      roles: ['sales_rep'],
      department: dept,
      manager: member.userId,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      invited: true,
      invitation: expect.objectContaining({
        email: 'ned@example.com',
        roles: ['member', 'sales_rep'],
        department: dept,
        manager: member.userId,
      }),
      token: expect.stringMatching(/^fli_/),
    });
    // Not a member until Ned accepts; the pending invitation is listed.
    const emails = async () =>
      (await api('GET', `/workspaces/${ws}/members`, member)).json().map((m: { email: string }) => m.email);
    expect(await emails()).toEqual(['owner@example.com', 'mia@example.com']);
    const pending = (await api('GET', `/workspaces/${ws}/invitations`, owner)).json();
    expect(pending.map((i: { email: string }) => i.email)).toContain('ned@example.com');
    // Ned signs in with the password the admin chose and accepts.
    const ned = await signIn(t.app, 'ned@example.com', 'Ned-password-1');
    const mine = (await api('GET', '/auth/me/invitations', ned)).json();
    expect(mine).toHaveLength(1);
    expect((await api('POST', `/auth/me/invitations/${mine[0].id}/accept`, ned)).statusCode).toBe(200);
    expect(await emails()).toEqual(['owner@example.com', 'mia@example.com', 'ned@example.com']);
    const joined = (await api('GET', `/workspaces/${ws}/members/${ned.userId}`, owner)).json();
    expect(joined).toMatchObject({
      name: 'Ned',
      roles: ['member', 'sales_rep'],
      department: dept,
      active: true,
    });
    const again = await api('POST', `/workspaces/${ws}/members`, owner, {
      email: 'ned@example.com',
      name: 'N',
      roles: ['member'],
    });
    expect(again.statusCode).toBe(409);
  });

  it('invites an existing user instead of attaching them; they join by accepting (issue 10)', async () => {
    const other = (await api('POST', '/workspaces', owner, { name: 'Second' })).json().id;
    const res = await api('POST', `/workspaces/${other}/members`, owner, {
      email: 'mia@example.com',
      name: 'Ignored',
      password: 'Not-her-password-1',
      roles: ['admin'],
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      invited: true,
      invitation: { email: 'mia@example.com', roles: ['admin'] },
    });
    expect(res.body).not.toContain(member.userId);
    const before = (await api('GET', `/workspaces/${other}/members`, owner)).json();
    expect(before.map((m: { email: string }) => m.email)).toEqual(['owner@example.com']);
    const mine = (await api('GET', '/auth/me/invitations', member)).json();
    const accepted = await api('POST', `/auth/me/invitations/${mine[0].id}/accept`, member);
    expect(accepted.statusCode).toBe(200);
    const after = await api('GET', `/workspaces/${other}/members/${member.userId}`, owner);
    expect(after.json()).toMatchObject({ name: 'mia', roles: ['admin'], active: true });
  });

  it('requires a policy-conforming password for new users', async () => {
    // Without a password the email is invited instead (answered alike whether it has an account).
    const missing = await api('POST', `/workspaces/${ws}/members`, owner, {
      email: 'np@example.com',
      name: 'N',
      roles: ['member'],
    });
    expect(missing.statusCode).toBe(202);
    const weak = await api('POST', `/workspaces/${ws}/members`, owner, {
      email: 'np@example.com',
      name: 'N',
      password: 'short',
      roles: ['member'],
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.details[0].path).toBe('/password');
  });

  it('only owners and admins manage members; only owners touch the owner role', async () => {
    const denied = await api('POST', `/workspaces/${ws}/members`, member, {
      email: 'x@example.com',
      name: 'X',
      password: 'Xx-password-1',
      roles: ['member'],
    });
    expect(denied.statusCode).toBe(403);
    const admin = await addMember(t.app, owner, ws, 'ada@example.com', ['admin']);
    const grantOwner = await api('PATCH', `/workspaces/${ws}/members/${member.userId}`, admin, {
      roles: ['owner'],
    });
    expect(grantOwner.statusCode).toBe(403);
    const demoteOwner = await api('PATCH', `/workspaces/${ws}/members/${owner.userId}`, admin, {
      roles: ['member'],
    });
    expect(demoteOwner.statusCode).toBe(403);
    const promote = await api('PATCH', `/workspaces/${ws}/members/${member.userId}`, admin, {
      roles: ['admin', 'finance'],
    });
    expect(promote.json().roles).toEqual(['admin', 'finance']);
    await api('PATCH', `/workspaces/${ws}/members/${member.userId}`, owner, { roles: ['member'] });
  });

  it('keeps at least one owner', async () => {
    const res = await api('PATCH', `/workspaces/${ws}/members/${owner.userId}`, owner, { roles: ['admin'] });
    expect(res.statusCode).toBe(422);
    expect(
      (await api('POST', `/workspaces/${ws}/members/${owner.userId}/deactivate`, owner)).statusCode,
    ).toBe(422);
  });

  it('refuses manager loops and unknown managers', async () => {
    const a = await addMember(t.app, owner, ws, 'a@example.com');
    const b = await addMember(t.app, owner, ws, 'b@example.com', ['member'], { manager: a.userId });
    const loop = await api('PATCH', `/workspaces/${ws}/members/${a.userId}`, owner, { manager: b.userId });
    expect(loop.statusCode).toBe(422);
    const self = await api('PATCH', `/workspaces/${ws}/members/${a.userId}`, owner, { manager: a.userId });
    expect(self.statusCode).toBe(422);
    const unknown = await api('PATCH', `/workspaces/${ws}/members/${a.userId}`, owner, {
      manager: '0'.repeat(24),
    });
    expect(unknown.statusCode).toBe(400);
    expect(
      (await api('PATCH', `/workspaces/${ws}/members/${'0'.repeat(24)}`, owner, { roles: ['member'] }))
        .statusCode,
    ).toBe(404);
  });

  it('deactivation keeps data, ends access and moves open tasks to the manager', async () => {
    const boss = await addMember(t.app, owner, ws, 'boss@example.com');
    const leaver = await addMember(t.app, owner, ws, 'leaver@example.com', ['member'], {
      manager: boss.userId,
    });
    const events: unknown[] = [];
    t.app.identityEvents.on('member.deactivated', (event) => events.push(event));
    const res = await api('POST', `/workspaces/${ws}/members/${leaver.userId}/deactivate`, owner);
    expect(res.statusCode).toBe(200);
    const effects = [
      { type: 'reassignOpenTasks', ws, from: leaver.userId, to: boss.userId, via: 'manager', moved: 0 },
    ];
    expect(res.json()).toMatchObject({ member: { userId: leaver.userId, active: false }, effects });
    expect(events).toEqual([{ ws, userId: leaver.userId, by: owner.userId, effects }]);
    expect((await api('GET', `/workspaces/${ws}`, leaver)).statusCode).toBe(404);
    expect((await api('GET', '/workspaces', leaver)).json()).toEqual([]);
    expect(await t.store.connection.collection('members').countDocuments({ active: false })).toBe(1);
    const back = await api('POST', `/workspaces/${ws}/members/${leaver.userId}/reactivate`, owner);
    expect(back.json().active).toBe(true);
    expect((await api('GET', `/workspaces/${ws}`, leaver)).statusCode).toBe(200);
  });
});
