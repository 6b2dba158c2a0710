// Benchmark (pnpm --filter @formloom/formula run bench): compiled formulas vs hand-written JS closures
// computing the same values in the same run, plus parse+compile time cold and warm. Prints ratios and
// the machine load; no asserts. BENCH_RECORDS (default 1,000,000), BENCH_COLD_RUNS (default 3).
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compile, type FieldTypeMap, roundHalfAwayFromZero } from '../src/index.js';
import { compileCorpus, corpusFields } from './compile-corpus.js';

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
console.log(
  `evaluate: ${formulas.length} formula fields × ${RECORDS.toLocaleString('en')} records (load ${(os.loadavg()[0] ?? 0).toFixed(2)})`,
);
console.log(
  `  formula engine : ${engineMs.toFixed(0)} ms (${((evaluations / engineMs) * 1000).toExponential(2)} evaluations/s)`,
);
console.log(`  hand-written JS: ${handMs.toFixed(0)} ms`);
console.log(`  throughput ratio engine/hand = ${(handMs / engineMs).toFixed(2)} (goal ≥ 0.3)`);

// Parse + type-check + compile of 1,000 distinct formulas of the shapes forms use (compile-corpus.ts):
// first in fresh processes (nothing parsed or JIT-compiled yet, as right after a server start), then
// warm in this process. The machine load is printed because both figures move with it.
const sources = compileCorpus();
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 3);
const cold: number[] = [];
const coldCpu: number[] = [];
const loadBefore = os.loadavg()[0] ?? 0;
for (let i = 0; i < coldRuns; i++) {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(new URL('./compile-cold.ts', import.meta.url))],
    { encoding: 'utf8' },
  );
  const run = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { firstMs: number; cpuMs: number };
  cold.push(run.firstMs);
  coldCpu.push(run.cpuMs);
}
const warmCpu: number[] = [];
const compileAll = () => {
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (const s of sources) compile(s, corpusFields);
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  warmCpu.push((used.user + used.system) / 1000);
  return ms;
};
const firstInProcessMs = compileAll();
warmCpu.length = 0;
const warm = Array.from({ length: 15 }, compileAll);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
console.log('parse + type-check + compile 1,000 distinct formulas (goal < 200 ms)');
console.log(
  `  cold, first run in a fresh process: ${cold.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (median ${median(cold).toFixed(0)} ms; ` +
    `CPU time median ${median(coldCpu).toFixed(0)} ms)`,
);
console.log(
  `  warm, median of 15 runs: ${median(warm).toFixed(1)} ms (best ${Math.min(...warm).toFixed(1)} ms; ` +
    `CPU time median ${median(warmCpu).toFixed(1)} ms; first in this process, after the evaluation part: ` +
    `${firstInProcessMs.toFixed(0)} ms)`,
);
const loadAfter = os.loadavg()[0] ?? 0;
console.log(
  `  machine load (1-min average) ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${os.cpus().length} cores`,
);
console.log(`(checksum ${sink.toExponential(3)})`);
