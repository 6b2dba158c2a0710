import type { LightMyRequestResponse } from 'fastify';
import type { AppInstance } from '../../app.js';

/** A strong-enough password for tests. */
export const PASSWORD = 'Correct-Horse-42';

/** A signed-in test user. */
export interface Session {
  token: string;
  userId: string;
  headers: { authorization: string };
}

/** Runs first-run setup; answers the owner's session and the workspace id. */
export async function runSetup(
  app: AppInstance,
  email = 'owner@example.com',
  workspace = 'Acme',
): Promise<Session & { workspaceId: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/setup',
    payload: { workspace: { name: workspace }, owner: { email, password: PASSWORD, name: 'Olivia Owner' } },
  });
  if (res.statusCode !== 201) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { workspaceId: string; userId: string; token: string };
  return { ...body, headers: { authorization: `Bearer ${body.token}` } };
}

/** Signs in by email and password. */
export async function signIn(app: AppInstance, email: string, password = PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as { token: string; user: { id: string } };
  return { token: body.token, userId: body.user.id, headers: { authorization: `Bearer ${body.token}` } };
}

/** Adds a member as `admin` (an invitation, with an account made for a new email), who accepts with the token. */
export async function addMember(
  app: AppInstance,
  admin: Session,
  ws: string,
  email: string,
  roles: string[] = ['member'],
  extra: Record<string, unknown> = {},
): Promise<Session> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/members`,
    headers: admin.headers,
    payload: { email, name: email.split('@')[0], password: PASSWORD, roles, ...extra },
  });
  // Everyone added is invited (an account made with PASSWORD for a new email): they accept with the token,
  // proving the account's password, which signs them in.
  if (res.statusCode !== 202) throw new Error(`add member failed: ${res.statusCode} ${res.body}`);
  const accepted = await app.inject({
    method: 'POST',
    url: '/api/v1/invitations/accept',
    payload: {
      token: (res.json() as { token: string }).token,
      name: email.split('@')[0],
      password: typeof extra.password === 'string' ? extra.password : PASSWORD,
    },
  });
  if (accepted.statusCode !== 201) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
  const body = accepted.json() as { token: string; userId: string };
  return { token: body.token, userId: body.userId, headers: { authorization: `Bearer ${body.token}` } };
}

/** The error code of an error response. */
export function code(res: LightMyRequestResponse): string | undefined {
  return (res.json() as { error?: { code?: string } }).error?.code;
}

/** A cookie set by a response, with its attributes. */
export function cookie(res: LightMyRequestResponse, name: string) {
  return res.cookies.find((c) => c.name === name) as
    | { name: string; value: string; httpOnly?: boolean; sameSite?: string; secure?: boolean; path?: string }
    | undefined;
}
