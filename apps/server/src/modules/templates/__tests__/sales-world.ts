import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../test/app.js';
import { PASSWORD, runSetup, type Session, signIn } from '../../auth/test-helpers.js';

/**
 * A workspace with the sales-performance template imported and an organisation around it, for the
 * template's integration tests (which drive everything through the public HTTP API). Sales words are
 * fine here: this is a test fixture, not engine source.
 *
 * Departments: Sales ⟶ East ⟶ East 1, North ⟶ North 1, South ⟶ South 1. People: the owner, a director
 * (Sales), a manager of East 1, reps ann and bob (East 1), cai (North 1), dan (South 1), two finance
 * members and an app admin.
 */
export interface SalesWorld {
  t: TestApp;
  ws: string;
  base: string;
  owner: Session;
  appId: string;
  forms: Record<string, string>;
  automations: Record<string, string>;
  dashboards: Record<string, string>;
  departments: Record<'sales' | 'east' | 'east1' | 'north' | 'north1' | 'south' | 'south1', string>;
  people: Record<
    'director' | 'manager' | 'ann' | 'bob' | 'cai' | 'dan' | 'fay' | 'fin' | 'admin',
    Session & { email: string }
  >;
}

/** A request as `who` (default: the owner) under `/api/v1/workspaces/:ws`. */
export function as(
  w: SalesWorld,
  who: Session | undefined,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return w.t.app.inject({
    method,
    url: `${w.base}${path}`,
    headers: (who ?? w.owner).headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** Fails with the answer's body unless it has the status. */
export function expectStatus(res: LightMyRequestResponse, status: number): LightMyRequestResponse {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res;
}

/** Runs setup, imports the template, builds the departments and members. */
export async function salesWorld(t: TestApp): Promise<SalesWorld> {
  const owner = await runSetup(t.app);
  const ws = owner.workspaceId;
  const base = `/api/v1/workspaces/${ws}`;
  const w = { t, ws, base, owner } as unknown as SalesWorld;
  const imported = expectStatus(
    await as(w, owner, 'POST', '/apps/import', { template: 'sales_performance' }),
    201,
  ).json() as {
    appId: string;
    forms: Record<string, string>;
    automations: Record<string, string>;
    dashboards: Record<string, string>;
  };
  Object.assign(w, {
    appId: imported.appId,
    forms: imported.forms,
    automations: imported.automations,
    dashboards: imported.dashboards,
  });
  const dept = async (name: string, parent?: string) =>
    (
      expectStatus(
        await as(w, owner, 'POST', '/departments', { name, ...(parent ? { parent } : {}) }),
        201,
      ).json() as { id: string }
    ).id;
  const sales = await dept('Sales');
  const east = await dept('East', sales);
  const north = await dept('North', sales);
  const south = await dept('South', sales);
  w.departments = {
    sales,
    east,
    east1: await dept('East 1', east),
    north,
    north1: await dept('North 1', north),
    south,
    south1: await dept('South 1', south),
  };
  const member = async (
    name: string,
    roles: string[],
    department: string,
    manager?: string,
  ): Promise<Session & { email: string }> => {
    const email = `${name}@example.com`;
    const invited = await as(w, owner, 'POST', '/members', {
      email,
      name,
      password: PASSWORD,
      roles: ['member', ...roles],
      department,
      ...(manager ? { manager } : {}),
    });
    expectStatus(invited, 202);
    // Everyone added is invited: the account made with PASSWORD signs in and accepts.
    const session = await signIn(t.app, email);
    const invitation = (invited.json() as { invitation: { id: string } }).invitation.id;
    expectStatus(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/auth/me/invitations/${invitation}/accept`,
        headers: session.headers,
      }),
      200,
    );
    return { ...session, email };
  };
  const d = w.departments;
  const director = await member('director', ['sales_director'], d.sales);
  const manager = await member('manager', ['sales_manager'], d.east1, director.userId);
  w.people = {
    director,
    manager,
    ann: await member('ann', ['sales_rep'], d.east1, manager.userId),
    bob: await member('bob', ['sales_rep'], d.east1, manager.userId),
    cai: await member('cai', ['sales_rep'], d.north1, director.userId),
    dan: await member('dan', ['sales_rep'], d.south1, director.userId),
    fay: await member('fay', ['finance'], d.sales),
    fin: await member('fin', ['finance'], d.sales),
    admin: await member('admin', ['sales_admin'], d.sales),
  };
  return w;
}

/** Creates a record as `who`; answers it. */
export async function create(
  w: SalesWorld,
  who: Session | undefined,
  form: string,
  data: Record<string, unknown>,
): Promise<{ id: string; v: number; data: Record<string, unknown>; owner: string }> {
  return expectStatus(await as(w, who, 'POST', `/forms/${w.forms[form]}/records`, { data }), 201).json();
}

/** Reads a record as `who`. */
export async function read(w: SalesWorld, who: Session | undefined, form: string, id: string) {
  return expectStatus(await as(w, who, 'GET', `/forms/${w.forms[form]}/records/${id}`), 200).json() as {
    id: string;
    v: number;
    data: Record<string, unknown>;
    flow?: { status?: string } | null;
  };
}

/** Patches a record as `who` at its current version. */
export async function patch(
  w: SalesWorld,
  who: Session | undefined,
  form: string,
  id: string,
  data: Record<string, unknown>,
) {
  const current = await read(w, who, form, id);
  return as(w, who, 'PATCH', `/forms/${w.forms[form]}/records/${id}`, { data, v: current.v });
}

/** Lists records of a form as `who` (up to 200), optionally filtered. */
export async function list(w: SalesWorld, who: Session | undefined, form: string, filter?: unknown) {
  const query = `?limit=200${filter ? `&filter=${encodeURIComponent(JSON.stringify(filter))}` : ''}`;
  return (
    expectStatus(await as(w, who, 'GET', `/forms/${w.forms[form]}/records${query}`), 200).json() as {
      items: Array<{ id: string; v: number; owner: string; data: Record<string, unknown> }>;
    }
  ).items;
}

/** Runs every job due on the test clock (automation runs, recomputes) until none is left. */
export async function settle(w: SalesWorld): Promise<void> {
  for (let i = 0; i < 5; i++) await w.t.app.scheduler.runDue();
}

/**
 * A won opportunity of `who` closed on `closedOn` (its contract follows through the automation
 * create_contract_on_win once jobs run): the path revenue takes in real use.
 */
export async function win(
  w: SalesWorld,
  who: Session,
  amount: number,
  closedOn: string,
  name = `Deal ${amount} ${closedOn}`,
) {
  return create(w, who, 'opportunities', { name, amount, stage: 'won', closedOn });
}

/** A widget of one of the template's dashboards as `who` sees it (with dashboard controls). */
export async function widget(
  w: SalesWorld,
  who: Session | undefined,
  dashboard: string,
  key: string,
  controls?: Record<string, unknown>,
) {
  const res = await as(
    w,
    who,
    'POST',
    `/apps/${w.appId}/dashboards/${dashboard}/widgets/${key}/query`,
    controls ? { controls } : {},
  );
  return res;
}
