import type { Widget } from '@formloom/schema';
import { buildPipeline, pipelineMode } from './pipeline.js';
import type {
  Aggregate,
  PlannedDimension,
  PlannedMeasure,
  PlannedSort,
  ReportField,
  ReportFieldKind,
  ReportIssue,
  ReportPlan,
  ReportQuery,
} from './types.js';
import { widgetType } from './widgets.js';

/** Inputs of {@link compileReport} besides the widget. */
export interface CompileReportOptions {
  /**
   * The fields the caller may name, by key (a Map, so `__proto__` and friends are never found). Leave out
   * every field the caller may not read: a widget naming one is refused exactly like an unknown field.
   */
  fields: ReadonlyMap<string, ReportField>;
  /**
   * The first `$match` of the pipeline: workspace, form, the caller's data scope and any filters, built by
   * the caller's access layer. The compiler puts it first and never changes or extends it.
   */
  match: Readonly<Record<string, unknown>>;
  /** IANA zone date buckets are counted in; `UTC` when absent. */
  timeZone?: string;
  /** Upper bound on groups whatever the widget's `limit` says (default 10,000, the schema's maximum). */
  maxRows?: number;
}

/** The result of {@link compileReport}: a query, or the problems that prevent one. */
export type CompileReportResult = { ok: true; query: ReportQuery } | { ok: false; issues: ReportIssue[] };

const DIMENSION_KINDS: ReadonlySet<ReportFieldKind> = new Set([
  'text',
  'id',
  'number',
  'boolean',
  'date',
  'datetime',
  'objectId',
  'timestamp',
]);
const DATE_KINDS: ReadonlySet<ReportFieldKind> = new Set(['date', 'datetime', 'timestamp']);
const ORDERED_KINDS: ReadonlySet<ReportFieldKind> = new Set([
  'number',
  'date',
  'datetime',
  'timestamp',
  'text',
]);

/** Which field kinds each aggregate reads. */
function aggregateFits(aggregate: Aggregate, field: ReportField): boolean {
  switch (aggregate) {
    case 'count':
      return true;
    case 'sum':
    case 'avg':
      return field.kind === 'number' && !field.multiple;
    case 'min':
    case 'max':
      return ORDERED_KINDS.has(field.kind) && !field.multiple;
    case 'countDistinct':
      return field.kind !== 'opaque' && !field.multiple;
  }
}

function uniqueKey(wanted: string, taken: Set<string>): string {
  let key = wanted;
  for (let n = 2; taken.has(key); n += 1) key = `${wanted}_${n}`;
  taken.add(key);
  return key;
}

/** The field `key` names, if the caller may name it. */
function lookup(fields: ReadonlyMap<string, ReportField>, key: string): ReportField | undefined {
  return fields.get(key);
}

/**
 * Compiles a widget (already valid against the meta-model's `Widget` schema) into an aggregation pipeline
 * over the records collection and the plan that shapes its output. The caller's `match` is the first stage;
 * dimensions group (dates bucketed by granularity in `timeZone`), measures aggregate, then sort and limit.
 * Problems come back as data with JSON pointers into the widget.
 */
export function compileReport(widget: Widget, options: CompileReportOptions): CompileReportResult {
  const issues: ReportIssue[] = [];
  const def = widgetType(widget.type);
  if (!def) {
    return {
      ok: false,
      issues: [{ code: 'report.widgetType', path: '/type', params: { type: widget.type } }],
    };
  }
  const taken = new Set<string>(['rank', 'conversion']);
  const dimensions: PlannedDimension[] = [];
  (widget.dimensions ?? []).forEach((dimension, i) => {
    const path = `/dimensions/${i}/field`;
    const source = lookup(options.fields, dimension.field);
    if (!source) {
      issues.push({ code: 'report.unknownField', path, params: { field: dimension.field } });
      return;
    }
    if (!DIMENSION_KINDS.has(source.kind)) {
      issues.push({
        code: 'report.dimensionKind',
        path,
        params: { field: dimension.field, kind: source.kind },
      });
      return;
    }
    if (dimension.granularity && !DATE_KINDS.has(source.kind)) {
      issues.push({
        code: 'report.granularityKind',
        path: `/dimensions/${i}/granularity`,
        params: { field: dimension.field, kind: source.kind },
      });
      return;
    }
    const planned: PlannedDimension = {
      key: uniqueKey(dimension.field, taken),
      slot: `d${i}`,
      field: dimension.field,
      source,
    };
    if (dimension.granularity) planned.granularity = dimension.granularity;
    const label = dimension.label ?? source.label;
    if (label) planned.label = label;
    dimensions.push(planned);
  });

  const measures: PlannedMeasure[] = [];
  const given =
    widget.measures && widget.measures.length > 0 ? widget.measures : [{ aggregate: 'count' as const }];
  given.forEach((measure, i) => {
    const path = `/measures/${i}/field`;
    const planned: PlannedMeasure = { key: '', slot: `m${i}`, aggregate: measure.aggregate };
    if ('field' in measure && measure.field !== undefined) {
      const source = lookup(options.fields, measure.field);
      if (!source) {
        issues.push({ code: 'report.unknownField', path, params: { field: measure.field } });
        return;
      }
      if (!aggregateFits(measure.aggregate, source)) {
        issues.push({
          code: 'report.aggregateKind',
          path,
          params: { field: measure.field, aggregate: measure.aggregate, kind: source.kind },
        });
        return;
      }
      planned.field = measure.field;
      planned.source = source;
      if (source.label && !('label' in measure && measure.label)) planned.label = source.label;
    } else if (measure.aggregate !== 'count') {
      // The schema check reports this too; kept so the compiler is safe on its own.
      issues.push({
        code: 'report.aggregateKind',
        path,
        params: { aggregate: measure.aggregate, kind: 'none' },
      });
      return;
    }
    if ('label' in measure && measure.label) planned.label = measure.label;
    const wanted =
      ('key' in measure ? measure.key : undefined) ??
      (planned.field ? `${measure.aggregate}_${planned.field}` : 'count');
    planned.key = uniqueKey(wanted, taken);
    measures.push(planned);
  });

  const count = widget.dimensions?.length ?? 0;
  if (count < def.dimensions.min || count > def.dimensions.max) {
    issues.push({
      code: 'report.dimensionCount',
      path: '/dimensions',
      params: { min: def.dimensions.min, max: def.dimensions.max, type: widget.type },
    });
  }
  if (given.length > def.maxMeasures) {
    issues.push({
      code: 'report.measureCount',
      path: '/measures',
      params: { max: def.maxMeasures, type: widget.type },
    });
  }
  const widgetOptions = widget.options ?? {};
  issues.push(...(def.checkOptions?.(widgetOptions) ?? []));

  const sort: PlannedSort[] = [];
  (widget.sort ?? []).forEach((key, i) => {
    // A sort names a column of the widget: a measure or dimension key, or a dimension's field.
    const target =
      measures.find((m) => m.key === key.by) ??
      dimensions.find((d) => d.key === key.by) ??
      dimensions.find((d) => d.field === key.by);
    if (!target) {
      issues.push({ code: 'report.unknownSort', path: `/sort/${i}/by`, params: { by: key.by } });
      return;
    }
    if (!sort.some((s) => s.slot === target.slot))
      sort.push({ slot: target.slot, key: target.key, dir: key.dir === 'asc' ? 1 : -1 });
  });
  if (issues.length > 0) return { ok: false, issues };

  const maxRows = options.maxRows ?? 10_000;
  const base: Omit<ReportPlan, 'sort' | 'mode'> = {
    widget: widget.key,
    type: widget.type,
    dimensions,
    measures,
    limit: Math.min(widget.limit ?? def.defaultLimit, maxRows),
    timeZone: options.timeZone ?? 'UTC',
    options: widgetOptions,
  };
  const plan: ReportPlan = {
    ...base,
    sort: sort.length > 0 ? sort : def.defaultSort(base),
    mode: pipelineMode({ dimensions, measures }),
  };
  return { ok: true, query: { pipeline: buildPipeline(plan, options.match), plan } };
}
