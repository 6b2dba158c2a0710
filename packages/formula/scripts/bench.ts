// Benchmark (pnpm --filter @formloom/formula run bench): compiled formulas vs hand-written JS closures
// computing the same values in the same run, plus parse+compile throughput. Prints ratios; no asserts.
import { performance } from 'node:perf_hooks';
import { compile, type FieldTypeMap, roundHalfAwayFromZero } from '../src/index.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const fields: FieldTypeMap = {
  price: 'money',
  qty: 'number',
  discount: 'percent',
  cost: 'money',
  region: 'select',
};

type Row = { price: number; qty: number; discount: number; cost: number; region: string };
const regions = ['East', 'North', 'South', 'West'];
const rows: Row[] = [];
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
for (let i = 0; i < RECORDS; i++) {
  rows.push({
    price: Math.round(rand() * 100_000) / 100,
    qty: 1 + Math.floor(rand() * 20),
    discount: Math.round(rand() * 30) / 100,
    cost: Math.round(rand() * 50_000) / 100,
    region: regions[i % 4] as string,
  });
}

const tiers = { thresholds: [0, 1000, 5000], rates: [0.01, 0.02, 0.03] };
const formulas: Array<[string, (r: Row) => unknown]> = [
  ['price * qty * (1 - discount)', (r) => r.price * r.qty * (1 - r.discount)],
  [
    'ROUND(price * qty * (1 - discount), 2)',
    (r) => roundHalfAwayFromZero(r.price * r.qty * (1 - r.discount), 2),
  ],
  ['IF(qty > 10, price * 0.9, price)', (r) => (r.qty > 10 ? r.price * 0.9 : r.price)],
  ['price * qty - cost', (r) => r.price * r.qty - r.cost],
  [
    '(price * qty - cost) / MAX(price * qty, 1)',
    (r) => (r.price * r.qty - r.cost) / Math.max(r.price * r.qty, 1),
  ],
  ['region & "-" & qty', (r) => `${r.region}-${r.qty}`],
  ['qty >= 5 and discount < 0.2', (r) => r.qty >= 5 && r.discount < 0.2],
  ['ABS(price - cost)', (r) => Math.abs(r.price - r.cost)],
  [
    'TIERED(price * qty, [0, 1000, 5000], [0.01, 0.02, 0.03], "graduated")',
    (r) => {
      // What one would write by hand: the graduated tier loop over constant tables.
      const value = r.price * r.qty;
      let total = 0;
      for (let i = 0; i < tiers.thresholds.length; i++) {
        const from = tiers.thresholds[i] as number;
        const to = tiers.thresholds[i + 1] ?? Number.POSITIVE_INFINITY;
        const slice = Math.min(value, to) - from;
        if (slice > 0) total += slice * (tiers.rates[i] as number);
      }
      return total;
    },
  ],
  ['IF(region = "East", 1, 0) + qty % 3', (r) => (r.region === 'East' ? 1 : 0) + (r.qty % 3)],
];

const compiled = formulas.map(([source]) => compile(source, fields));
const hand = formulas.map(([, fn]) => fn);

// Same values first: a benchmark of wrong answers proves nothing.
for (let i = 0; i < 1000; i++) {
  const row = rows[i] as Row;
  compiled.forEach((f, k) => {
    const a = f.evaluate(row);
    const b = hand[k]?.(row);
    if (typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) > 1e-9 : a !== b) {
      throw new Error(`mismatch in ${formulas[k]?.[0]} on row ${i}: ${String(a)} vs ${String(b)}`);
    }
  });
}

const options = { now: new Date() };
// Every value feeds the sink so the optimiser cannot drop any computation on either side.
const consume = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' ? v.length : v === true ? 1 : 0;
let sink = 0;
function runEngine(): number {
  for (const row of rows) for (const f of compiled) sink += consume(f.evaluate(row, options));
  return sink;
}
function runHand(): number {
  for (const row of rows) for (const f of hand) sink += consume(f(row));
  return sink;
}
function time(fn: () => number): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

if (process.env.BENCH_DETAIL) {
  formulas.forEach(([source], k) => {
    const f = compiled[k];
    const h = hand[k];
    if (!f || !h) return;
    const best = (fn: () => void) =>
      Math.min(
        ...[0, 1, 2].map(() =>
          time(() => {
            fn();
            return 0;
          }),
        ),
      );
    const e = best(() => {
      for (const row of rows) sink += consume(f.evaluate(row, options));
    });
    const m = best(() => {
      for (const row of rows) sink += consume(h(row));
    });
    console.log(`  ${(m / e).toFixed(2)}  engine ${e.toFixed(0)} ms  hand ${m.toFixed(0)} ms  ${source}`);
  });
}

// Warm both paths, then take the best of three so GC noise does not decide the ratio.
runEngine();
runHand();
const engineMs = Math.min(time(runEngine), time(runEngine), time(runEngine));
const handMs = Math.min(time(runHand), time(runHand), time(runHand));
const evaluations = RECORDS * formulas.length;
console.log(`evaluate: ${formulas.length} formula fields × ${RECORDS.toLocaleString('en')} records`);
console.log(
  `  formula engine : ${engineMs.toFixed(0)} ms (${((evaluations / engineMs) * 1000).toExponential(2)} evaluations/s)`,
);
console.log(`  hand-written JS: ${handMs.toFixed(0)} ms`);
console.log(`  throughput ratio engine/hand = ${(handMs / engineMs).toFixed(2)} (goal ≥ 0.3)`);

// Parse + type-check + compile of 1,000 distinct formulas.
const templates = [
  (i: number) => `ROUND(price * ${i} + qty / ${i + 1}, 2)`,
  (i: number) => `IF(qty > ${i}, "big${i}", region & "${i}")`,
  (i: number) => `SUM([price, cost, ${i}]) * (1 - discount) - ${i}`,
  (i: number) =>
    `TIERED(price * qty, [0, ${i * 10}, ${i * 100 + 1}], [0.01, 0.02, 0.0${(i % 9) + 1}], "retroactive")`,
  (i: number) => `AND(qty >= ${i % 20}, discount < 0.${i}, region <> "R${i}")`,
];
const sources = Array.from({ length: 1000 }, (_, i) =>
  (templates[i % templates.length] as (n: number) => string)(i),
);
if (new Set(sources).size !== 1000) throw new Error('sources are not distinct');
const compileAll = () => {
  const t = performance.now();
  for (const s of sources) compile(s, fields);
  return performance.now() - t;
};
const firstMs = compileAll();
const warmMs = Math.min(compileAll(), compileAll(), compileAll());
console.log('parse + compile 1,000 distinct formulas (goal < 200 ms)');
console.log(`  first run: ${firstMs.toFixed(1)} ms, warm: ${warmMs.toFixed(1)} ms`);
console.log(`(checksum ${sink.toExponential(3)})`);
