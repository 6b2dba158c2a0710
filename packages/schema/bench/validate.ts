// Benchmark of the schema package: compile and validation costs, each printed with its ratio to a baseline
// measured in the same run (a JSON round trip of the same data), so figures compare across machines.
// Run: pnpm --filter @formloom/schema bench
import { performance } from 'node:perf_hooks';
import { salesPack } from '../src/__tests__/fixtures/sales-pack.js';
import {
  type Field,
  type Form,
  stripComputed,
  validateSubmission,
  validateTemplatePack,
} from '../src/index.js';

const label = { en: 'L' };
const ID = '65a1b2c3d4e5f60718293a4b';

/** Median milliseconds of `fn` over `runs` runs after `warm` warm-up runs. */
function measure(fn: () => void, runs: number, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const roundTrip = (data: unknown) => () => {
  JSON.parse(JSON.stringify(data));
};

// A form of 20 fields: 14 inputs, 5 formulas and 1 rollup (the create-record benchmark shape).
const fields: Field[] = [
  { key: 'title', type: 'text', label, required: true },
  { key: 'notes', type: 'textarea', label },
  { key: 'qty', type: 'number', label, precision: 0, validation: { min: 0 } },
  { key: 'price', type: 'money', label, currency: 'CNY' },
  { key: 'discount', type: 'percent', label },
  { key: 'due', type: 'date', label },
  { key: 'at', type: 'datetime', label },
  { key: 'kind', type: 'select', label, options: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] },
  { key: 'tags', type: 'multiselect', label, options: [{ value: 'x' }, { value: 'y' }] },
  { key: 'done', type: 'switch', label },
  { key: 'owner', type: 'member', label },
  { key: 'mail', type: 'email', label },
  { key: 'site', type: 'url', label },
  { key: 'customer', type: 'relation', label, form: 'customers' },
  ...[1, 2, 3, 4, 5].map(
    (i): Field => ({ key: `f${i}`, type: 'formula', label, expression: `qty * price * ${i}` }),
  ),
  { key: 'spent', type: 'rollup', label, form: 'orders', field: 'amount', aggregate: 'sum' },
];
const form20: Form = { key: 'bench', name: label, fields };
const record20 = {
  title: 'Order',
  notes: 'Some notes',
  qty: 3,
  price: 19.99,
  discount: 0.15,
  due: '2026-02-28',
  at: '2026-01-31T09:30:00Z',
  kind: 'b',
  tags: ['x'],
  done: false,
  owner: ID,
  mail: 'a@example.com',
  site: 'https://example.com',
  customer: ID,
};

// A subform of 2,000 rows with two formula columns (the data-grid benchmark shape).
const gridForm: Form = {
  key: 'grid',
  name: label,
  fields: [
    { key: 'title', type: 'text', label },
    {
      key: 'items',
      type: 'subform',
      label,
      maxRows: 5000,
      columns: [
        { key: 'product', type: 'text', label, required: true },
        { key: 'qty', type: 'number', label, precision: 0, validation: { min: 1 } },
        { key: 'unitPrice', type: 'money', label, currency: 'CNY' },
        { key: 'discount', type: 'percent', label },
        { key: 'lineTotal', type: 'formula', label, expression: 'qty * unitPrice * (1 - discount)' },
        { key: 'tax', type: 'formula', label, expression: 'lineTotal * 0.13' },
      ],
    },
  ],
};
const rows = Array.from({ length: 2000 }, (_, i) => ({
  product: `P${i}`,
  qty: (i % 9) + 1,
  unitPrice: Math.round(i * 137.31) / 100,
  discount: (i % 5) / 20,
  lineTotal: 1,
  tax: 1,
}));
const grid = { title: 'Big quote', items: rows };

const results: Array<[string, number, number]> = [];
function report(name: string, ms: number, baselineMs: number) {
  results.push([name, ms, baselineMs]);
}

// Compile baseline: a one-field form, compiled after the shared ajv instance exists.
const tiny = (): Form => ({ key: 'tiny', name: label, fields: [{ key: 'a', type: 'text', label }] });
validateSubmission(tiny(), { a: 'x' });
const compileBaseline = measure(() => validateSubmission(tiny(), { a: 'x' }), 21, 2);
report(
  'compile 20-field submission validator (cold) / 1-field',
  measure(() => validateSubmission({ ...form20 }, record20), 11, 1),
  compileBaseline,
);
report(
  'validate 20-field record / JSON round trip',
  measure(() => validateSubmission(form20, record20), 2001),
  measure(roundTrip(record20), 2001),
);

const stripped = stripComputed(gridForm, grid);
if (validateSubmission(gridForm, stripped).length > 0) throw new Error('grid data should be valid');
const gridBase = measure(roundTrip(grid), 51);
report(
  'validate 2,000-row subform / JSON round trip',
  measure(() => validateSubmission(gridForm, stripped), 51),
  gridBase,
);
report(
  'stripComputed + validate 2,000 rows / JSON round trip',
  measure(() => validateSubmission(gridForm, stripComputed(gridForm, grid)), 51),
  gridBase,
);
const bad = {
  ...stripped,
  items: (stripped.items as object[]).map((r, i) => (i % 100 === 0 ? { ...r, qty: 0 } : r)),
};
if (validateSubmission(gridForm, bad).length !== 20) throw new Error('expected 20 issues');
report(
  'validate 2,000 rows with 20 bad / JSON round trip',
  measure(() => validateSubmission(gridForm, bad), 51),
  gridBase,
);

const tp = performance.now();
validateTemplatePack({});
const compilePack = performance.now() - tp;
report('compile template-pack validator (cold) / 1-field', compilePack, compileBaseline);
report(
  'validate sales pack (12 forms, warm) / JSON round trip',
  measure(() => validateTemplatePack(salesPack), 51),
  measure(roundTrip(salesPack), 51),
);

const w = Math.max(...results.map(([n]) => n.length));
console.log(`${'benchmark / baseline'.padEnd(w)}   median ms   baseline ms   ratio`);
for (const [name, ms, base] of results) {
  console.log(
    `${name.padEnd(w)}   ${ms.toFixed(3).padStart(9)}   ${base.toFixed(3).padStart(11)}   ${(ms / base).toPrecision(3).padStart(7)}x`,
  );
}
