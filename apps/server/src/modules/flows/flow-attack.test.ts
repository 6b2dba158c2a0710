import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../auth/test-helpers.js';
import { chainFlow, driver, type FlowWorld, flowWorld } from './test-fixtures.js';

// Attack suite of the flow paths that carry record values (task detail, inbox, a record's flow and
// timeline, action answers): a value hidden from a person — at the step they hold, or by their role — never
// reaches them through any of them, nor does a value derived from it.
let w: FlowWorld;
let d: ReturnType<typeof driver>;
let p: Record<'sub' | 'boss' | 'chief' | 'a' | 'b' | 'c' | 'd', Session>;
beforeAll(async () => {
  w = await flowWorld();
  d = driver(w);
  p = w.people as typeof p;
});
afterAll(async () => w.t.close());

// Values no other part of an answer could hold by chance (ids are hex, times ISO).
const SECRET = 987_123;
const AMOUNT = 3_131;
const DOUBLE = AMOUNT * 2;
const NOTE = 'classified-memo-zq';
const leaks = (body: string) =>
  [String(SECRET), String(AMOUNT), String(DOUBLE), NOTE].filter((value) => body.includes(value));

describe('flow paths carry only what the reader may see', () => {
  it('a step that hides fields: the assignee learns none of them, nor what is made of them', async () => {
    const { a } = p;
    await d.publish(
      chainFlow([
        {
          id: 'review',
          type: 'approval',
          mode: 'or',
          assignees: [{ kind: 'member', members: [a.userId] }],
          fields: [
            { field: 'secret', access: 'hidden' },
            { field: 'note', access: 'hidden' },
            { field: 'amount', access: 'hidden' },
          ],
        },
      ]),
    );
    // The owner submits for the team: every field filled (a staff member may not write the secret).
    const record = await d.submit(w.owner, {
      title: 'Budget line',
      amount: AMOUNT,
      note: NOTE,
      secret: SECRET,
    });
    expect(record.data.double).toBe(DOUBLE);
    const inbox = await d.inject(a, 'GET', '/tasks?status=pending');
    expect(inbox.statusCode).toBe(200);
    expect(leaks(inbox.body)).toEqual([]);
    // The inbox names the record by its title, which the step shows.
    const items = (
      inbox.json() as {
        items: Array<{ record: string; recordTitle: string | null; recordCreatedAt: string | null }>;
      }
    ).items;
    expect(items.find((i) => i.record === record.id)?.recordTitle).toBe('Budget line');
    // With the record's creation time (which names a record without a title), and no value beyond it.
    expect(items.find((i) => i.record === record.id)?.recordCreatedAt).toBe(record.createdAt);
    const task = await d.taskOf(a, record.id);
    const detail = await d.inject(a, 'GET', `/tasks/${task.id}`);
    expect(detail.statusCode, detail.body).toBe(200);
    const data = (detail.json() as { record: { data: Record<string, unknown> } }).record.data;
    expect(data.title).toBe('Budget line');
    for (const key of ['secret', 'note', 'amount', 'double']) expect(data).not.toHaveProperty(key);
    expect(leaks(detail.body)).toEqual([]);
    // The record's own routes: the assignee has no role on the form, so they are not found at all.
    const flow = await d.inject(a, 'GET', `/forms/${w.formId}/records/${record.id}/flow`);
    expect(leaks(flow.body)).toEqual([]);
    const direct = await d.inject(a, 'GET', `/forms/${w.formId}/records/${record.id}`);
    expect(direct.statusCode).toBe(404);
    expect(leaks(direct.body)).toEqual([]);
    // Acting answers the flow state, not the record's values.
    const acted = await d.act(a, task.id, { action: 'approve', comment: 'fine' });
    expect(acted.statusCode, acted.body).toBe(200);
    expect(leaks(acted.body)).toEqual([]);
    const done = await d.inject(a, 'GET', '/tasks?status=done');
    expect(leaks(done.body)).toEqual([]);
  });

  it('a field the role hides stays hidden from the submitter on every flow path', async () => {
    const { sub, boss } = p;
    await d.publish(
      chainFlow([{ id: 'lead', type: 'approval', mode: 'or', assignees: [{ kind: 'manager' }] }]),
    );
    const record = await d.submit(sub, { title: 'Travel', amount: 10 });
    // The manager (role lead: sees everything) sets the secret while the flow runs.
    const set = await d.inject(w.owner, 'PATCH', `/forms/${w.formId}/records/${record.id}`, {
      v: (await d.inject(w.owner, 'GET', `/forms/${w.formId}/records/${record.id}`)).json().v,
      data: { secret: SECRET },
    });
    expect(set.statusCode, set.body).toBe(200);
    const task = await d.taskOf(boss, record.id);
    const detail = await d.inject(boss, 'GET', `/tasks/${task.id}`);
    expect(detail.body).toContain(String(SECRET));
    // The submitter's role hides the secret: their started list, the record's flow, the action answers.
    for (const path of ['/tasks?status=started', `/forms/${w.formId}/records/${record.id}/flow`]) {
      const res = await d.inject(sub, 'GET', path);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain(String(SECRET));
    }
    const urged = await d.recordAction(sub, record.id, { action: 'urge' });
    expect(urged.body).not.toContain(String(SECRET));
    const approved = await d.act(boss, task.id, { action: 'approve' });
    expect(approved.statusCode, approved.body).toBe(200);
    const seen = await d.inject(sub, 'GET', `/forms/${w.formId}/records/${record.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain(String(SECRET));
  });

  it("the inbox's record titles: a title made of a field hidden at the step or by the role is not shown", async () => {
    const { a, sub, boss } = p;
    const titled = (body: string, record: string) =>
      (JSON.parse(body) as { items: Array<{ record: string; recordTitle: string | null }> }).items.find(
        (i) => i.record === record,
      )?.recordTitle;
    // Records are named by `double` (amount * 2); the step hides the amount, so also the double.
    const form = await d.inject(w.owner, 'GET', `/forms/${w.formId}`);
    const { v, definition } = form.json() as { v: number; definition: Record<string, unknown> };
    const saved = await d.inject(w.owner, 'PUT', `/forms/${w.formId}`, {
      v,
      definition: { ...definition, titleField: 'double' },
      publish: true,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    await d.publish(
      chainFlow([
        {
          id: 'review',
          type: 'approval',
          mode: 'or',
          assignees: [{ kind: 'member', members: [a.userId] }],
          fields: [{ field: 'amount', access: 'hidden' }],
        },
      ]),
    );
    const record = await d.submit(w.owner, { title: 'Named by its double', amount: AMOUNT });
    const inbox = await d.inject(a, 'GET', '/tasks?status=pending');
    expect(inbox.statusCode, inbox.body).toBe(200);
    expect(titled(inbox.body, record.id)).toBeNull();
    expect(leaks(inbox.body)).toEqual([]);

    // Records named by the secret, which the staff role hides: the submitter's started list shows no
    // title while their manager's inbox (role lead) names the record by it.
    const again = await d.inject(w.owner, 'GET', `/forms/${w.formId}`);
    const next = again.json() as { v: number; definition: Record<string, unknown> };
    const renamed = await d.inject(w.owner, 'PUT', `/forms/${w.formId}`, {
      v: next.v,
      definition: { ...next.definition, titleField: 'secret' },
      publish: true,
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    await d.publish(
      chainFlow([{ id: 'lead', type: 'approval', mode: 'or', assignees: [{ kind: 'manager' }] }]),
    );
    const mine = await d.submit(sub, { title: 'Secretly named' });
    const set = await d.inject(w.owner, 'PATCH', `/forms/${w.formId}/records/${mine.id}`, {
      v: (await d.inject(w.owner, 'GET', `/forms/${w.formId}/records/${mine.id}`)).json().v,
      data: { secret: SECRET },
    });
    expect(set.statusCode, set.body).toBe(200);
    const bossInbox = await d.inject(boss, 'GET', '/tasks?status=pending');
    expect(titled(bossInbox.body, mine.id)).toBe(String(SECRET));
    const started = await d.inject(sub, 'GET', '/tasks?status=started');
    expect(started.statusCode, started.body).toBe(200);
    expect(titled(started.body, mine.id)).toBeNull();
    expect(started.body).not.toContain(String(SECRET));
  });
});
