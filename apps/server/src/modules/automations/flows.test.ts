import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../auth/test-helpers.js';
import { approvalOf, chainFlow, driver, type FlowWorld, flowWorld } from '../flows/test-fixtures.js';
import { engineHooks } from './engine.js';

/**
 * Automations on the flow runtime (issue 12): the `flowEnded` trigger and the `startFlow` action, through
 * the HTTP API with the controllable clock and the scheduler run by hand.
 */
let w: FlowWorld;
let d: ReturnType<typeof driver>;
let p: Record<'sub' | 'boss' | 'chief' | 'a' | 'b' | 'c' | 'd', Session>;
let logsForm: string;

interface Run {
  status: string;
  reason?: string;
  trigger: { type: string; via: string; record?: string; chain: string[]; flow?: string; outcome?: string };
  attempts: number;
  actions: Array<{
    status: string;
    type: string;
    effects: Array<Record<string, unknown>>;
    error?: { message: string };
  }>;
}

beforeAll(async () => {
  w = await flowWorld();
  d = driver(w);
  p = w.people as typeof p;
  const res = await d.inject(w.owner, 'POST', `/apps/${w.appId}/forms`, {
    key: 'logs',
    name: { en: 'Logs' },
    fields: [{ key: 'msg', type: 'text', label: { en: 'Msg' } }],
  });
  logsForm = (res.json() as { id: string }).id;
});
afterAll(async () => {
  engineHooks.afterEffects = undefined;
  await w.t.close();
});

async function automation(definition: Record<string, unknown>): Promise<string> {
  const res = await d.inject(w.owner, 'POST', `/apps/${w.appId}/automations`, {
    definition: { name: { en: String(definition.key) }, ...definition },
  });
  if (res.statusCode !== 201) throw new Error(`automation: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}
async function setEnabled(id: string, enabled: boolean) {
  const res = await d.inject(w.owner, 'POST', `/automations/${id}/${enabled ? 'enable' : 'disable'}`, {});
  if (res.statusCode !== 200) throw new Error(`enable: ${res.statusCode} ${res.body}`);
}
async function runs(id: string): Promise<Run[]> {
  return ((await d.inject(w.owner, 'GET', `/automations/${id}/runs`)).json() as { items: Run[] }).items;
}
async function logs(): Promise<string[]> {
  const res = await d.inject(w.owner, 'GET', `/forms/${logsForm}/records?limit=200`);
  return (res.json() as { items: Array<{ data: { msg?: string } }> }).items
    .map((r) => String(r.data.msg))
    .sort();
}
const log = (expression: string) => ({
  type: 'createRecord',
  config: { form: 'logs', values: { msg: expression } },
});

describe('flowEnded', () => {
  it('fires once per end, approved or rejected as the trigger names it; withdrawn and other flows never', async () => {
    const { a, sub } = p;
    await d.publish(chainFlow([approvalOf('review', [a.userId])], { allowWithdraw: true }));
    const any = await automation({
      key: 'ended_any',
      trigger: { type: 'flowEnded', form: 'requests' },
      actions: [log('CONCATENATE("ended ", title)')],
    });
    const approved = await automation({
      key: 'ended_approved',
      trigger: { type: 'flowEnded', form: 'requests', flow: 'approve', outcome: 'approved' },
      actions: [log('CONCATENATE("approved ", title)')],
    });
    const rejected = await automation({
      key: 'ended_rejected',
      trigger: { type: 'flowEnded', form: 'requests', outcome: 'rejected' },
      actions: [log('CONCATENATE("rejected ", title)')],
    });
    const other = await automation({
      key: 'ended_other_flow',
      trigger: { type: 'flowEnded', form: 'requests', flow: 'another_flow' },
      actions: [log('"other"')],
    });

    const yes = await d.submit(sub, { title: 'yes' });
    const no = await d.submit(sub, { title: 'no' });
    const gone = await d.submit(sub, { title: 'gone' });
    await d.runDue();
    // Nothing ended yet: nothing ran.
    expect(await logs()).toEqual([]);
    await d.expectAct(a, yes.id, { action: 'approve' });
    await d.expectAct(a, no.id, { action: 'reject' });
    expect((await d.recordAction(sub, gone.id, { action: 'withdraw' })).statusCode).toBe(200);
    await d.runDue();
    await d.runDue();
    expect(await logs()).toEqual(['approved yes', 'ended no', 'ended yes', 'rejected no']);
    expect(await runs(other)).toEqual([]);
    const [run] = await runs(approved);
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: { type: 'flowEnded', via: 'flow', record: yes.id, flow: 'approve', outcome: 'approved' },
    });
    expect((await runs(rejected)).map((r) => r.trigger.record)).toEqual([no.id]);
    expect((await runs(any)).map((r) => r.trigger.outcome).sort()).toEqual(['approved', 'rejected']);
    for (const id of [any, approved, rejected, other]) await setEnabled(id, false);
  });

  it('fires for an end the system caused: a deadline’s automatic approval', async () => {
    const { a, sub } = p;
    await d.publish(
      chainFlow([
        approvalOf('review', [a.userId], { deadline: { minutes: 60, onTimeout: { action: 'approve' } } }),
      ]),
    );
    const id = await automation({
      key: 'ended_by_deadline',
      trigger: { type: 'flowEnded', form: 'requests', outcome: 'approved' },
      actions: [log('CONCATENATE("timed out ", title)')],
    });
    await d.submit(sub, { title: 'late' });
    w.clock.advance(60);
    await d.runDue();
    await d.runDue();
    expect(await logs()).toContain('timed out late');
    expect((await runs(id))[0]?.status).toBe('succeeded');
    await setEnabled(id, false);
  });
});

describe('startFlow', () => {
  it('starts the form’s published flow on the trigger record, with its creator as the submitter', async () => {
    const { a, sub } = p;
    await d.publish(chainFlow([approvalOf('review', [a.userId])]));
    const id = await automation({
      key: 'submit_for_approval',
      trigger: { type: 'manual' },
      actions: [{ type: 'startFlow', config: { flow: 'approve' } }],
    });
    // A record written without the flow (a batch write starts none).
    const batch = await d.inject(sub, 'POST', `/forms/${w.formId}/records/batch`, {
      records: [{ data: { title: 'via automation' } }],
    });
    const record = (batch.json() as { results: Array<{ record: { id: string } }> }).results[0]?.record
      .id as string;
    expect((await d.flowOf(record)).flow).toBeNull();

    const res = await d.inject(w.owner, 'POST', `/automations/${id}/run`, { record });
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json() as { status: string; effects: Array<Record<string, unknown>> };
    expect(answer.status).toBe('succeeded');
    const { flow } = await d.flowOf(record);
    expect(flow).toMatchObject({ status: 'inProgress', key: 'approve', submitter: sub.userId });
    expect(answer.effects).toEqual([
      expect.objectContaining({
        kind: 'flowStarted',
        record,
        detail: expect.objectContaining({ flow: 'approve', instance: flow?.id, status: 'inProgress' }),
      }),
    ]);
    const task = await d.taskOf(a, record);
    expect(task.kind).toBe('approve');
    // The submitter follows it in their started list.
    expect((await d.tasks(sub, 'started')).items.some((t) => t.record === record)).toBe(true);

    // Again while it runs: the run fails with a clear message, and no second instance starts.
    const again = await d.inject(w.owner, 'POST', `/automations/${id}/run`, { record });
    const failed = again.json() as { status: string };
    expect(failed.status).toBe('failed');
    expect((await runs(id))[0]?.actions[0]?.error?.message).toMatch(/still running/);
    expect((await d.flowOf(record)).flow?.id).toBe(flow?.id);
  });

  it('refuses a flow that is not the form’s published one, and a run without a record', async () => {
    const id = await automation({
      key: 'start_unknown',
      trigger: { type: 'manual' },
      actions: [{ type: 'startFlow', config: { flow: 'no_such_flow' } }],
    });
    const record = await d.submit(p.sub, { title: 'x' });
    await d.expectAct(p.a, record.id, { action: 'approve' });
    const res = await d.inject(w.owner, 'POST', `/automations/${id}/run`, { record: record.id });
    expect((res.json() as { status: string }).status).toBe('failed');
    expect((await runs(id))[0]?.actions[0]?.error?.message).toMatch(/no_such_flow/);
    const none = await d.inject(w.owner, 'POST', `/automations/${id}/run`, {});
    expect((none.json() as { status: string }).status).toBe('failed');
  });

  it('a run retried after a crash between the start and the run log starts one instance', async () => {
    const { a, sub } = p;
    const id = await automation({
      key: 'start_on_note',
      trigger: { type: 'fieldChanged', form: 'requests', field: 'note', to: 'please approve' },
      actions: [{ type: 'startFlow', config: { flow: 'approve' } }, log('CONCATENATE("started ", title)')],
    });
    const batch = await d.inject(sub, 'POST', `/forms/${w.formId}/records/batch`, {
      records: [{ data: { title: 'crashy' } }],
    });
    const record = (batch.json() as { results: Array<{ record: { id: string; v: number } }> }).results[0]
      ?.record as { id: string; v: number };
    let crashes = 0;
    engineHooks.afterEffects = (_key, index) => {
      if (index === 0 && crashes === 0) {
        crashes += 1;
        throw new Error('simulated crash');
      }
    };
    const patched = await d.inject(sub, 'PATCH', `/forms/${w.formId}/records/${record.id}`, {
      v: record.v,
      data: { note: 'please approve' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    await d.runDue();
    expect((await runs(id))[0]).toMatchObject({ status: 'retrying', attempts: 1 });
    const first = (await d.flowOf(record.id)).flow;
    expect(first?.status).toBe('inProgress');
    w.clock.advance(5);
    await d.runDue();
    engineHooks.afterEffects = undefined;
    const [done] = await runs(id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect((await d.flowOf(record.id)).flow?.id).toBe(first?.id);
    expect((await d.tasks(a)).items.filter((t) => t.record === record.id)).toHaveLength(1);
    expect((await logs()).filter((m) => m === 'started crashy')).toHaveLength(1);
    await setEnabled(id, false);
  });

  it('the loop guard stops a flowEnded automation that starts a flow which ends at once', async () => {
    const { sub } = p;
    // Nobody resolves and the step is skipped: each instance ends approved the moment it starts.
    await d.publish(
      chainFlow([
        {
          id: 'review',
          type: 'approval',
          mode: 'or',
          assignees: [{ kind: 'field', field: 'reviewer' }],
          whenNoAssignee: 'skip',
        },
      ]),
    );
    const id = await automation({
      key: 'restart_on_end',
      trigger: { type: 'flowEnded', form: 'requests', outcome: 'approved' },
      actions: [{ type: 'startFlow', config: { flow: 'approve' } }],
    });
    const record = await d.submit(sub, { title: 'loop' });
    expect(record.flow?.status).toBe('approved');
    for (let i = 0; i < 4; i++) await d.runDue();
    const log = await runs(id);
    expect(log.map((r) => r.status).sort()).toEqual(['skipped', 'succeeded']);
    const skipped = log.find((r) => r.status === 'skipped');
    expect(skipped?.reason).toMatch(/loop guard/);
    expect(skipped?.trigger.chain).toEqual([`${id}@${record.id}`]);
    await setEnabled(id, false);
  });
});
