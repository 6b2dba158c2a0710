import { isFormulaError } from '@formloom/formula';
import type { Dimension, Measure, Widget } from '@formloom/schema';
import { compileMeasureFormula } from './derived.js';
import { buildPipeline, canSortInPipeline, dimensionCut } from './pipeline.js';
import type {
  Aggregate,
  PlannedDerived,
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
  /** The caller's user id (hex): a ranking marks the viewer's row. */
  viewer?: string;
  /**
   * True when the widget's or the request's filters hold a `$period` the caller can step back from; a
   * `previous` measure without a date dimension needs one.
   */
  hasPeriodFilter?: boolean;
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
/** Column keys the report computes itself. */
const RESERVED = ['rank', 'conversion', 'overall', 'viewer', 'forecast'];
const DERIVED_KINDS = ['formula', 'percentOfTotal', 'runningTotal', 'previous', 'target'] as const;

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

/**
 * Plans one dimension of a widget against the fields the caller may name, or reports why it cannot group
 * (paths below `base`, e.g. `/dimensions/0`).
 */
export function planDimension(
  dimension: Dimension,
  slot: string,
  key: string,
  fields: ReadonlyMap<string, ReportField>,
  base: string,
): PlannedDimension | ReportIssue {
  const source = fields.get(dimension.field);
  if (!source)
    return { code: 'report.unknownField', path: `${base}/field`, params: { field: dimension.field } };
  if (!DIMENSION_KINDS.has(source.kind))
    return {
      code: 'report.dimensionKind',
      path: `${base}/field`,
      params: { field: dimension.field, kind: source.kind },
    };
  if (dimension.granularity && !DATE_KINDS.has(source.kind))
    return {
      code: 'report.granularityKind',
      path: `${base}/granularity`,
      params: { field: dimension.field, kind: source.kind },
    };
  const planned: PlannedDimension = {
    key,
    slot,
    field: dimension.field,
    source,
    cut: dimensionCut(source, dimension.granularity),
  };
  if (dimension.granularity) planned.granularity = dimension.granularity;
  const label = dimension.label ?? source.label;
  if (label) planned.label = label;
  return planned;
}

const isIssue = (x: PlannedDimension | ReportIssue): x is ReportIssue => 'code' in x;

interface MeasurePlan {
  measures: PlannedMeasure[];
  derived: PlannedDerived[];
  order: string[];
}

function derivedKind(measure: Measure): (typeof DERIVED_KINDS)[number] | 'aggregate' | undefined {
  const kinds = [
    ...(measure.aggregate === undefined ? [] : (['aggregate'] as const)),
    ...DERIVED_KINDS.filter((k) => measure[k] !== undefined),
  ];
  return kinds.length === 1 ? kinds[0] : undefined;
}

function planMeasures(
  given: readonly Measure[],
  fields: ReadonlyMap<string, ReportField>,
  taken: Set<string>,
  issues: ReportIssue[],
): MeasurePlan {
  const out: MeasurePlan = { measures: [], derived: [], order: [] };
  given.forEach((measure, i) => {
    const path = `/measures/${i}`;
    const kind = derivedKind(measure);
    if (kind === undefined) {
      issues.push({ code: 'report.measureKind', path, params: { index: i } });
      return;
    }
    if (kind === 'aggregate') {
      const planned = planAggregate(measure, `m${out.measures.length}`, fields, path, issues);
      if (!planned) return;
      planned.key = uniqueKey(
        measure.key ?? (planned.field ? `${planned.aggregate}_${planned.field}` : 'count'),
        taken,
      );
      out.measures.push(planned);
      out.order.push(planned.key);
      return;
    }
    if (measure.key === undefined) {
      issues.push({ code: 'report.measureKind', path: `${path}/key`, params: { index: i } });
      return;
    }
    const key = uniqueKey(measure.key, taken);
    const label = measure.label ? { label: measure.label } : {};
    const before = [...out.order];
    const aggregateOf = (name: string) => out.measures.find((m) => m.key === name);
    const refer = (name: string, additive: boolean): boolean => {
      const source = aggregateOf(name);
      if (!source && (additive || !before.includes(name))) {
        issues.push({ code: 'report.unknownMeasure', path: `${path}/${kind}`, params: { measure: name } });
        return false;
      }
      if (additive && source && source.aggregate !== 'sum' && source.aggregate !== 'count') {
        issues.push({
          code: 'report.notAdditive',
          path: `${path}/${kind}`,
          params: { aggregate: source.aggregate },
        });
        return false;
      }
      return true;
    };
    switch (kind) {
      case 'formula': {
        try {
          compileMeasureFormula(measure.formula as string, before);
        } catch (error) {
          const message = isFormulaError(error) ? error.code : 'invalid';
          issues.push({ code: 'report.formula', path: `${path}/formula`, params: { message } });
          return;
        }
        out.derived.push({ kind, key, formula: measure.formula as string, ...label });
        break;
      }
      case 'percentOfTotal':
      case 'runningTotal': {
        const of = measure[kind] as string;
        if (!refer(of, true)) return;
        out.derived.push({ kind, key, of, ...label });
        break;
      }
      case 'previous': {
        const of = measure.previous as string;
        if (!aggregateOf(of)) {
          issues.push({ code: 'report.unknownMeasure', path: `${path}/previous`, params: { measure: of } });
          return;
        }
        out.derived.push({
          kind,
          key,
          of,
          deltaKey: uniqueKey(`${key}_delta`, taken),
          changeKey: uniqueKey(`${key}_change`, taken),
          ...label,
        });
        break;
      }
      case 'target':
        out.derived.push({ kind, key, target: measure.target as NonNullable<Measure['target']>, ...label });
        break;
    }
    out.order.push(key);
  });
  return out;
}

function planAggregate(
  measure: Measure,
  slot: string,
  fields: ReadonlyMap<string, ReportField>,
  path: string,
  issues: ReportIssue[],
): PlannedMeasure | undefined {
  const aggregate = measure.aggregate as Aggregate;
  const planned: PlannedMeasure = { key: '', slot, aggregate };
  if (measure.field !== undefined) {
    const source = fields.get(measure.field);
    if (!source) {
      issues.push({ code: 'report.unknownField', path: `${path}/field`, params: { field: measure.field } });
      return undefined;
    }
    if (!aggregateFits(aggregate, source)) {
      issues.push({
        code: 'report.aggregateKind',
        path: `${path}/field`,
        params: { field: measure.field, aggregate, kind: source.kind },
      });
      return undefined;
    }
    planned.field = measure.field;
    planned.source = source;
    if (source.label) planned.label = source.label;
  } else if (aggregate !== 'count') {
    // The schema check reports this too; kept so the compiler is safe on its own.
    issues.push({ code: 'report.aggregateKind', path: `${path}/field`, params: { aggregate, kind: 'none' } });
    return undefined;
  }
  if (measure.label) planned.label = measure.label;
  return planned;
}

/** The one subform whose rows the widget counts, or an issue when it names columns of two. */
function subformOf(
  plan: Pick<ReportPlan, 'dimensions' | 'measures'>,
  given: readonly Measure[],
  issues: ReportIssue[],
): string | undefined {
  let unwind: string | undefined;
  const visit = (source: ReportField | undefined, field: string | undefined, path: string) => {
    if (!source?.unwind) return;
    if (unwind === undefined) unwind = source.unwind;
    else if (unwind !== source.unwind)
      issues.push({ code: 'report.subformMix', path, params: { field: field ?? '' } });
  };
  plan.dimensions.forEach((d, i) => {
    visit(d.source, d.field, `/dimensions/${i}/field`);
  });
  plan.measures.forEach((m) => {
    const index = given.findIndex((g) => g.field === m.field && g.aggregate === m.aggregate);
    visit(m.source, m.field, `/measures/${index}/field`);
  });
  return unwind;
}

/**
 * Compiles a widget (already valid against the meta-model's `Widget` schema) into an aggregation pipeline
 * over the records collection and the plan that shapes its output. The caller's `match` is the first stage;
 * dimensions group (dates bucketed by granularity in `timeZone`), measures aggregate; derived measures are
 * planned for shaping. Problems come back as data with JSON pointers into the widget.
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
  const taken = new Set<string>(RESERVED);
  const dimensions: PlannedDimension[] = [];
  (widget.dimensions ?? []).forEach((dimension, i) => {
    const planned = planDimension(dimension, `d${i}`, '', options.fields, `/dimensions/${i}`);
    if (isIssue(planned)) issues.push(planned);
    else dimensions.push({ ...planned, key: uniqueKey(dimension.field, taken) });
  });
  const given =
    widget.measures && widget.measures.length > 0 ? widget.measures : [{ aggregate: 'count' as const }];
  const { measures, derived, order } = planMeasures(given, options.fields, taken, issues);

  const count = widget.dimensions?.length ?? 0;
  if (count < def.dimensions.min || count > def.dimensions.max) {
    issues.push({
      code: 'report.dimensionCount',
      path: '/dimensions',
      params: { min: def.dimensions.min, max: def.dimensions.max, type: widget.type },
    });
  }
  if (given.filter((m) => m.aggregate !== undefined).length > def.maxMeasures) {
    issues.push({
      code: 'report.measureCount',
      path: '/measures',
      params: { max: def.maxMeasures, type: widget.type },
    });
  }
  const widgetOptions = widget.options ?? {};
  issues.push(...(def.checkOptions?.(widgetOptions) ?? []));
  issues.push(...(def.checkPlan?.({ dimensions, measures, options: widgetOptions }) ?? []));
  const unwind = subformOf({ dimensions, measures }, given, issues);

  const previousQuery = derived.some((d) => d.kind === 'previous') && !dimensions.some((d) => d.granularity);
  if (previousQuery && !options.hasPeriodFilter) {
    const index = given.findIndex((m) => m.previous !== undefined);
    issues.push({ code: 'report.previousPeriod', path: `/measures/${index}/previous`, params: {} });
  }

  const sort: PlannedSort[] = [];
  (widget.sort ?? []).forEach((key, i) => {
    // A sort names a column of the widget: a measure or dimension key, or a dimension's field.
    const target =
      measures.find((m) => m.key === key.by) ??
      dimensions.find((d) => d.key === key.by) ??
      dimensions.find((d) => d.field === key.by);
    const derivedKey = target ? undefined : derived.find((d) => d.key === key.by)?.key;
    if (!target && !derivedKey) {
      issues.push({ code: 'report.unknownSort', path: `/sort/${i}/by`, params: { by: key.by } });
      return;
    }
    const slot = target?.slot ?? (derivedKey as string);
    if (!sort.some((s) => s.slot === slot))
      sort.push({ slot, key: target?.key ?? (derivedKey as string), dir: key.dir === 'asc' ? 1 : -1 });
  });
  if (issues.length > 0) return { ok: false, issues };

  const maxRows = options.maxRows ?? 10_000;
  const merge = dimensions.some((d) => d.cut === 'day' && d.granularity !== 'day');
  const base: Omit<ReportPlan, 'sortInPipeline'> = {
    widget: widget.key,
    type: widget.type,
    dimensions,
    measures,
    derived,
    order,
    sort: sort.length > 0 ? sort : def.defaultSort({ dimensions, measures }),
    limit: Math.min(widget.limit ?? def.defaultLimit, maxRows),
    timeZone: options.timeZone ?? 'UTC',
    options: widgetOptions,
    merge,
    previousQuery,
    ...(unwind ? { unwind } : {}),
    ...(options.viewer ? { viewer: options.viewer.toLowerCase() } : {}),
  };
  const plan: ReportPlan = { ...base, sortInPipeline: canSortInPipeline(base) };
  return { ok: true, query: { pipeline: buildPipeline(plan, options.match), plan } };
}
