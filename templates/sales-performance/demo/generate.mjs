// @ts-check
/**
 * Demo data of the sales-performance pack: a seeded, deterministic generator (same seed, scale and today →
 * the same plan). It answers a demo plan in the engine's generic format (docs/template-format.md, "Demo
 * data"): departments, members, and ordered steps of records written in batches through the records
 * write path, so checks, formulas, rollups and history run as in real use. It is a bulk load: each record
 * is written once, as it is now, and the plan writes what the automations that act on single writes would
 * have (highestStage, a contract per won deal) instead of a run per record — `viaAutomations: true` gives
 * the slow live variant, which the demo test proves equal.
 *
 * One company (Sales), 3 regions, 6 teams of 5 reps with their managers, a director, two finance members
 * and an app admin. Per unit of scale: 500 customers, 3,000 visits, 1,200 opportunities whose stages
 * moved as far as a funnel lets them (won ones with the contract create_contract_on_win makes), quotes
 * with items for those that reached a proposal, payments on most contracts, over the last 12 months.
 * Targets company → region → team → rep for each calendar year touched and rep → month for the 12 months,
 * two commission plans, two scorecard templates, last month's statements (through monthly_statements)
 * and scorecards, a few awards, and quotes submitted through quote_approval (large ones wait in the inboxes).
 */

/**
 * @typedef {{ ref: string, name: string, parent?: string }} DemoDepartment
 * @typedef {{ ref: string, name: string, email: string, roles: string[], department?: string, manager?: string }} DemoMember
 * @typedef {{ ref?: string, as?: string, owner?: string, data: Record<string, unknown> }} DemoRecord
 * @typedef {{ kind: 'records', form: string, label?: string, records: DemoRecord[], startFlows?: boolean, bulk?: boolean }
 *   | { kind: 'updates', form: string, label?: string, records: Array<{ record: string, as?: string, data: Record<string, unknown> }>, bulk?: boolean }
 *   | { kind: 'automation', automation: string, as?: string, input?: Record<string, unknown> }} DemoStep
 * @typedef {{ password: string, departments: DemoDepartment[], members: DemoMember[],
 *   signIn: Array<{ member?: string, label: string }>, steps: DemoStep[] }} DemoPlan
 * @typedef {{ seed?: number, scale?: number, today?: string, viaAutomations?: boolean }} DemoOptions
 */

const DAY = 86_400_000;
const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won'];
/** How far an opportunity got (the funnel's shape): share of opportunities per highest stage. */
const REACHED = [0.34, 0.26, 0.15, 0.08, 0.17];
const FAMILY = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Zhao', 'Huang', 'Zhou', 'Wu', 'Xu', 'Sun'];
const GIVEN = ['Wei', 'Fang', 'Na', 'Min', 'Jing', 'Lei', 'Yang', 'Jie', 'Tao', 'Ying', 'Hui', 'Qiang'];
const COMPANY_A = ['Hua', 'Xin', 'Tian', 'Jin', 'Kai', 'Rui', 'Sheng', 'Heng', 'Yuan', 'Long', 'Feng', 'Da'];
const COMPANY_B = ['tong', 'cheng', 'hai', 'xing', 'da', 'fu', 'mei', 'an', 'li', 'ye', 'sheng', 'guang'];
const COMPANY_C = ['Technology', 'Manufacturing', 'Retail', 'Logistics', 'Medical', 'Energy', 'Foods'];
const PRODUCTS = [
  ['cloud', 'Cloud seats', 120],
  ['cloud', 'Data platform', 8000],
  ['hardware', 'Edge server', 25000],
  ['hardware', 'Sensor kit', 900],
  ['services', 'Implementation', 60000],
  ['services', 'Training day', 6000],
];
const REGIONS = [
  { key: 'east', name: 'East', provinces: ['zj', 'js'], cities: ['hangzhou', 'nanjing'] },
  { key: 'north', name: 'North', provinces: ['bj'], cities: ['beijing'] },
  { key: 'south', name: 'South', provinces: ['gd'], cities: ['guangzhou', 'shenzhen'] },
];
/** Quotes that start quote_approval as they are written (the large open ones then wait in the inboxes). */
const FLOW_QUOTES = 150;
const TIERS = [
  { from: 0, to: 0.5, rate: 0.02 },
  { from: 0.5, to: 1, rate: 0.05 },
  { from: 1, rate: 0.08 },
];

/** mulberry32: a small, fast, seeded PRNG (the same seed gives the same sequence on every platform). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {Date} d */
const iso = (d) => d.toISOString().slice(0, 10);
/** @param {number} y @param {number} m month 0-11 */
const monthStart = (y, m) => new Date(Date.UTC(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1));

/**
 * The demo plan.
 * @param {DemoOptions} [options]
 * @returns {DemoPlan}
 */
export function generate(options = {}) {
  const seed = options.seed ?? 15;
  const scale = options.scale ?? 1;
  const live = options.viaAutomations === true;
  if (!(scale > 0)) throw new Error('scale must be above 0');
  /** @param {number} base */
  const count = (base) => Math.max(1, Math.round(base * scale));
  const today = new Date(`${options.today ?? iso(new Date())}T00:00:00Z`);
  const rnd = random(seed);
  /** @template T @param {readonly T[]} list @returns {T} */
  const pick = (list) => /** @type {T} */ (list[Math.floor(rnd() * list.length)]);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const roundTo = (value, unit) => Math.max(unit, Math.round(value / unit) * unit);
  /** A day within the last `days` days (today included), more of them recent when `recent`. */
  const dayWithin = (days, recent = false) => {
    const r = recent ? rnd() ** 1.6 : rnd();
    return new Date(today.getTime() - Math.floor(r * days) * DAY);
  };
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();

  /** @type {DemoDepartment[]} */
  const departments = [{ ref: 'sales', name: 'Sales' }];
  /** @type {DemoMember[]} */
  const members = [];
  let person = 0;
  const nameOf = () => {
    const name = `${FAMILY[person % FAMILY.length]} ${GIVEN[(person * 5 + Math.floor(person / 12)) % GIVEN.length]}`;
    person += 1;
    return name;
  };
  const member = (ref, roles, department, manager) => {
    members.push({
      ref,
      name: nameOf(),
      email: `${ref}@example.com`,
      roles: ['member', ...roles],
      department,
      ...(manager ? { manager } : {}),
    });
  };
  departments.push({ ref: 'finance', name: 'Finance' });
  member('director', ['sales_director'], 'sales');
  member('admin', ['sales_admin'], 'sales');
  member('finance1', ['finance'], 'finance');
  member('finance2', ['finance'], 'finance');
  /** @type {Array<{ ref: string, region: typeof REGIONS[number], manager: string, reps: string[] }>} */
  const teams = [];
  /** @type {Record<string, { team: string, region: string }>} */
  const repHome = {};
  let repNo = 0;
  for (const region of REGIONS) {
    departments.push({ ref: region.key, name: region.name, parent: 'sales' });
    member(`${region.key}.head`, ['sales_manager'], region.key, 'director');
    for (const n of [1, 2]) {
      const ref = `${region.key}${n}`;
      departments.push({ ref, name: `${region.name} ${n}`, parent: region.key });
      const manager = `${ref}.manager`;
      member(manager, ['sales_manager'], ref, `${region.key}.head`);
      const reps = [];
      for (let i = 0; i < 5; i++) {
        repNo += 1;
        const rep = `rep${String(repNo).padStart(2, '0')}`;
        member(rep, ['sales_rep'], ref, manager);
        reps.push(rep);
        repHome[rep] = { team: ref, region: region.key };
      }
      teams.push({ ref, region, manager, reps });
    }
  }
  const reps = teams.flatMap((t) => t.reps);
  /** Each rep's strength: how much they sell relative to the others (a leaderboard needs spread). */
  const strength = Object.fromEntries(reps.map((r) => [r, 0.6 + rnd() * 0.9]));

  // Customers, owned by the reps (a rep sees their own accounts).
  /** @type {Record<string, string[]>} */
  const customersOf = Object.fromEntries(reps.map((r) => [r, []]));
  /** @type {DemoRecord[]} */
  const customers = [];
  // At least one account per rep, so every rep can visit and sell at any scale.
  for (let i = 0; i < Math.max(reps.length, count(500)); i++) {
    const rep = reps[i % reps.length];
    const region = REGIONS.find((r) => r.key === repHome[rep].region) ?? REGIONS[0];
    const k = Math.floor(rnd() * region.provinces.length);
    const ref = `c${i + 1}`;
    customersOf[rep].push(ref);
    customers.push({
      ref,
      as: rep,
      data: {
        name: `${pick(COMPANY_A)}${pick(COMPANY_B)} ${pick(COMPANY_C)} ${i + 1}`,
        owner: { $member: rep },
        industry: pick(['it', 'manufacturing', 'retail', 'finance', 'healthcare']),
        region: region.key,
        level: rnd() < 0.2 ? 'A' : rnd() < 0.55 ? 'B' : 'C',
        province: region.provinces[k] ?? region.provinces[0],
        city: region.cities[Math.min(k, region.cities.length - 1)],
        phone: `1${int(30, 89)}${String(int(0, 99_999_999)).padStart(8, '0')}`,
      },
    });
  }

  // Visits over the last year, more from stronger reps.
  /** @type {DemoRecord[]} */
  const visits = [];
  const weights = reps.map((r) => strength[r]);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const repByWeight = () => {
    let x = rnd() * totalWeight;
    for (const [i, w] of weights.entries()) {
      x -= w;
      if (x <= 0) return reps[i];
    }
    return reps[reps.length - 1];
  };
  for (let i = 0; i < count(3000); i++) {
    const rep = repByWeight();
    visits.push({
      as: rep,
      data: {
        customer: { $record: pick(customersOf[rep]) },
        owner: { $member: rep },
        visitDate: iso(dayWithin(365, true)),
        method: pick(['onsite', 'onsite', 'phone', 'online']),
        summary: pick(['Needs review', 'Demo of the platform', 'Pricing discussion', 'Quarterly check-in']),
        nextStep: pick(['Send proposal', 'Book a demo', 'Follow up next week', 'Introduce engineer']),
      },
    });
  }

  // Opportunities: how far each got, then lost or still open; won ones close on a day of the year.
  /** @type {DemoRecord[]} */
  const opportunities = [];
  /** @type {Array<{ ref: string, rep: string, amount: number, line: string, closedOn: string }>} */
  const won = [];
  /** @type {Array<{ ref: string, rep: string, amount: number, line: string, reached: number }>} */
  const proposals = [];
  /** Live variant: what the reps change after writing (won ones through the automations, lost ones). */
  /** @type {Array<{ record: string, as: string, data: Record<string, unknown> }>} */
  const lostOnes = [];
  /** @type {Array<{ record: string, as: string, data: Record<string, unknown> }>} */
  const wonOnes = [];
  /** @type {Array<{ record: string, data: Record<string, unknown> }>} */
  const highest = [];
  // At least one deal per rep at any scale; the rest go to the stronger reps more often.
  for (let i = 0; i < Math.max(reps.length, count(1200)); i++) {
    const rep = i < reps.length ? (reps[i] ?? reps[0]) : repByWeight();
    let x = rnd();
    let reached = 0;
    while (reached < REACHED.length - 1 && x > (REACHED[reached] ?? 0)) {
      x -= REACHED[reached] ?? 0;
      reached += 1;
    }
    const line = pick(['cloud', 'hardware', 'services']);
    const amount = roundTo(50_000 + rnd() ** 2 * 1_200_000, 1000);
    const ref = `o${i + 1}`;
    // Most opportunities that stopped short of winning were lost on the way; the rest are still open.
    const lost = reached < 4 && rnd() < 0.55;
    const closedOn = reached === 4 || lost ? iso(dayWithin(365, true)) : undefined;
    const expectedClose = iso(new Date(today.getTime() + int(-20, 120) * DAY));
    const data = {
      name: `${line === 'cloud' ? 'Cloud' : line === 'hardware' ? 'Hardware' : 'Services'} deal ${i + 1}`,
      customer: { $record: pick(customersOf[rep]) },
      owner: { $member: rep },
      amount,
      productLine: line,
      expectedClose: closedOn ?? expectedClose,
    };
    if (live) {
      // Written at the furthest stage reached short of won; won and lost ones move on afterwards.
      const stage = STAGES[Math.min(reached, 3)];
      opportunities.push({ ref, as: rep, data: { ...data, stage } });
      highest.push({ record: ref, data: { highestStage: stage } });
      if (lost) lostOnes.push({ record: ref, as: rep, data: { stage: 'lost', closedOn } });
      if (reached === 4) wonOnes.push({ record: ref, as: rep, data: { stage: 'won', closedOn } });
    } else {
      // Written as they are now, with the highestStage track_highest_stage would have raised it to: on
      // behalf of their rep (the owner writes it, as the automation does; a rep may not).
      opportunities.push({
        ref,
        owner: rep,
        data: {
          ...data,
          stage: lost ? 'lost' : (STAGES[reached] ?? 'lead'),
          highestStage: STAGES[reached] ?? 'lead',
          ...(closedOn ? { closedOn } : {}),
        },
      });
    }
    if (reached === 4 && closedOn) won.push({ ref, rep, amount, line, closedOn });
    if (reached >= 2) proposals.push({ ref, rep, amount, line, reached });
  }

  // The contract create_contract_on_win writes for each won opportunity: same owner, amount and day.
  /** @type {DemoRecord[]} */
  const contracts = won.map((w) => ({
    ref: `k.${w.ref}`,
    owner: w.rep,
    data: {
      opportunity: { $record: w.ref },
      amount: w.amount,
      owner: { $member: w.rep },
      signedOn: w.closedOn,
    },
  }));

  // Quotes with items for what reached a proposal; a few open ones ask for a big discount (approvals).
  /** @type {DemoRecord[]} */
  const quotes = [];
  /** Quotes their reps submit: they go through quote_approval (large ones wait in the inboxes). */
  /** @type {DemoRecord[]} */
  const openQuotes = [];
  let waiting = 0;
  for (const p of proposals) {
    const lineProducts = PRODUCTS.filter((x) => x[0] === p.line);
    const bigAsk = p.reached < 4 && waiting < count(12) && rnd() < 0.3;
    if (bigAsk) waiting += 1;
    const items = [];
    let left = p.amount;
    for (let k = 0; k < 3 && left > 0; k++) {
      const [, product, price] = lineProducts[k % lineProducts.length] ?? PRODUCTS[0];
      const unitPrice = Number(price);
      const share = k === 2 ? left : Math.min(left, roundTo(p.amount * (0.3 + rnd() * 0.3), unitPrice));
      const qty = Math.max(1, Math.round(share / unitPrice));
      items.push({
        product,
        qty,
        unitPrice,
        discount: bigAsk ? 0.2 : pick([0, 0.05, 0.1]),
      });
      left -= qty * unitPrice;
    }
    const quote = {
      as: p.rep,
      data: {
        opportunity: { $record: p.ref },
        items,
        validUntil: iso(new Date(today.getTime() + 30 * DAY)),
        note: bigAsk ? 'Strategic account: asks for 20% off' : '',
      },
    };
    // The first FLOW_QUOTES quotes go through quote_approval as their reps submit them (a flow start is a
    // few writes of its own: at benchmark scale the rest are a bulk load, as history).
    (openQuotes.length < FLOW_QUOTES ? openQuotes : quotes).push(quote);
  }

  // Payments on most contracts (the live variant finds the automation's contract by its opportunity).
  /** @type {DemoRecord[]} */
  const payments = [];
  for (const w of won) {
    if (rnd() < 0.15) continue;
    const parts = rnd() < 0.4 ? [0.5, 0.5] : [1];
    let paidOn = new Date(`${w.closedOn}T00:00:00Z`);
    for (const part of parts) {
      paidOn = new Date(Math.min(today.getTime(), paidOn.getTime() + int(5, 45) * DAY));
      payments.push({
        as: w.rep,
        data: {
          contract: live
            ? { $find: { form: 'contracts', field: 'opportunity', record: w.ref } }
            : { $record: `k.${w.ref}` },
          amount: Math.round(w.amount * part),
          paidOn: iso(paidOn),
          method: pick(['transfer', 'transfer', 'cheque']),
        },
      });
    }
  }

  // Targets: rep months from each rep's strength, summed up to rep, team, region and company years.
  const months = Array.from({ length: 12 }, (_, k) => monthStart(y, m - 11 + k));
  const years = [...new Set(months.map((d) => d.getUTCFullYear()))];
  /** @type {Record<string, number[]>} */
  const repMonths = {};
  const wonPerRepMonth = (won.reduce((a, w) => a + w.amount, 0) / (reps.length * 12)) * 1.05;
  for (const rep of reps) {
    repMonths[rep] = months.map((d) => {
      const season = 0.85 + 0.3 * Math.sin(((d.getUTCMonth() + 1) / 12) * Math.PI);
      return roundTo(wonPerRepMonth * season * (0.7 + 0.3 * strength[rep]), 10_000);
    });
  }
  /** @type {DemoStep[]} */
  const targetSteps = [];
  const level = (name, records) => {
    targetSteps.push({ kind: 'records', form: 'targets', label: `targets (${name})`, records });
  };
  const yearAmount = (list, year) =>
    list.reduce(
      (sum, rep) =>
        sum +
        months.reduce((s, d, k) => s + (d.getUTCFullYear() === year ? (repMonths[rep]?.[k] ?? 0) : 0), 0),
      0,
    );
  const yearTarget = (ref, name, year, lvl, fields, parent, amount, method) => ({
    ref,
    as: 'admin',
    data: {
      name,
      periodType: 'year',
      periodStart: `${year}-01-01`,
      level: lvl,
      ...fields,
      ...(parent ? { parent: { $record: parent } } : {}),
      metric: 'revenue',
      amount,
      method,
    },
  });
  level(
    'company',
    years.map((year) =>
      yearTarget(
        `t${year}`,
        `Company ${year}`,
        year,
        'company',
        { assigneeDept: { $department: 'sales' } },
        undefined,
        yearAmount(reps, year),
        'history',
      ),
    ),
  );
  level(
    'region',
    years.flatMap((year) =>
      REGIONS.map((region) =>
        yearTarget(
          `t${year}.${region.key}`,
          `${region.name} ${year}`,
          year,
          'region',
          { assigneeDept: { $department: region.key }, assignee: { $member: `${region.key}.head` } },
          `t${year}`,
          yearAmount(
            teams.filter((t) => t.region === region).flatMap((t) => t.reps),
            year,
          ),
          'equal',
        ),
      ),
    ),
  );
  level(
    'team',
    years.flatMap((year) =>
      teams.map((team) =>
        yearTarget(
          `t${year}.${team.ref}`,
          `Team ${team.ref} ${year}`,
          year,
          'team',
          { assigneeDept: { $department: team.ref }, assignee: { $member: team.manager } },
          `t${year}.${team.region.key}`,
          yearAmount(team.reps, year),
          'manual',
        ),
      ),
    ),
  );
  level(
    'rep',
    years.flatMap((year) =>
      reps.map((rep) =>
        yearTarget(
          `t${year}.${rep}`,
          `${rep} ${year}`,
          year,
          'rep',
          { assignee: { $member: rep }, assigneeDept: { $department: repHome[rep].team } },
          `t${year}.${repHome[rep].team}`,
          yearAmount([rep], year),
          'seasonal',
        ),
      ),
    ),
  );
  level(
    'month',
    reps.flatMap((rep) =>
      months.map((d, k) => ({
        as: 'admin',
        data: {
          name: `${rep} ${iso(d).slice(0, 7)}`,
          periodType: 'month',
          periodStart: iso(d),
          level: 'rep',
          assignee: { $member: rep },
          assigneeDept: { $department: repHome[rep].team },
          parent: { $record: `t${d.getUTCFullYear()}.${rep}` },
          metric: 'revenue',
          amount: repMonths[rep]?.[k] ?? 0,
          method: 'manual',
        },
      })),
    ),
  );

  // Two plans: last year's graduated plan on booked revenue, this year's retroactive one with a cap.
  const plans = [
    {
      as: 'admin',
      data: {
        name: `Standard ${y - 1} (graduated, booked)`,
        basis: 'booked',
        mode: 'graduated',
        tiers: TIERS,
        validFrom: `${y - 1}-01-01`,
        validTo: `${y - 1}-12-31`,
      },
    },
    {
      as: 'admin',
      data: {
        name: `Accelerator ${y} (retroactive, capped at 150%)`,
        basis: 'booked',
        mode: 'retroactive',
        tiers: [
          { from: 0, to: 0.8, rate: 0.02 },
          { from: 0.8, to: 1.2, rate: 0.04 },
          { from: 1.2, rate: 0.06 },
        ],
        capAttainment: 1.5,
        validFrom: `${y}-01-01`,
      },
    },
  ];
  const indicators = [
    { name: 'Revenue', kind: 'result', weight: 0.5, target: 0, rule: 'linear-capped', cap: 1.2 },
    { name: 'Collections', kind: 'result', weight: 0.3, target: 0, rule: 'linear-capped', cap: 1.2 },
    { name: 'Visits', kind: 'behaviour', weight: 0.2, target: 8, rule: 'linear-capped', cap: 1.2 },
  ];
  const scorecardTemplates = [
    { ref: 'st.rep', as: 'admin', data: { name: 'Rep monthly', indicators } },
    {
      ref: 'st.new',
      as: 'admin',
      data: {
        name: 'New hire (first quarter)',
        indicators: [
          { name: 'Visits', kind: 'behaviour', weight: 0.6, target: 12, rule: 'linear-capped', cap: 1.2 },
          {
            name: 'Proposals',
            kind: 'process',
            weight: 0.4,
            target: 3,
            rule: 'threshold-target-stretch',
            threshold: 0.5,
            cap: 1.5,
          },
        ],
      },
    },
  ];

  // Last month's scorecards (by each rep's manager) from what the rep did that month.
  const last = monthStart(y, m - 1);
  const lastKey = iso(last).slice(0, 7);
  const lastIndex = 10;
  const scorecards = reps.map((rep) => {
    const team = teams.find((t) => t.reps.includes(rep));
    const booked = won
      .filter((w) => w.rep === rep && w.closedOn.startsWith(lastKey))
      .reduce((a, w) => a + w.amount, 0);
    const visited = visits.filter((v) => v.as === rep && String(v.data.visitDate).startsWith(lastKey)).length;
    const target = repMonths[rep]?.[lastIndex] ?? 1;
    return {
      as: team?.manager,
      data: {
        rep: { $member: rep },
        periodType: 'month',
        periodStart: iso(last),
        template: { $record: 'st.rep' },
        indicators: [
          { ...indicators[0], target, actual: booked },
          {
            ...indicators[1],
            target: Math.round(target * 0.8),
            actual: Math.round(booked * (0.6 + rnd() * 0.3)),
          },
          { ...indicators[2], actual: visited },
        ],
        comment: booked >= target ? 'Strong month' : 'Keep the pipeline moving',
      },
    };
  });
  const ranked = [...reps].sort((a, b) => strength[b] - strength[a]);
  const awards = ranked.slice(0, 3).map((rep, i) => ({
    as: 'admin',
    data: {
      periodType: 'month',
      periodStart: iso(last),
      member: { $member: rep },
      title: ['Sales star', 'Rising star', 'Best collector'][i],
      reason: 'Top of the leaderboard last month',
      bonus: [5000, 3000, 2000][i],
      rating: 5 - i,
    },
  }));

  /** The business of the year: customers, visits, opportunities, contracts, payments, closed deals' quotes. */
  const businessSteps = () =>
    /** @type {DemoStep[]} */ (
      live
        ? [
            { kind: 'records', form: 'customers', records: customers },
            { kind: 'records', form: 'visits', records: visits },
            // The live variant: opportunities are written at the furthest stage reached short of won, the
            // owner writes the highestStage track_highest_stage would have set, the won ones are won by
            // their reps (the automations raise highestStage and create the contracts) and the ones that
            // fell through move on to lost. A run per won deal: slow, kept to prove the bulk plan equal.
            { kind: 'records', form: 'opportunities', records: opportunities, bulk: true },
            {
              kind: 'updates',
              form: 'opportunities',
              label: 'opportunities reached',
              records: highest,
              bulk: true,
            },
            { kind: 'updates', form: 'opportunities', label: 'opportunities won', records: wonOnes },
            {
              kind: 'updates',
              form: 'opportunities',
              label: 'opportunities lost',
              records: lostOnes,
              bulk: true,
            },
            { kind: 'records', form: 'payments', records: payments },
            { kind: 'records', form: 'quotes', label: 'quotes (bulk)', records: quotes, bulk: true },
          ]
        : [
            // A bulk load: every record written once, as it is now, in batches; automations that act on
            // single writes do not fire (none runs per record), so the plan writes what they would have:
            // highestStage and the contracts of the won deals, on behalf of their reps.
            { kind: 'records', form: 'customers', records: customers, bulk: true },
            { kind: 'records', form: 'visits', records: visits, bulk: true },
            { kind: 'records', form: 'opportunities', records: opportunities, bulk: true },
            { kind: 'records', form: 'contracts', records: contracts, bulk: true },
            { kind: 'records', form: 'payments', records: payments, bulk: true },
            { kind: 'records', form: 'quotes', label: 'quotes (bulk)', records: quotes, bulk: true },
          ]
    );

  return {
    password: 'Demo-Formloom-2026',
    departments,
    members,
    signIn: [
      { label: 'owner' },
      { member: 'director', label: 'sales director' },
      { member: teams[0]?.manager, label: 'team manager' },
      { member: reps[0], label: 'sales rep' },
      { member: 'finance1', label: 'finance' },
    ],
    steps: [
      { kind: 'records', form: 'commission_plans', records: plans },
      { kind: 'records', form: 'scorecard_templates', records: scorecardTemplates },
      ...businessSteps(),
      // Targets after the business they measure: each computes its actuals once as it is written, instead
      // of every earlier write recomputing every target.
      ...targetSteps,
      { kind: 'automation', automation: 'monthly_statements' },
      { kind: 'records', form: 'scorecards', records: scorecards },
      { kind: 'records', form: 'awards', records: awards },
      // Last: quotes submitted through quote_approval; the large ones of open deals wait in the inboxes.
      { kind: 'records', form: 'quotes', label: 'quotes (submitted)', records: openQuotes, startFlows: true },
    ],
  };
}

export default generate;
