import type { ApiCaller } from './fixtures.js';
import { addMember, signIn } from './fixtures.js';
import type { RunningServer } from './server.js';

/** The sales template imported with an organisation and a few months of real-looking records. */
export interface SalesPack {
  appId: string;
  forms: Record<string, string>;
  dashboards: Record<string, string>;
  reps: Record<'ann' | 'bob', { caller: ApiCaller; userId: string }>;
}

const PASSWORD = 'rep-password-2026';

/** `YYYY-MM-DD` of the day `months` months before today (same day of month, clamped to 28). */
export function monthsAgo(months: number, day = 10): string {
  const now = new Date();
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, Math.min(day, 28)));
  return date.toISOString().slice(0, 10);
}

/**
 * Imports the sales-performance template (the pack's dashboards come with it), adds two reps in a
 * department and records for them: opportunities at every stage (won ones become contracts through the
 * pack's automation), contracts over six months, payments, visits and this year's targets.
 */
export async function seedSalesPack(server: RunningServer, owner: ApiCaller, ws: string): Promise<SalesPack> {
  const imported = await owner.call<{
    appId: string;
    forms: Record<string, string>;
    dashboards: Record<string, string>;
  }>('POST', `/workspaces/${ws}/apps/import`, { template: 'sales_performance' });
  const forms = imported.forms;
  const dept = await owner.call<{ id: string }>('POST', `/workspaces/${ws}/departments`, { name: 'East' });
  const rep = async (name: 'ann' | 'bob') => {
    const email = `${name}@example.com`;
    const member = await addMember(server, owner, ws, {
      email,
      name: name === 'ann' ? 'Ann Lee' : 'Bob Chen',
      password: PASSWORD,
      roles: ['member', 'sales_rep'],
      department: dept.id,
    });
    return { caller: await signIn(server, email, PASSWORD), userId: member.userId };
  };
  const reps = { ann: await rep('ann'), bob: await rep('bob') };
  const create = (who: ApiCaller, form: string, data: Record<string, unknown>) =>
    who.call<{ id: string }>('POST', `/workspaces/${ws}/forms/${forms[form]}/records`, { data });

  const customers = {
    ann: await create(owner, 'customers', { name: 'ACME Trading', region: 'east', owner: reps.ann.userId }),
    bob: await create(owner, 'customers', { name: 'Globex', region: 'east', owner: reps.bob.userId }),
  };
  const stages = ['lead', 'lead', 'qualified', 'proposal', 'negotiation', 'lost'];
  for (const [i, stage] of stages.entries()) {
    await create(i % 2 ? reps.bob.caller : reps.ann.caller, 'opportunities', {
      name: `Deal ${i + 1}`,
      stage,
      amount: 20_000 + i * 5_000,
      productLine: i % 3 === 0 ? 'cloud' : 'services',
    });
  }
  for (let m = 0; m < 6; m++) {
    await create(owner, 'contracts', { amount: 40_000 + m * 7_000, signedOn: monthsAgo(m, 8) });
    await create(owner, 'contracts', { amount: 25_000 + m * 3_000, signedOn: monthsAgo(m, 20) });
  }
  await create(reps.ann.caller, 'opportunities', {
    name: 'Won deal A',
    stage: 'won',
    amount: 80_000,
    closedOn: monthsAgo(0, 2),
  });
  await create(reps.bob.caller, 'opportunities', {
    name: 'Won deal B',
    stage: 'won',
    amount: 50_000,
    closedOn: monthsAgo(0, 3),
  });
  const contract = await create(owner, 'contracts', { amount: 30_000, signedOn: monthsAgo(0, 4) });
  await create(owner, 'payments', {
    contract: contract.id,
    amount: 18_000,
    paidOn: monthsAgo(0, 5),
    method: 'transfer',
  });
  for (const [i, method] of ['onsite', 'phone', 'online', 'onsite'].entries()) {
    const who = i % 2 ? 'bob' : 'ann';
    await create(reps[who].caller, 'visits', {
      customer: customers[who].id,
      visitDate: monthsAgo(0, 1 + i),
      method,
    });
  }
  const year = `${new Date().getUTCFullYear()}-01-01`;
  const month = monthsAgo(0, 1);
  for (const [name, amount] of [
    ['East region', 900_000],
    ['North region', 600_000],
  ] as const) {
    await create(owner, 'targets', {
      name,
      level: 'region',
      periodType: 'year',
      periodStart: year,
      metric: 'revenue',
      amount,
    });
  }
  await create(owner, 'targets', {
    name: 'East 1 team',
    level: 'team',
    periodType: 'year',
    periodStart: year,
    metric: 'revenue',
    amount: 500_000,
  });
  for (const [who, amount] of [
    ['ann', 120_000],
    ['bob', 90_000],
  ] as const) {
    await create(owner, 'targets', {
      name: `${who} ${month.slice(0, 7)}`,
      level: 'rep',
      periodType: 'month',
      periodStart: month,
      metric: 'revenue',
      assignee: reps[who].userId,
      assigneeDept: dept.id,
      amount,
    });
  }
  return { appId: imported.appId, forms, dashboards: imported.dashboards, reps };
}
