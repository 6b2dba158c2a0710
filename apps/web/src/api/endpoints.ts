import { apiRequest } from './client';

/** `GET /health`. */
export interface Health {
  status: 'ok';
  store: 'embedded' | 'mongodb';
  version: string;
}

/** A signed-in person. */
export interface User {
  id: string;
  email: string;
  name: string;
}

/** A workspace the current user belongs to, with their roles in it. */
export interface WorkspaceMembership {
  id: string;
  name: string;
  roles: string[];
}

/** `GET /auth/me`. */
export interface Me {
  user: User;
  workspaces: WorkspaceMembership[];
}

/** Body of `POST /setup`. */
export interface SetupInput {
  workspace: { name: string };
  owner: { email: string; password: string; name: string };
}

/** Answer of `POST /setup`. */
export interface SetupResult {
  workspaceId: string;
  userId: string;
  token: string;
}

/** Answer of `POST /auth/login`. */
export interface LoginResult {
  token: string;
  user: User;
}

/** One row of a workspace's member list. */
export interface Member {
  userId: string;
  email: string;
  name: string;
  roles: string[];
  department: string | null;
  manager: string | null;
  active: boolean;
}

/** Body of `POST /workspaces/:ws/members`; the password is needed only when the email is new. */
export interface NewMember {
  email: string;
  name: string;
  password: string;
  roles: string[];
}

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

/** Typed calls of the server's API, one function per route. */
export const api = {
  health: (signal?: AbortSignal) => apiRequest<Health>('GET', '/health', signal ? { signal } : {}),
  setupStatus: (signal?: AbortSignal) =>
    apiRequest<{ needed: boolean }>('GET', '/setup', signal ? { signal } : {}),
  setup: (body: SetupInput) => apiRequest<SetupResult>('POST', '/setup', { body }),
  login: (email: string, password: string) =>
    apiRequest<LoginResult>('POST', '/auth/login', { body: { email, password } }),
  logout: () => apiRequest<unknown>('POST', '/auth/logout', { body: {} }),
  me: (signal?: AbortSignal) => apiRequest<Me>('GET', '/auth/me', signal ? { signal } : {}),
  members: (workspaceId: string, signal?: AbortSignal) =>
    apiRequest<Member[]>('GET', `${ws(workspaceId)}/members`, signal ? { signal } : {}),
  addMember: (workspaceId: string, body: NewMember) =>
    apiRequest<Member>('POST', `${ws(workspaceId)}/members`, { body }),
  /** Ends the member's access; their data stays and their open tasks move to their manager. */
  deactivateMember: async (workspaceId: string, userId: string): Promise<Member> => {
    const result = await apiRequest<{ member: Member }>(
      'POST',
      `${ws(workspaceId)}/members/${encodeURIComponent(userId)}/deactivate`,
    );
    return result.member;
  },
  reactivateMember: (workspaceId: string, userId: string) =>
    apiRequest<Member>('POST', `${ws(workspaceId)}/members/${encodeURIComponent(userId)}/reactivate`),
};
