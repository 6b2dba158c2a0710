import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import type { Session } from '../auth/test-helpers.js';
import {
  as,
  create,
  expectStatus,
  patch,
  read,
  type SalesWorld,
  salesWorld,
  settle,
} from './__tests__/sales-world.js';

/**
 * The pack's approval flows through the public API: quote_approval (manager above 15% discount or
 * 500,000, then the director above 1,000,000; a rejection returns the quote to the rep),
 * statement_approval (the rep's manager, then every finance member; approved statements are locked) and
 * scorecard_review (the rep fills in, the manager scores, a sales admin confirms).
 */
const SLOW = { timeout: 240_000 };
const time = Date.parse('2026-07-10T02:00:00Z');
let t: TestApp;
let w: SalesWorld;

beforeAll(async () => {
  t = await createTestApp({}, { clock: () => new Date(time), pollJobs: false });
  w = await salesWorld(t);
}, 120_000);
afterAll(() => t?.close());

interface TaskItem {
  id: string;
  record: string;
  kind: string;
  step: string;
  status: string;
}

/** The pending tasks of `who` for one record. */
async function pending(who: Session, record: string): Promise<TaskItem[]> {
  const list = expectStatus(await as(w, who, 'GET', '/tasks?status=pending'), 200).json() as {
    items: TaskItem[];
  };
  return list.items.filter((task) => task.record === record);
}

/** `who` takes `action` on their one pending task of the record; answers the flow state. */
async function act(who: Session, record: string, action: string, extra: Record<string, unknown> = {}) {
  const [task] = await pending(who, record);
  if (!task) throw new Error(`no pending task of ${record}`);
  const res = expectStatus(await as(w, who, 'POST', `/tasks/${task.id}/actions`, { action, ...extra }), 200);
  return (res.json() as { flow: { status: string; locked?: boolean } }).flow;
}

async function quote(who: Session, unitPrice: number, discount: number) {
  const deal = await create(w, who, 'opportunities', { name: `Deal for ${unitPrice}`, amount: unitPrice });
  return create(w, who, 'quotes', {
    opportunity: deal.id,
    items: [{ product: 'Platform', qty: 1, unitPrice, discount }],
  });
}

describe('quote_approval', () => {
  it(
    'a quote above 1,000,000 goes to the manager, then the director, then it is approved',
    SLOW,
    async () => {
      const { ann, manager, director, bob } = w.people;
      const big = await quote(ann, 1_200_000, 0.1);
      expect(big.data).toMatchObject({ total: 1_080_000, maxDiscount: 0.1 });
      expect((await read(w, ann, 'quotes', big.id)).flow?.status).toBe('inProgress');
      expect((await pending(manager, big.id)).map((task) => task.step)).toEqual(['manager']);
      expect(await pending(director, big.id)).toEqual([]);
      // Another rep has nothing to approve.
      expect(await pending(bob, big.id)).toEqual([]);
      expect((await act(manager, big.id, 'approve')).status).toBe('inProgress');
      expect((await pending(director, big.id)).map((task) => task.step)).toEqual(['director']);
      expect((await act(director, big.id, 'approve')).status).toBe('approved');
      expect((await read(w, ann, 'quotes', big.id)).flow?.status).toBe('approved');
    },
  );

  it('a discount above 15% needs only the manager; a small quote needs nobody', SLOW, async () => {
    const { ann, manager, director } = w.people;
    const discounted = await quote(ann, 200_000, 0.2);
    expect(discounted.data).toMatchObject({ total: 160_000, maxDiscount: 0.2 });
    expect((await act(manager, discounted.id, 'approve')).status).toBe('approved');
    expect(await pending(director, discounted.id)).toEqual([]);
    const small = await quote(ann, 100_000, 0.05);
    expect((await read(w, ann, 'quotes', small.id)).flow?.status).toBe('approved');
    expect(await pending(manager, small.id)).toEqual([]);
  });

  it('a rejected quote returns to the rep for editing', SLOW, async () => {
    const { ann, manager } = w.people;
    const asked = await quote(ann, 600_000, 0.1);
    expect((await act(manager, asked.id, 'reject', { comment: 'too low' })).status).toBe('returned');
    expect((await pending(ann, asked.id)).map((task) => task.kind)).toEqual(['submit']);
  });
});

describe('statement_approval', () => {
  it(
    'the manager and then every finance member approve; the approved statement can no longer be edited',
    SLOW,
    async () => {
      const { ann, manager, fay, fin } = w.people;
      const statement = await create(w, fay, 'commission_statements', {
        rep: ann.userId,
        periodType: 'month',
        periodStart: '2026-06-01',
      });
      expect((await pending(manager, statement.id)).map((task) => task.step)).toEqual(['manager']);
      expect((await act(manager, statement.id, 'approve')).status).toBe('inProgress');
      // A countersign: one finance member's approval is not enough.
      expect((await act(fay, statement.id, 'approve')).status).toBe('inProgress');
      const approved = await act(fin, statement.id, 'approve');
      expect(approved).toMatchObject({ status: 'approved', locked: true });
      const edit = await patch(w, fay, 'commission_statements', statement.id, {
        adjustments: [{ kind: 'spiff', amount: 1000, reason: 'late' }],
      });
      expect(edit.statusCode, edit.body).toBe(422);
      expect((await read(w, fay, 'commission_statements', statement.id)).data.adjustments ?? []).toEqual([]);
      // While in progress, a statement was editable: the lock comes with the approval.
      const open = await create(w, fay, 'commission_statements', {
        rep: w.people.bob.userId,
        periodType: 'month',
        periodStart: '2026-06-01',
      });
      const change = await patch(w, fay, 'commission_statements', open.id, {
        adjustments: [{ kind: 'clawback', amount: -500, reason: 'returned order' }],
      });
      expect(change.statusCode).toBe(200);
    },
  );
});

describe('scorecard_review', () => {
  it('the rep fills in actuals, the manager scores, a sales admin confirms', SLOW, async () => {
    const { ann, manager, admin } = w.people;
    const card = await create(w, manager, 'scorecards', {
      rep: ann.userId,
      periodType: 'month',
      periodStart: '2026-06-01',
      indicators: [
        { name: 'Revenue', kind: 'result', weight: 0.5, target: 1_000_000, rule: 'linear-capped', cap: 1.2 },
        { name: 'Visits', kind: 'behaviour', weight: 0.5, target: 40, rule: 'linear-capped', cap: 1.2 },
      ],
    });
    expect((await pending(ann, card.id)).map((task) => task.step)).toEqual(['fill']);
    const current = await read(w, ann, 'scorecards', card.id);
    const rows = (current.data.indicators as Array<Record<string, unknown>>).map((row, i) => ({
      ...row,
      actual: i === 0 ? 1_150_000 : 50,
    }));
    expect((await act(ann, card.id, 'submit', { data: { indicators: rows } })).status).toBe('inProgress');
    expect((await pending(manager, card.id)).map((task) => task.step)).toEqual(['score']);
    expect((await act(manager, card.id, 'approve')).status).toBe('inProgress');
    expect((await pending(admin, card.id)).map((task) => task.step)).toEqual(['confirm']);
    expect((await act(admin, card.id, 'approve')).status).toBe('approved');
    await settle(w);
    expect((await read(w, manager, 'scorecards', card.id)).data).toMatchObject({ total: 117.5, grade: 'S' });
  });
});
