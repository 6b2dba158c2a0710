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

/** What deactivating a member answers: the member, and where their open tasks went (docs/tasks.md). */
export interface Deactivation {
  member: Member;
  effects: {
    type: 'reassignOpenTasks';
    from: string;
    to: string | null;
    via: 'explicit' | 'manager' | 'departmentHead' | 'actingAdmin' | 'owner' | null;
    moved: number;
  }[];
}

/**
 * What adding a member answers: the member (a new email with a password: the account was made), or an
 * invitation the person accepts (any other email; alike whether or not it has an account).
 */
export type AddMemberResult = Member | { invited: true; invitation: { id: string; email: string } };

/** One entry of the signed-in person's security log (`GET /auth/me/security`). */
export interface SecurityEvent {
  id: string;
  event: 'signIn' | 'signInFailed' | 'signOut' | 'passwordChanged' | 'invitationAccepted';
  at: string;
  ip: string;
  userAgent: string;
  locked?: boolean;
}

/** An invitation waiting for the signed-in person (`GET /auth/me/invitations`). */
export interface MyInvitation {
  id: string;
  workspace: { id: string; name: string };
  roles: string[];
  invitedBy: string | null;
  expiresAt: string;
}

/** Body of `POST /workspaces/:ws/members`; the password is needed only when the email is new. */
export interface NewMember {
  email: string;
  name: string;
  password: string;
  roles: string[];
}

/** A department as the tree lists it (`GET /workspaces/:ws/departments`). */
export interface Department {
  id: string;
  name: string;
  parent: string | null;
  head: string | null;
  children: Department[];
}

/** Body of `POST` / `PATCH /workspaces/:ws/departments[/:id]`; `null` clears parent or head. */
export interface DepartmentChange {
  name?: string;
  parent?: string | null;
  head?: string | null;
}

/** Body of `PATCH /workspaces/:ws/members/:user`. */
export interface MemberChange {
  roles?: string[];
  department?: string | null;
  manager?: string | null;
}

/** Text in several locales, as the meta-model stores names. */
export type LocalizedText = Record<string, string> | string;

/** An app of the workspace (`GET /workspaces/:ws/apps`). */
export interface AppSummary {
  id: string;
  key: string;
  name: LocalizedText;
  roles: AppRole[];
}

/** A field of a published form, as far as the permission editor needs it. */
export interface FormFieldSummary {
  key: string;
  type: string;
  label?: LocalizedText;
  columns?: FormFieldSummary[];
}

/** A published form of an app (`GET /workspaces/:ws/apps/:app/forms`). */
export interface FormSummary {
  id: string;
  key: string;
  name: LocalizedText;
  version: number;
  fields: FormFieldSummary[];
}

/** Which records an action reaches (docs/permissions.md). */
export type DataScope = 'all' | 'own' | 'department' | 'departmentAndBelow' | { custom: unknown };

/** What one role may do with one form; an absent action is not allowed. */
export interface FormPermission {
  form: string;
  submit?: boolean;
  view?: DataScope;
  edit?: DataScope;
  delete?: DataScope;
  export?: boolean;
  manage?: boolean;
  fields?: { field: string; access: 'hidden' | 'readOnly' | 'visible' }[];
}

/** A role an app defines; members hold it by key. */
export interface AppRole {
  key: string;
  name: LocalizedText;
  description?: LocalizedText;
  manageApp?: boolean;
  forms: FormPermission[];
  dashboards?: string[];
}

/** An app's roles with their version: a save names the version it was made on (409 when stale). */
export interface VersionedRoles {
  roles: AppRole[];
  v: number;
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
    apiRequest<AddMemberResult>('POST', `${ws(workspaceId)}/members`, { body }),
  securityLog: (signal?: AbortSignal) =>
    apiRequest<{ items: SecurityEvent[] }>('GET', '/auth/me/security?limit=100', signal ? { signal } : {}),
  myInvitations: (signal?: AbortSignal) =>
    apiRequest<MyInvitation[]>('GET', '/auth/me/invitations', signal ? { signal } : {}),
  acceptInvitation: (id: string) =>
    apiRequest<{ workspaceId: string }>('POST', `/auth/me/invitations/${encodeURIComponent(id)}/accept`, {
      body: {},
    }),
  declineInvitation: (id: string) =>
    apiRequest<undefined>('POST', `/auth/me/invitations/${encodeURIComponent(id)}/decline`, { body: {} }),
  /**
   * Ends the member's access; their data stays and their open tasks move (to `reassignTo`, else their
   * manager, a department head or the caller: docs/tasks.md). Answers the member and where the tasks went.
   */
  deactivateMember: (workspaceId: string, userId: string, reassignTo?: string) =>
    apiRequest<Deactivation>('POST', `${ws(workspaceId)}/members/${encodeURIComponent(userId)}/deactivate`, {
      body: reassignTo ? { reassignTo } : {},
    }),
  reactivateMember: (workspaceId: string, userId: string) =>
    apiRequest<Member>('POST', `${ws(workspaceId)}/members/${encodeURIComponent(userId)}/reactivate`),
  updateMember: (workspaceId: string, userId: string, body: MemberChange) =>
    apiRequest<Member>('PATCH', `${ws(workspaceId)}/members/${encodeURIComponent(userId)}`, { body }),
  departments: (workspaceId: string, signal?: AbortSignal) =>
    apiRequest<Department[]>('GET', `${ws(workspaceId)}/departments`, signal ? { signal } : {}),
  createDepartment: (workspaceId: string, body: DepartmentChange & { name: string }) =>
    apiRequest<Department>('POST', `${ws(workspaceId)}/departments`, { body }),
  updateDepartment: (workspaceId: string, id: string, body: DepartmentChange) =>
    apiRequest<Department>('PATCH', `${ws(workspaceId)}/departments/${encodeURIComponent(id)}`, { body }),
  /** Refused (409) while the department has sub-departments, members or records. */
  deleteDepartment: (workspaceId: string, id: string) =>
    apiRequest<undefined>('DELETE', `${ws(workspaceId)}/departments/${encodeURIComponent(id)}`),
  apps: (workspaceId: string, signal?: AbortSignal) =>
    apiRequest<AppSummary[]>('GET', `${ws(workspaceId)}/apps`, signal ? { signal } : {}),
  appForms: (workspaceId: string, appId: string, signal?: AbortSignal) =>
    apiRequest<FormSummary[]>(
      'GET',
      `${ws(workspaceId)}/apps/${encodeURIComponent(appId)}/forms`,
      signal ? { signal } : {},
    ),
  appRoles: (workspaceId: string, appId: string, signal?: AbortSignal) =>
    apiRequest<VersionedRoles>(
      'GET',
      `${ws(workspaceId)}/apps/${encodeURIComponent(appId)}/roles`,
      signal ? { signal } : {},
    ),
  /**
   * Replaces the app's whole role list as of version `v` (the one loaded); answers the list and its new
   * version. 409 CONFLICT when someone saved meanwhile (nothing written); 400/422 details point into the
   * list (`/<role>/forms/<i>/...`), not into the body.
   */
  saveAppRoles: (workspaceId: string, appId: string, roles: AppRole[], v: number) =>
    apiRequest<VersionedRoles>('PUT', `${ws(workspaceId)}/apps/${encodeURIComponent(appId)}/roles`, {
      body: { roles, v },
    }),
};
