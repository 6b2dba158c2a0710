import { bucketLabel, bucketStartOfDay } from './buckets.js';
import { dimensionPath } from './pipeline.js';
import type { PlannedDimension, PlannedMeasure, PlannedSort, ReportPlan, ReportRow } from './types.js';
import { scalar } from './values.js';

type Doc = Readonly<Record<string, unknown>>;
type Scalar = ReportRow[string];

/**
 * What the pipeline answered for one measure of one group, in a form that merges exactly: a figure (sum,
 * count, min, max), an average's sum and count of numbers, or a distinct count's values (a Map keyed by
 * the value itself, which tells 1 from "1" as MongoDB does).
 */
export type Part = Scalar | { sum: number; n: number } | Map<unknown, Scalar>;

/** One group of the result: its dimension values (row values) and the parts of its measures. */
export interface Group {
  labels: Scalar[];
  parts: Part[];
}

function read(doc: Doc, path: string): unknown {
  let current: unknown = doc;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A dimension's row value from its group key: ids and dates as text, dates cut into buckets. */
function label(dimension: PlannedDimension, raw: unknown): Scalar {
  const value = scalar(raw);
  const { granularity, cut } = dimension;
  if (!granularity || cut === 'value') return value;
  const start =
    cut === 'day' ? bucketStartOfDay(value, granularity) : typeof value === 'string' ? value : null;
  return start === null ? null : bucketLabel(start, granularity);
}

function readPart(measure: PlannedMeasure, doc: Doc): Part {
  const value = doc[measure.slot];
  if (measure.aggregate === 'avg') {
    return { sum: Number(scalar(value) ?? 0), n: Number(scalar(doc[`${measure.slot}n`]) ?? 0) };
  }
  if (measure.aggregate === 'countDistinct') {
    const set = new Map<unknown, Scalar>();
    if (Array.isArray(value)) {
      for (const item of value) {
        const s = scalar(item);
        if (s !== null) set.set(s, s);
      }
    }
    return set;
  }
  return scalar(value);
}

/** MongoDB's order of the values a report carries: null, numbers, strings, then the rest, then booleans. */
function typeRank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  if (typeof value === 'boolean') return 4;
  return 3;
}

/** Compares two row values in MongoDB's sort order. */
export function compareValues(a: unknown, b: unknown): number {
  const byType = typeRank(a) - typeRank(b);
  if (byType !== 0) return byType;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

/** Merges two parts of one measure: sums add, minima and maxima compare, sets unite. */
export function mergePart(measure: PlannedMeasure, a: Part, b: Part): Part {
  if (a instanceof Map && b instanceof Map) {
    const out = new Map(a);
    for (const [k, v] of b) out.set(k, v);
    return out;
  }
  if (isAverage(a) && isAverage(b)) return { sum: a.sum + b.sum, n: a.n + b.n };
  const x = a as Scalar;
  const y = b as Scalar;
  switch (measure.aggregate) {
    case 'sum':
    case 'count':
      return Number(x ?? 0) + Number(y ?? 0);
    default: {
      if (y === null) return x;
      if (x === null) return y;
      const order = compareValues(y, x);
      return (measure.aggregate === 'min' ? order < 0 : order > 0) ? y : x;
    }
  }
}

function isAverage(part: Part): part is { sum: number; n: number } {
  return part !== null && typeof part === 'object' && !(part instanceof Map);
}

/** The figure of a part: an average divides, a distinct count counts. */
export function finishPart(part: Part): Scalar {
  if (part instanceof Map) return part.size;
  if (isAverage(part)) return part.n > 0 ? part.sum / part.n : null;
  return part;
}

/** A group's row: dimension values and measure figures keyed by column key. */
export function groupRow(plan: Pick<ReportPlan, 'dimensions' | 'measures'>, group: Group): ReportRow {
  const row: ReportRow = {};
  plan.dimensions.forEach((d, i) => {
    row[d.key] = group.labels[i] ?? null;
  });
  plan.measures.forEach((m, i) => {
    row[m.key] = finishPart(group.parts[i] ?? null);
  });
  return row;
}

/**
 * The groups of the pipeline's answer with their row values; groups whose values coincide once dates are
 * cut into buckets (days of one month) are merged exactly.
 */
export function toGroups(plan: ReportPlan, docs: readonly Doc[]): Group[] {
  const groups: Group[] = [];
  const byLabels = plan.merge ? new Map<string, Group>() : undefined;
  for (const doc of docs) {
    const labels = plan.dimensions.map((d) => label(d, read(doc, dimensionPath(plan, d.slot))));
    const parts = plan.measures.map((m) => readPart(m, doc));
    if (!byLabels) {
      groups.push({ labels, parts });
      continue;
    }
    const id = JSON.stringify(labels);
    const found = byLabels.get(id);
    if (!found) {
      const group = { labels, parts };
      byLabels.set(id, group);
      groups.push(group);
      continue;
    }
    found.parts = found.parts.map((part, i) =>
      mergePart(plan.measures[i] as PlannedMeasure, part, parts[i] ?? null),
    );
  }
  return groups;
}

/** The sort keys of a plan, with every dimension after them so equal keys keep one order. */
export function sortKeys(plan: Pick<ReportPlan, 'sort' | 'dimensions'>): PlannedSort[] {
  const keys = [...plan.sort];
  for (const d of plan.dimensions)
    if (!keys.some((k) => k.slot === d.slot)) keys.push({ slot: d.slot, key: d.key, dir: 1 });
  return keys;
}

/** Sorts rows by the plan's sort keys (by column key), in MongoDB's order of values. */
export function sortRows(plan: Pick<ReportPlan, 'sort' | 'dimensions'>, rows: ReportRow[]): ReportRow[] {
  const keys = sortKeys(plan);
  return rows.sort((x, y) => {
    for (const key of keys) {
      const order = compareValues(x[key.key], y[key.key]) * key.dir;
      if (order !== 0) return order;
    }
    return 0;
  });
}
