import type { TestApp } from '../../test/app.js';
import { call, type Workspace } from '../records/test-fixtures.js';

/** Creates an automation in the workspace's app as the owner; answers its id. */
export async function createAutomation(
  t: TestApp,
  w: Workspace,
  definition: Record<string, unknown>,
): Promise<string> {
  const res = await call(t, w, 'POST', `/apps/${w.appId}/automations`, {
    definition: { name: { en: String(definition.key) }, ...definition },
  });
  if (res.statusCode !== 201) throw new Error(`create automation: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** A run of the log, as the API answers it. */
export interface RunView {
  id: string;
  status: string;
  reason?: string;
  trigger: { type: string; via: string; record?: string; chain: string[] };
  attempts: number;
  actions: Array<{
    status: string;
    type: string;
    effects: Array<Record<string, unknown>>;
    error?: { code: string; message: string };
  }>;
  error?: { code: string; message: string };
  durationMs: number | null;
}

/** The run log of an automation, newest first. */
export async function runsOf(t: TestApp, w: Workspace, id: string): Promise<RunView[]> {
  const res = await call(t, w, 'GET', `/automations/${id}/runs`);
  if (res.statusCode !== 200) throw new Error(`runs: ${res.statusCode} ${res.body}`);
  return (res.json() as { items: RunView[] }).items;
}

/** Records of a form (as the owner). */
export async function recordsOf(t: TestApp, w: Workspace, form: string, filter?: unknown) {
  const query = filter ? `?filter=${encodeURIComponent(JSON.stringify(filter))}` : '';
  const res = await call(t, w, 'GET', `/forms/${form}/records${query}`);
  if (res.statusCode !== 200) throw new Error(`records: ${res.statusCode} ${res.body}`);
  return (
    res.json() as {
      items: Array<{
        id: string;
        v: number;
        data: Record<string, unknown>;
        createdBy: string;
        owner: string;
      }>;
    }
  ).items;
}

/** Creates a record as the owner; answers it. */
export async function createRecord(t: TestApp, w: Workspace, form: string, data: Record<string, unknown>) {
  const res = await call(t, w, 'POST', `/forms/${form}/records`, { data });
  if (res.statusCode !== 201) throw new Error(`create record: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; v: number; data: Record<string, unknown> };
}

/** Patches a record as the owner at its current version; answers it. */
export async function patchRecord(
  t: TestApp,
  w: Workspace,
  form: string,
  id: string,
  data: Record<string, unknown>,
) {
  const current = (await call(t, w, 'GET', `/forms/${form}/records/${id}`)).json() as { v: number };
  const res = await call(t, w, 'PATCH', `/forms/${form}/records/${id}`, { data, v: current.v });
  if (res.statusCode !== 200) throw new Error(`patch record: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; v: number; data: Record<string, unknown> };
}
