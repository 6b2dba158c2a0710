import type { Flow } from '@formloom/schema';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from '../../test/app.js';
import { addMember, runSetup, type Session } from '../auth/test-helpers.js';
import type { TaskView } from '../tasks/service.js';
import type { FlowStateView } from './stored.js';

/** A clock tests move by hand (the scheduler and every flow time read it). */
export interface TestClock {
  now(): Date;
  advance(minutes: number): void;
}

/** A test world for flows: an app with a form, people in an org chart, helpers to drive it by HTTP. */
export interface FlowWorld {
  t: TestApp;
  clock: TestClock;
  ws: string;
  appId: string;
  formId: string;
  owner: Session;
  /** Members by name: sub (submitter, in dept sales, managed by boss), boss (managed by chief), chief, a, b, c, d. */
  people: Record<string, Session>;
  salesDept: string;
  topDept: string;
  base: string;
}

/** The form of the tests: an amount, notes, a member and a department field, a field to fill in, a secret. */
export const REQUESTS_FORM = {
  key: 'requests',
  name: { en: 'Requests' },
  fields: [
    { key: 'title', type: 'text', label: { en: 'Title' } },
    { key: 'amount', type: 'number', label: { en: 'Amount' } },
    { key: 'note', type: 'text', label: { en: 'Note' } },
    { key: 'reviewer', type: 'member', label: { en: 'Reviewer' } },
    { key: 'reviewers', type: 'member', multiple: true, label: { en: 'Reviewers' } },
    { key: 'unit', type: 'department', label: { en: 'Unit' } },
    { key: 'result', type: 'text', label: { en: 'Result' } },
    { key: 'secret', type: 'number', label: { en: 'Secret' } },
    {
      key: 'double',
      type: 'formula',
      label: { en: 'Double' },
      expression: 'amount * 2',
      resultType: 'number',
    },
  ],
};

/** Roles of the app: staff submit and see their own records (not the secret); viewers see everything. */
export const ROLES = [
  {
    key: 'staff',
    name: { en: 'Staff' },
    forms: [
      {
        form: 'requests',
        submit: true,
        view: 'own',
        edit: 'own',
        fields: [{ field: 'secret', access: 'hidden' }],
      },
    ],
  },
  { key: 'lead', name: { en: 'Lead' }, forms: [{ form: 'requests', view: 'all' }] },
  { key: 'clerk', name: { en: 'Clerk' }, forms: [] },
];

async function must(res: LightMyRequestResponse, status: number, what: string) {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
}

/**
 * Builds the world on a fresh app with a controllable clock and no job poller: an app with roles, the
 * requests form, a department tree (top > sales, heads chief and boss) and members.
 */
export async function flowWorld(): Promise<FlowWorld> {
  let time = Date.parse('2026-03-02T09:00:00.000Z');
  const clock: TestClock = {
    now: () => new Date(time),
    advance: (minutes) => {
      time += minutes * 60_000;
    },
  };
  const t = await createTestApp({ RATE_LIMIT_MAX: '100000' }, { clock: clock.now, pollJobs: false });
  const owner = await runSetup(t.app);
  const ws = owner.workspaceId;
  const base = `/api/v1/workspaces/${ws}`;
  const call = (method: 'POST' | 'PUT', url: string, payload: object) =>
    t.app.inject({ method, url: `${base}${url}`, headers: owner.headers, payload });
  const app = await must(
    await call('POST', '/apps', { key: 'ops', name: { en: 'Ops' }, roles: ROLES }),
    201,
    'app',
  );
  const appId = String(app.id);
  const form = await must(await call('POST', `/apps/${appId}/forms`, REQUESTS_FORM), 201, 'form');
  let n = 0;
  const person = (name: string, roles: string[], extra: Record<string, unknown> = {}) =>
    addMember(t.app, owner, ws, `${name}-${++n}@example.com`, roles, extra);
  const chief = await person('chief', ['member', 'lead']);
  const top = await must(
    await call('POST', '/departments', { name: 'Top', head: chief.userId }),
    201,
    'dept',
  );
  const boss = await person('boss', ['member', 'lead'], { manager: chief.userId, department: top.id });
  const sales = await must(
    await call('POST', '/departments', { name: 'Sales', parent: top.id, head: boss.userId }),
    201,
    'dept',
  );
  const people: Record<string, Session> = { chief, boss };
  people.sub = await person('sub', ['member', 'staff'], { manager: boss.userId, department: sales.id });
  for (const name of ['a', 'b', 'c', 'd']) people[name] = await person(name, ['member', 'clerk']);
  return {
    t,
    clock,
    ws,
    appId,
    formId: String(form.id),
    owner,
    people,
    salesDept: String(sales.id),
    topDept: String(top.id),
    base,
  };
}

/** A flow on the requests form with the given middle nodes chained between start and end. */
export function chainFlow(nodes: Flow['nodes'], settings?: Flow['settings'], key = 'approve'): Flow {
  const all: Flow['nodes'] = [{ id: 'start', type: 'start' }, ...nodes, { id: 'end', type: 'end' }];
  return {
    key,
    name: { en: 'Approval', 'zh-CN': '审批' },
    form: 'requests',
    nodes: all,
    edges: all.slice(1).map((node, i) => ({ from: (all[i] as { id: string }).id, to: node.id })),
    ...(settings ? { settings } : {}),
  };
}

/** An approval node of members. */
export function approvalOf(
  id: string,
  members: string[],
  extra: Record<string, unknown> = {},
): Flow['nodes'][number] {
  return {
    id,
    type: 'approval',
    mode: 'or',
    assignees: [{ kind: 'member', members }],
    ...extra,
  } as Flow['nodes'][number];
}

/** HTTP helpers bound to a world. */
export function driver(w: FlowWorld) {
  const inject = (who: Session, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
    w.t.app.inject({
      method,
      url: `${w.base}${url}`,
      headers: who.headers,
      ...(payload === undefined ? {} : { payload }),
    });
  let flowId: string | undefined;
  return {
    inject,
    /**
     * Publishes `flow` as the form's flow: creates it the first time, then publishes it as the next version
     * (records submitted before keep the version they started with). Answers the flow's id and version.
     */
    async publish(flow: Flow): Promise<{ id: string; version: number }> {
      if (flowId === undefined) {
        const res = await inject(w.owner, 'POST', `/apps/${w.appId}/flows`, {
          definition: flow,
          publish: true,
        });
        flowId = String((await must(res, 201, 'create flow')).id);
        return { id: flowId, version: 1 };
      }
      const res = await inject(w.owner, 'PUT', `/flows/${flowId}`, {
        definition: { ...flow, key: 'approve' },
        publish: true,
      });
      const body = await must(res, 200, 'publish flow');
      return { id: flowId, version: Number(body.version) };
    },
    /** Submits a record as a member; answers the record. */
    async submit(who: Session, data: Record<string, unknown> = {}) {
      const res = await inject(who, 'POST', `/forms/${w.formId}/records`, { data });
      return (await must(res, 201, 'submit')) as {
        id: string;
        v: number;
        createdAt: string;
        flow?: FlowStateView;
        data: Record<string, unknown>;
      };
    },
    async tasks(who: Session, status = 'pending') {
      const res = await inject(who, 'GET', `/tasks?status=${status}`);
      return (await must(res, 200, 'tasks')) as unknown as {
        items: TaskView[];
        counts: { pending: number; done: number; cc: number; ccUnread: number; started: number };
      };
    },
    /** The one pending task of a member on a record. */
    async taskOf(who: Session, record: string): Promise<TaskView> {
      const mine = (await this.tasks(who)).items.filter((t) => t.record === record);
      if (mine.length !== 1) throw new Error(`expected one pending task, found ${mine.length}`);
      return mine[0] as TaskView;
    },
    act(who: Session, task: string, body: object) {
      return inject(who, 'POST', `/tasks/${task}/actions`, body);
    },
    /** Acts on the member's task on a record and expects success; answers the flow state. */
    async expectAct(who: Session, record: string, body: object): Promise<FlowStateView> {
      const task = await this.taskOf(who, record);
      const res = await this.act(who, task.id, body);
      return ((await must(res, 200, `act ${JSON.stringify(body)}`)) as { flow: FlowStateView }).flow;
    },
    async flowOf(record: string, who: Session = w.owner) {
      const res = await inject(who, 'GET', `/forms/${w.formId}/records/${record}/flow`);
      return (await must(res, 200, 'record flow')) as unknown as {
        flow: FlowStateView | null;
        timeline: Array<{
          action: string;
          by: string | null;
          node: string | null;
          comment?: string;
          to?: unknown;
        }>;
      };
    },
    recordAction(who: Session, record: string, body: object) {
      return inject(who, 'POST', `/forms/${w.formId}/records/${record}/flow/actions`, body);
    },
    /** Runs the jobs due on the clock (deadlines). */
    runDue: () => w.t.app.scheduler.runDue(),
  };
}
