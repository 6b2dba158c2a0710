import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../test/app.js';
import { runSetup, type Session } from '../auth/test-helpers.js';

/** A workspace with an owner session and an app, ready for forms and records. */
export interface Workspace {
  owner: Session;
  ws: string;
  appId: string;
  base: string;
}

/** Runs setup and creates an app. */
export async function workspaceWithApp(t: TestApp, appKey = 'sales'): Promise<Workspace> {
  const owner = await runSetup(t.app);
  const ws = owner.workspaceId;
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${ws}/apps`,
    headers: owner.headers,
    payload: { key: appKey, name: { en: 'Sales' } },
  });
  if (res.statusCode !== 201) throw new Error(`create app: ${res.statusCode} ${res.body}`);
  return { owner, ws, appId: (res.json() as { id: string }).id, base: `/api/v1/workspaces/${ws}` };
}

/** Creates (and publishes) a form; returns its id. */
export async function createForm(t: TestApp, w: Workspace, definition: unknown): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `${w.base}/apps/${w.appId}/forms`,
    headers: w.owner.headers,
    payload: definition as Record<string, unknown>,
  });
  if (res.statusCode !== 201) throw new Error(`create form: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** A request as the owner. */
export function call(
  t: TestApp,
  w: Workspace,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  payload?: unknown,
  headers = w.owner.headers,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url: `${w.base}${path}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** Text in both locales, as labels need. */
export const label = (en: string) => ({ en });
