/**
 * Report benchmark: a widget's compiled pipeline run by mingo (the aggregation engine the embedded store
 * falls back to for expression stages) and shaped, against a hand-written loop computing the same
 * groups over the same records, measured in the same run. Prints times and the ratio. Plain groups run
 * faster in the embedded store itself (a generated loop, not mingo): apps/server's
 * src/modules/reports/reports.bench.ts measures the whole route there.
 *
 *   node --conditions=source --import tsx scripts/bench.ts [records]
 */
import type { Widget } from '@formloom/schema';
import { Aggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import * as accumulatorOps from 'mingo/operators/accumulator';
import * as expressionOps from 'mingo/operators/expression';
import * as pipelineOps from 'mingo/operators/pipeline';
import * as projectionOps from 'mingo/operators/projection';
import * as queryOps from 'mingo/operators/query';
import { compileReport, type ReportField, shapeReport } from '../src/index.js';

const context = Context.init({
  accumulator: accumulatorOps,
  expression: expressionOps,
  pipeline: pipelineOps,
  projection: projectionOps,
  query: queryOps,
});

const count = Number(process.argv[2] ?? 100_000);
const regions = ['north', 'south', 'east', 'west', 'central'];
const docs = Array.from({ length: count }, (_, i) => ({
  ws: 'w1',
  form: 'f1',
  owner: `u${i % 50}`,
  data: {
    region: regions[i % regions.length],
    amount: (i * 37) % 1000,
    closeDate: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
  },
}));
const fields = new Map<string, ReportField>([
  ['region', { path: 'data.region', kind: 'id' }],
  ['amount', { path: 'data.amount', kind: 'number' }],
  ['closeDate', { path: 'data.closeDate', kind: 'date' }],
]);

function widget(spec: Partial<Widget>): Widget {
  return { key: 'w', title: { en: 'W' }, source: { form: 'f' }, type: 'bar', ...spec } as Widget;
}

function viaPipeline(w: Widget): unknown {
  const compiled = compileReport(w, { fields, match: { ws: 'w1', form: 'f1' } });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.issues));
  const rows = new Aggregator(compiled.query.pipeline, { context }).run(docs) as Record<string, unknown>[];
  return shapeReport(compiled.query.plan, rows).rows;
}

/** The same report written by hand: one pass, a Map of groups, then sorted. */
function byHand(key: (d: (typeof docs)[number]) => string): unknown {
  const groups = new Map<string, { sum: number; count: number }>();
  for (const d of docs) {
    if (d.ws !== 'w1' || d.form !== 'f1') continue;
    const k = key(d);
    let g = groups.get(k);
    if (!g) {
      g = { sum: 0, count: 0 };
      groups.set(k, g);
    }
    g.sum += d.data.amount;
    g.count += 1;
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function time(fn: () => unknown, rounds = 5): number {
  fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i += 1) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / rounds;
}

const measures = [{ aggregate: 'sum' as const, field: 'amount' }, { aggregate: 'count' as const }];
const cases: [string, Widget, (d: (typeof docs)[number]) => string][] = [
  [
    'group by a field (plain group)',
    widget({ dimensions: [{ field: 'region' }], measures }),
    (d) => d.data.region ?? '',
  ],
  [
    'group by month of a calendar date (days merged in shaping)',
    widget({ type: 'line', dimensions: [{ field: 'closeDate', granularity: 'month' }], measures }),
    (d) => d.data.closeDate.slice(0, 7),
  ],
  [
    'group by month of a calendar date with an average (expression stages)',
    widget({
      type: 'line',
      dimensions: [{ field: 'closeDate', granularity: 'month' }],
      measures: [...measures, { aggregate: 'avg', field: 'amount' }],
    }),
    (d) => d.data.closeDate.slice(0, 7),
  ],
];
console.info(`report bench: ${count} records`);
for (const [name, w, key] of cases) {
  const pipeline = time(() => viaPipeline(w));
  const hand = time(() => byHand(key));
  console.info(
    `${name}: pipeline (mingo) ${pipeline.toFixed(1)} ms, hand-written loop ${hand.toFixed(1)} ms, ratio ${(pipeline / hand).toFixed(1)}x`,
  );
}
