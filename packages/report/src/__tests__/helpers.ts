import type { Widget } from '@formloom/schema';
import { Aggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import * as accumulatorOps from 'mingo/operators/accumulator';
import * as expressionOps from 'mingo/operators/expression';
import * as pipelineOps from 'mingo/operators/pipeline';
import * as projectionOps from 'mingo/operators/projection';
import * as queryOps from 'mingo/operators/query';
import { expect } from 'vitest';
import { type CompileReportOptions, compileReport } from '../compile.js';
import { shapeReport } from '../shape.js';
import type { ReportField, ReportQuery, ReportResult } from '../types.js';

const context = Context.init({
  accumulator: accumulatorOps,
  expression: expressionOps,
  pipeline: pipelineOps,
  projection: projectionOps,
  query: queryOps,
});

/** Runs a pipeline over documents with mingo, the aggregation engine behind the embedded store. */
export function aggregate(pipeline: readonly object[], docs: readonly object[]): Record<string, unknown>[] {
  return new Aggregator([...pipeline] as Record<string, unknown>[], { context }).run(
    docs as Record<string, unknown>[],
  ) as Record<string, unknown>[];
}

/** The fields of the test form, as the server derives them from a form definition. */
export const fields = new Map<string, ReportField>([
  ['region', { path: 'data.region', kind: 'id', label: { en: 'Region' } }],
  ['name', { path: 'data.name', kind: 'text' }],
  ['amount', { path: 'data.amount', kind: 'number', label: { en: 'Amount' } }],
  ['won', { path: 'data.won', kind: 'boolean' }],
  ['stage', { path: 'data.stage', kind: 'id' }],
  ['tags', { path: 'data.tags', kind: 'id', multiple: true }],
  ['closeDate', { path: 'data.closeDate', kind: 'date' }],
  ['closedAt', { path: 'data.closedAt', kind: 'datetime' }],
  ['items', { path: 'data.items', kind: 'opaque' }],
  ['_owner', { path: 'owner', kind: 'objectId' }],
  ['_createdAt', { path: 'createdAt', kind: 'timestamp' }],
]);

/** The scope the access layer would build: workspace and form first. */
export const match = { ws: 'w1', form: 'f1' };

/** A widget with defaults for the required keys. */
export function widget(spec: Partial<Widget> & Pick<Widget, 'type'>): Widget {
  return { key: 'w', title: { en: 'W' }, source: { form: 'deals' }, ...spec } as Widget;
}

/** Compiles a widget that must compile. */
export function compiled(w: Widget, options: Partial<CompileReportOptions> = {}): ReportQuery {
  const result = compileReport(w, { fields, match, ...options });
  if (!result.ok) expect.fail(JSON.stringify(result.issues));
  return result.query;
}

/** Compiles, runs over `docs` and shapes: the whole report path without a store. */
export function report(
  w: Widget,
  docs: readonly object[],
  options: Partial<CompileReportOptions> = {},
): ReportResult {
  const query = compiled(w, options);
  return shapeReport(query.plan, aggregate(query.pipeline, docs));
}

/** A record of the test form. */
export function rec(data: Record<string, unknown>, extra: Record<string, unknown> = {}): object {
  return { ws: 'w1', form: 'f1', data, owner: 'u1', createdAt: new Date('2026-01-15T10:00:00Z'), ...extra };
}
