import type { RouteDocs } from '../route-docs.js';

// Routes whose own schemas give their bodies and answers: the docs add examples.
const WS = '6b119a5de91cffebc1f24fbf';
const USER = '6b119a5de91cffebc1f24fbe';
const DEPT = '6b119b409f174e1de91920c1';
const AT = '2026-12-03T08:00:00.000Z';
const member = {
  userId: USER,
  email: 'lin@example.com',
  name: 'Lin Wei',
  roles: ['member', 'manager'],
  department: DEPT,
  manager: null,
  active: true,
};
const token = {
  id: '6b119b1eebc163a9893b8e01',
  name: 'ERP sync',
  role: 'member',
  hint: 'flt_…Q2x9',
  createdAt: AT,
  expiresAt: null,
  lastUsedAt: null,
  revoked: false,
};
const invitation = {
  id: '6b119b1eebc163a9893b8e02',
  email: 'new@example.com',
  roles: ['member'],
  department: null,
  manager: null,
  createdAt: AT,
  expiresAt: '2026-12-10T08:00:00.000Z',
};
const ok = (description: string, example: unknown) => ({ description, example });

export const accountDocs: RouteDocs = {
  'GET /health': { responses: { 200: ok('Up', { status: 'ok', store: 'embedded', version: '0.1.0' }) } },
  'GET /setup': { responses: { 200: ok('Whether the first owner is still to be made', { needed: true }) } },
  'POST /setup': {
    body: {
      example: {
        workspace: { name: 'Acme' },
        owner: { email: 'owner@example.com', password: 'Correct-Horse-42', name: 'Olivia Owner' },
      },
    },
    responses: {
      201: ok('The owner, signed in', { workspaceId: WS, userId: USER, token: 'fls_xxO5tOh5iHdD' }),
    },
  },
  'POST /auth/login': {
    body: { example: { email: 'lin@example.com', password: 'Correct-Horse-42' } },
    responses: {
      200: ok('Signed in', {
        token: 'fls_-fradwu-q1tHIisR',
        user: { id: USER, email: 'lin@example.com', name: 'Lin Wei' },
      }),
    },
  },
  'GET /auth/me': {
    responses: {
      200: ok('The signed-in person and their workspaces', {
        user: { id: USER, email: 'lin@example.com', name: 'Lin Wei' },
        workspaces: [{ id: WS, name: 'Acme', roles: ['member', 'manager'] }],
      }),
    },
  },
  'GET /auth/me/security': {
    responses: {
      200: ok('Your security log, newest first', {
        items: [
          {
            id: '6b119b1aebc163a9893b8eb7',
            event: 'signIn',
            at: AT,
            ip: '203.0.113.7',
            userAgent: 'Mozilla/5.0',
          },
          {
            id: '6b119b1aebc163a9893b8eb6',
            event: 'signInFailed',
            at: AT,
            ip: '203.0.113.7',
            userAgent: 'Mozilla/5.0',
            locked: false,
          },
        ],
      }),
    },
  },
  'GET /auth/me/invitations': {
    responses: {
      200: ok('Invitations waiting for you', [
        {
          id: '6b119b1eebc163a9893b8e02',
          workspace: { id: WS, name: 'Acme' },
          roles: ['member'],
          invitedBy: 'Olivia Owner',
          expiresAt: AT,
        },
      ]),
    },
  },
  'POST /auth/me/invitations/:invitation/accept': {
    responses: { 200: ok('Joined the workspace', { workspaceId: WS }) },
  },
  'POST /auth/me/invitations/:invitation/decline': { responses: { 204: { description: 'Declined' } } },
  'PATCH /auth/me': {
    body: {
      example: { name: 'Lin Wei', currentPassword: 'Correct-Horse-42', newPassword: 'Another-Pass-77' },
    },
    responses: { 200: ok('Changed', { id: USER, email: 'lin@example.com', name: 'Lin Wei' }) },
  },
  'POST /workspaces/:ws/api-tokens': {
    body: { example: { name: 'ERP sync', role: 'member' } },
    responses: { 201: ok('The token; its secret is shown this once', { ...token, token: 'flt_3kq…Q2x9' }) },
  },
  'GET /workspaces/:ws/api-tokens': { responses: { 200: ok('API tokens of the workspace', [token]) } },
  'POST /workspaces': {
    body: { example: { name: 'Acme' } },
    responses: { 201: ok('Created; the caller owns it', { id: WS, name: 'Acme' }) },
  },
  'GET /workspaces': {
    responses: { 200: ok("The caller's workspaces", [{ id: WS, name: 'Acme', roles: ['owner'] }]) },
  },
  'GET /workspaces/:ws': {
    responses: { 200: ok('The workspace', { id: WS, name: 'Acme', roles: ['owner'] }) },
  },
  'PATCH /workspaces/:ws': {
    body: { example: { name: 'Acme China' } },
    responses: { 200: ok('Renamed', { id: WS, name: 'Acme China', roles: ['owner'] }) },
  },
  'POST /workspaces/:ws/departments': {
    body: { example: { name: 'East', parent: DEPT } },
    responses: {
      201: ok('Created', { id: '6b119b409f174e1de91920c3', name: 'East', parent: DEPT, head: null }),
    },
  },
  'GET /workspaces/:ws/departments': {
    responses: {
      200: ok('The department tree', [
        {
          id: DEPT,
          name: 'Sales',
          parent: null,
          head: USER,
          children: [
            { id: '6b119b409f174e1de91920c3', name: 'East', parent: DEPT, head: null, children: [] },
          ],
        },
      ]),
    },
  },
  'PATCH /workspaces/:ws/departments/:department': {
    body: { example: { head: USER } },
    responses: { 200: ok('Changed', { id: DEPT, name: 'Sales', parent: null, head: USER }) },
  },
  'POST /workspaces/:ws/members': {
    body: {
      example: {
        email: 'lin@example.com',
        name: 'Lin Wei',
        password: 'Correct-Horse-42',
        roles: ['member', 'manager'],
        department: DEPT,
      },
    },
    responses: {
      202: ok('Invited, alike whether or not the email has an account: joins on accepting', {
        invited: true,
        invitation,
        token: 'fli_Zq8…',
      }),
    },
  },
  'GET /workspaces/:ws/members': { responses: { 200: ok('Members of the workspace', [member]) } },
  'GET /workspaces/:ws/members/:user': { responses: { 200: ok('The member', member) } },
  'PATCH /workspaces/:ws/members/:user': {
    body: { example: { roles: ['member', 'manager'], department: DEPT } },
    responses: { 200: ok('Changed', member) },
  },
  'POST /workspaces/:ws/members/:user/deactivate': {
    body: { example: { reassignTo: '6b119b1eebc163a9893b8ed5' } },
    responses: {
      200: ok('Deactivated; their open tasks moved', {
        member: { ...member, active: false },
        effects: [
          {
            type: 'reassignOpenTasks',
            ws: WS,
            from: USER,
            to: '6b119b1eebc163a9893b8ed5',
            via: 'explicit',
            moved: 2,
          },
        ],
      }),
    },
  },
  'POST /workspaces/:ws/members/:user/reactivate': { responses: { 200: ok('Reactivated', member) } },
  'POST /workspaces/:ws/invitations': {
    body: { example: { email: 'new@example.com', roles: ['member'] } },
    responses: { 201: ok('Invited; the token goes to the invitee', { ...invitation, token: 'fli_Zq8…' }) },
  },
  'GET /workspaces/:ws/invitations': { responses: { 200: ok('Pending invitations', [invitation]) } },
  'POST /invitations/accept': {
    body: { example: { token: 'fli_Zq8…', name: 'New Person', password: 'Correct-Horse-42' } },
    responses: { 201: ok('Joined and signed in', { workspaceId: WS, userId: USER, token: 'fls_p0Q…' }) },
  },
  'GET /workspaces/:ws/audit': {
    responses: {
      200: ok('What happened in the workspace, newest first', {
        items: [
          {
            id: '6b119b1aebc163a9893b8eb6',
            at: AT,
            action: 'member.added',
            actor: { user: USER, token: null, email: 'owner@example.com' },
            target: { kind: 'member', id: '6b119b1eebc163a9893b8ed5' },
            ip: '203.0.113.7',
            userAgent: 'Mozilla/5.0',
            details: { roles: ['member'] },
          },
        ],
        nextCursor: null,
      }),
    },
  },
};
