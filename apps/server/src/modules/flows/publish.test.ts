import type { Flow } from '@formloom/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { code, type Session } from '../auth/test-helpers.js';
import { flowModel, flowVersionModel } from './model.js';
import {
  approvalOf,
  chainFlow,
  driver,
  type FlowWorld,
  flowWorld,
  REQUESTS_FORM,
  ROLES,
} from './test-fixtures.js';

let w: FlowWorld;
let d: ReturnType<typeof driver>;
let p: Record<'sub' | 'boss' | 'chief' | 'a' | 'b' | 'c' | 'd', Session>;
beforeAll(async () => {
  w = await flowWorld();
  d = driver(w);
  p = w.people as typeof p;
});
afterAll(async () => w.t.close());

type Detail = { path: string; message: string; node?: string | null };
const details = (body: string) => (JSON.parse(body) as { error: { details: Detail[] } }).error.details;

describe('publishing checks the flow', () => {
  const create = (definition: unknown, who: Session = w.owner) =>
    d.inject(who, 'POST', `/apps/${w.appId}/flows`, { definition, publish: true });

  it('422 with the node’s id: dead end, unreachable node, missing default, unknown role and field, join without split', async () => {
    const bad: Flow = {
      key: 'broken',
      name: { en: 'Broken' },
      form: 'requests',
      nodes: [
        { id: 'start', type: 'start' },
        {
          id: 'gate',
          type: 'condition',
          branches: [
            { id: 'big', condition: 'amount > 5' },
            { id: 'huge', condition: 'amount > 50' },
          ],
        },
        { id: 'role', type: 'approval', mode: 'or', assignees: [{ kind: 'role', role: 'ghost' }] },
        { id: 'field', type: 'approval', mode: 'or', assignees: [{ kind: 'field', field: 'nope' }] },
        { id: 'join', type: 'parallelJoin' },
        { id: 'lost', type: 'approval', mode: 'or', assignees: [{ kind: 'submitter' }] },
        { id: 'stuck', type: 'approval', mode: 'or', assignees: [{ kind: 'submitter' }] },
        { id: 'end', type: 'end' },
      ],
      edges: [
        { from: 'start', to: 'gate' },
        { from: 'gate', to: 'role', branch: 'big' },
        { from: 'gate', to: 'field', branch: 'huge' },
        { from: 'role', to: 'join' },
        { from: 'field', to: 'stuck' },
        { from: 'join', to: 'end' },
        { from: 'lost', to: 'end' },
      ],
    };
    const res = await create(bad);
    expect(res.statusCode).toBe(422);
    expect(code(res)).toBe('UNPROCESSABLE');
    const found = details(res.body).map((x) => [x.node, x.path]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['role', '/nodes/2/assignees/0/role'],
        ['field', '/nodes/3/assignees/0/field'],
        ['stuck', '/nodes/6'],
      ]),
    );
    // Graph checks run once the references hold.
    const graph = structuredClone(bad);
    graph.nodes[2] = approvalOf('role', [p.a.userId]);
    graph.nodes[3] = approvalOf('field', [p.a.userId]);
    graph.edges.push({ from: 'stuck', to: 'end' });
    const res2 = await create(graph);
    expect(res2.statusCode).toBe(422);
    const messages = details(res2.body);
    expect(messages.map((x) => [x.node, x.message.split(': ')[0]])).toEqual(
      expect.arrayContaining([
        ['gate', 'node gate'],
        ['lost', 'node lost'],
        ['join', 'node join'],
      ]),
    );
    expect(messages.find((x) => x.node === 'lost')?.message).toContain('cannot be reached');
    expect(messages.find((x) => x.node === 'join')?.message).toContain('parallel split');
    expect(messages.find((x) => x.node === 'gate')?.message).toContain('default branch');
    expect(await flowModel(w.t.store.connection).countDocuments({ key: 'broken' })).toBe(0);
  });

  it('400 for a definition the meta-model refuses; 403 for members; 404 for unknown apps', async () => {
    expect((await create({ key: 'x' })).statusCode).toBe(400);
    expect((await create({ ...chainFlow([]), nodes: 'no' })).statusCode).toBe(400);
    expect((await create(chainFlow([approvalOf('a', [p.a.userId])]), p.a)).statusCode).toBe(403);
    expect(
      (await d.inject(w.owner, 'POST', '/apps/0123456789abcdef01234567/flows', { definition: chainFlow([]) }))
        .statusCode,
    ).toBe(404);
    const condition = chainFlow([
      { id: 'gate', type: 'condition', branches: [{ id: 'x', condition: 'note > 5' }, { id: 'y' }] },
    ] as never);
    // note is text: the condition does not type-check (422), and the branch edges are missing.
    const res = await create(condition);
    expect(res.statusCode).toBe(422);
  });

  it('400 naming the path for a node whose id is not text (an object as id was a 500)', async () => {
    const flow = chainFlow([approvalOf('a', [p.a.userId])]) as { nodes: { id: unknown }[] };
    for (const id of [{}, { $gt: '' }, ['a']]) {
      const bad = { ...flow, nodes: flow.nodes.map((n, i) => (i === 0 ? { ...n, id } : n)) };
      const res = await create(bad);
      expect(res.statusCode, res.body).toBe(400);
      expect(details(res.body)).toContainEqual(expect.objectContaining({ path: '/nodes/0/id', node: null }));
    }
  });
});

describe('versions', () => {
  it('a running instance stays on its version when the flow is republished mid-way', async () => {
    const { a, b, c, sub } = p;
    const first = await d.publish(chainFlow([approvalOf('one', [a.userId]), approvalOf('two', [b.userId])]));
    expect(first.version).toBe(1);
    const old = await d.submit(sub, {});
    await d.expectAct(a, old.id, { action: 'approve' });
    // Version 2 sends everything to c only.
    const second = await d.publish(chainFlow([approvalOf('only', [c.userId])]));
    expect(second.version).toBe(2);
    const fresh = await d.submit(sub, {});
    expect(fresh.flow?.version).toBe(2);
    expect(fresh.flow?.current.map((n) => n.node)).toEqual(['only']);
    // The old record goes on along version 1.
    const after = await d.expectAct(b, old.id, { action: 'approve' });
    expect([after.version, after.status]).toEqual([1, 'approved']);
    const v1 = await d.inject(w.owner, 'GET', `/flows/${first.id}/versions/1`);
    expect((v1.json() as { definition: Flow }).definition.nodes.map((n) => n.id)).toEqual([
      'start',
      'one',
      'two',
      'end',
    ]);
    expect((await d.inject(w.owner, 'GET', `/flows/${first.id}/versions/9`)).statusCode).toBe(404);
  });

  it('one flow per form; saves are guarded by v; key and form never change', async () => {
    const flow = chainFlow([approvalOf('only', [p.c.userId])]);
    const again = await d.inject(w.owner, 'POST', `/apps/${w.appId}/flows`, {
      definition: { ...flow, key: 'other' },
    });
    expect(again.statusCode).toBe(409);
    const list = (await d.inject(w.owner, 'GET', `/apps/${w.appId}/flows`)).json() as Array<{
      id: string;
      v: number;
    }>;
    const id = String(list[0]?.id);
    const v = Number(list[0]?.v);
    const saved = await d.inject(w.owner, 'PUT', `/flows/${id}`, { definition: flow, v });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((saved.json() as { version: number }).version).toBe(2);
    expect((await d.inject(w.owner, 'PUT', `/flows/${id}`, { definition: flow, v })).statusCode).toBe(409);
    expect(
      (await d.inject(w.owner, 'PUT', `/flows/${id}`, { definition: { ...flow, key: 'renamed' } }))
        .statusCode,
    ).toBe(400);
    const published = await d.inject(w.owner, 'POST', `/flows/${id}/publish`);
    expect((published.json() as { version: number }).version).toBe(3);
    expect(await flowVersionModel(w.t.store.connection).countDocuments({ flow: id })).toBe(3);
  });
});

describe('template packs', () => {
  const pack = (flows: unknown[]) => ({
    manifest: { key: 'leave', name: { en: 'Leave' }, version: '1.0.0', locales: ['en'] },
    forms: [REQUESTS_FORM],
    roles: ROLES,
    flows,
  });
  const packFlow: Flow = {
    key: 'leave_approval',
    name: { en: 'Leave approval' },
    form: 'requests',
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'lead', type: 'approval', mode: 'or', assignees: [{ kind: 'role', role: 'lead' }] },
      { id: 'end', type: 'end' },
    ],
    edges: [
      { from: 'start', to: 'lead' },
      { from: 'lead', to: 'end' },
    ],
  };

  it('import publishes the pack’s flows; submissions start them; export gives them back', async () => {
    const res = await d.inject(w.owner, 'POST', '/apps/import', { pack: pack([packFlow]), appKey: 'leave1' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as {
      appId: string;
      forms: Record<string, string>;
      flows: Record<string, string>;
    };
    const flowId = body.flows.leave_approval;
    const flow = (await d.inject(w.owner, 'GET', `/flows/${flowId}`)).json() as {
      version: number;
      form: string;
    };
    expect(flow).toMatchObject({ version: 1, form: body.forms.requests });
    const record = await d.inject(p.sub, 'POST', `/forms/${body.forms.requests}/records`, { data: {} });
    const started = record.json() as {
      flow?: { status: string; current: Array<{ tasks: Array<{ assignee: string }> }> };
    };
    expect(started.flow?.status).toBe('inProgress');
    expect(started.flow?.current[0]?.tasks.map((t) => t.assignee).sort()).toEqual(
      [p.boss.userId, p.chief.userId].sort(),
    );
    const exported = (await d.inject(w.owner, 'GET', `/apps/${body.appId}/export`)).json() as {
      flows: unknown[];
    };
    expect(exported.flows).toEqual([packFlow]);
  });

  it('refuses a pack whose flow cannot run (422 at /flows/<i> with the node), writing nothing', async () => {
    const deadEnd = structuredClone(packFlow);
    deadEnd.edges = [{ from: 'start', to: 'lead' }];
    const res = await d.inject(w.owner, 'POST', '/apps/import', { pack: pack([deadEnd]), appKey: 'leave2' });
    expect(res.statusCode).toBe(422);
    expect(details(res.body).map((x) => x.path)).toEqual(['/flows/0/nodes/1']);
    const unreachable = structuredClone(packFlow);
    unreachable.nodes.push({ id: 'lost', type: 'approval', mode: 'or', assignees: [{ kind: 'submitter' }] });
    unreachable.edges.push({ from: 'lost', to: 'end' });
    const res2 = await d.inject(w.owner, 'POST', '/apps/import', {
      pack: pack([unreachable]),
      appKey: 'leave2',
    });
    expect(res2.statusCode).toBe(422);
    expect(details(res2.body)).toEqual([expect.objectContaining({ path: '/flows/0/nodes/3', node: 'lost' })]);
    const twice = await d.inject(w.owner, 'POST', '/apps/import', {
      pack: pack([packFlow, { ...packFlow, key: 'second' }]),
      appKey: 'leave3',
    });
    expect(twice.statusCode).toBe(422);
    expect(details(twice.body).map((x) => x.path)).toEqual(['/flows/1/form']);
    expect(await flowModel(w.t.store.connection).countDocuments({ key: 'second' })).toBe(0);
  });

  it('an import undone after its flows were written removes them', async () => {
    const withBadRecord = {
      ...pack([packFlow]),
      records: { requests: [{ data: { amount: 'not a number' } }] },
    };
    const res = await d.inject(w.owner, 'POST', '/apps/import', {
      pack: withBadRecord,
      appKey: 'leave4',
      demoData: true,
    });
    expect(res.statusCode).toBe(400);
    const keys = (await flowModel(w.t.store.connection).find({}, { key: 1, app: 1 }).lean()).map(
      (f) => f.key,
    );
    expect(keys.filter((k) => k === 'leave_approval')).toHaveLength(1);
  });
});
