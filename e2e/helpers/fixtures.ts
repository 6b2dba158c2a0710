import { deflateSync } from 'node:zlib';
import { expect } from 'vitest';
import type { RunningServer } from './server.js';

/** An API answer whatever its status: its status and its parsed body. */
export interface ApiAnswer<T> {
  status: number;
  json: T;
}

/** A signed-in caller of the HTTP API (tests arrange data through the API, as an integration would). */
export interface ApiCaller {
  token: string;
  /** Calls `/api/v1<path>`; fails the test on any answer but 2xx and resolves with the body. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Calls `/api/v1<path>` and resolves with status and body, a refusal included (for tests that check it). */
  request<T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
}

/** Calls `/api/v1<path>` with a bearer token and answers status and body, whatever the status. */
export async function apiRequest<T>(
  server: RunningServer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : undefined) as T };
}

/** An API caller with `token` (see {@link ApiCaller}). */
export function caller(server: RunningServer, token: string): ApiCaller {
  return {
    token,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const { status, json } = await apiRequest<T>(server, token, method, path, body);
      expect(
        status >= 200 && status < 300,
        `${method} ${path} answered ${status}: ${JSON.stringify(json)?.slice(0, 300)}`,
      ).toBe(true);
      return json;
    },
    request: <T>(method: string, path: string, body?: unknown) =>
      apiRequest<T>(server, token, method, path, body),
  };
}

/** Runs first-run setup; answers the owner as an API caller and the workspace id. */
export async function setupWorkspace(
  server: RunningServer,
  owner = { email: 'olivia@example.com', password: 'correct-horse-battery-9', name: 'Olivia Owner' },
  workspace = 'Northwind',
): Promise<{ owner: ApiCaller; ws: string }> {
  const response = await fetch(`${server.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workspace: { name: workspace }, owner }),
  });
  expect(response.status).toBe(201);
  const { token, workspaceId } = (await response.json()) as { token: string; workspaceId: string };
  return { owner: caller(server, token), ws: workspaceId };
}

/**
 * Adds a person to a workspace as `admin` and has them join: everyone added is invited (202, alike whether
 * or not the email has an account), and accepts with the token and the password — the one `person` names,
 * which is the first password of an account made for a new email. Answers them signed in, and their id.
 */
export async function addMember(
  server: RunningServer,
  admin: ApiCaller,
  ws: string,
  person: { email: string; name: string; password: string; roles: string[]; [more: string]: unknown },
): Promise<ApiCaller & { userId: string }> {
  const invited = await admin.call<{ token: string }>('POST', `/workspaces/${ws}/members`, person);
  const response = await fetch(`${server.url}/api/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: invited.token, name: person.name, password: person.password }),
  });
  expect(response.status).toBe(201);
  const joined = (await response.json()) as { token: string; userId: string };
  return { ...caller(server, joined.token), userId: joined.userId };
}

/** Signs a person in over the API (for a second browser that need not go through the login page). */
export async function signIn(server: RunningServer, email: string, password: string): Promise<ApiCaller> {
  const response = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  return caller(server, ((await response.json()) as { token: string }).token);
}

/** A tiny but real PNG (a 2×2 picture), what a phone camera would hand the page. */
export function photoPng(): Buffer {
  const crc = (bytes: Buffer) => {
    let c = ~0;
    for (const byte of bytes) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
    return ~c >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header[8] = 8;
  header[9] = 2;
  const pixels = Buffer.from([0, 29, 78, 216, 29, 78, 216, 0, 29, 78, 216, 29, 78, 216]);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
