import {
  buildPipeline,
  cellConditions,
  compileReport,
  drillWidget,
  type ReportIssue,
  type ReportPlan,
  type ReportResult,
  seriesIndex,
  shapeReport,
} from '@formloom/report';
import { type TargetSeries, validateWidget, type Widget } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { appError, type ErrorDetail, notFound, t } from '../../lib/errors.js';
import type { Caller } from '../apps/caller.js';
import { issueDetails } from '../forms/issues.js';
import { formModel } from '../forms/model.js';
import { type FormTarget, openForm } from '../records/context.js';
import { loadAppScope } from '../records/form-cache.js';
import { recordModel } from '../records/model.js';
import { flatten } from '../records/read.js';
import { cachedAnswer, formsStamp, hasAnswer, queryKey, rememberAnswer } from './cache.js';
import { reportFields } from './fields.js';
import { compileFilters, hasPeriod, periodConditions, resolvePeriods, widgetFilters } from './filters.js';

/** The body of `POST /workspaces/:ws/reports/query` (docs/reports.md). */
export interface ReportRequest {
  /** A widget of the meta-model; `source.form` is a form key. */
  widget: unknown;
  /** Extra conditions of the filter DSL (dashboard filters), and-ed with the widget's own filter. */
  filters?: unknown[];
  /** The app whose form `source.form` names; needed only when several apps have a form with that key. */
  appId?: string;
  /** IANA zone periods and date buckets are counted in (default UTC). */
  timeZone?: string;
  /** Values clicked so far down the widget's drill-down levels. */
  drill?: unknown[];
  /** Filters for the other forms a widget reads (target series), by form key: dashboard filter controls. */
  filtersFor?: (formKey: string) => unknown[];
}

/** How long one report may run on the store before it is abandoned. */
const MAX_TIME_MS = 15_000;

/** Zone names already checked. */
const knownZones = new Set<string>();

/** Checks an IANA time-zone name; 400 at `/timeZone` for anything else. */
export function checkTimeZone(timeZone: string | undefined): string {
  if (timeZone === undefined) return 'UTC';
  // Building a formatter costs about a millisecond: zones once known are remembered (a few hundred exist).
  if (knownZones.has(timeZone)) return timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    if (knownZones.size < 1000) knownZones.add(timeZone);
    return timeZone;
  } catch {
    throw appError('VALIDATION_FAILED', 'report.invalidTimeZone', [
      { path: '/timeZone', message: 'detail.timeZone' },
    ]);
  }
}

/**
 * The form a widget's `source.form` key names in the caller's workspace. Form keys are unique per app, so
 * `appId` picks the app; without it the key must name exactly one form of the workspace (the usual case:
 * one app per template). Anything outside the workspace is simply not found.
 */
async function resolveForm(
  connection: Connection,
  caller: Caller,
  key: string,
  appId: string | undefined,
): Promise<Types.ObjectId> {
  const forms = formModel(connection).collection;
  if (appId !== undefined) {
    if (!/^[0-9a-f]{24}$/i.test(appId)) throw notFound('Form');
    // The app's directory is cached with its definitions (records/form-cache.ts).
    const scope = await loadAppScope(connection, caller.ws, new Types.ObjectId(appId)).catch(
      (error: unknown) => {
        if ((error as { code?: unknown }).code === 'NOT_FOUND') return undefined;
        throw error;
      },
    );
    const form = scope?.directory.byKey(key);
    if (!form) throw notFound('Form');
    return form.id;
  }
  const found = await forms
    .find<{ _id: Types.ObjectId }>({ ws: caller.ws, key }, { projection: { _id: 1 }, limit: 2 })
    .toArray();
  const [first, second] = found;
  if (!first) throw notFound('Form');
  if (second) {
    throw appError('UNPROCESSABLE', 'report.ambiguousForm', [
      { path: '/appId', message: 'detail.nameTheApp' },
    ]);
  }
  return first._id;
}

/**
 * Sorts name columns, not fields; still, a sort that names a field hidden from the caller is refused like
 * an unknown one, so no request can even mention such a field and succeed.
 */
function hiddenSorts(widget: Widget, target: FormTarget): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  (widget.sort ?? []).forEach((key, i) => {
    if (target.access.hidden.has(key.by))
      details.push({
        path: `/widget/sort/${i}/by`,
        message: { report: { code: 'report.unknownSort', path: `/sort/${i}/by`, params: { by: key.by } } },
      });
  });
  return details;
}

function misfit(issues: readonly ReportIssue[], base = '/widget'): never {
  throw appError(
    'UNPROCESSABLE',
    'report.misfit',
    issues.map((issue) => ({
      path:
        issue.path.startsWith('/drill') || issue.path.startsWith('/cell')
          ? issue.path
          : `${base}${issue.path}`,
      message: { report: issue },
      code: issue.code,
    })),
  );
}

/** A widget made ready to run for one caller: its form, compiled pipeline(s) and plan. */
interface Prepared {
  caller: Caller;
  widget: Widget;
  target: FormTarget;
  appId: string;
  plan: ReportPlan;
  pipeline: Record<string, unknown>[];
  /** The pipeline over the previous period, when a `previous` measure needs one. */
  previous?: Record<string, unknown>[];
  /** The DSL conditions the report applied besides the caller's scope (widget, request, drill). */
  conditions: unknown[];
  drill?: { level: number; levels: number; path: unknown[] };
}

async function prepare(connection: Connection, caller: Caller, request: ReportRequest): Promise<Prepared> {
  const issues = validateWidget(request.widget);
  if (issues.length > 0)
    throw appError('VALIDATION_FAILED', 'report.invalidWidget', issueDetails(issues, '/widget'));
  const given = request.widget as Widget;
  const timeZone = checkTimeZone(request.timeZone);
  const scoped: Caller = { ...caller, timeZone };
  const formId = await resolveForm(connection, scoped, given.source.form, request.appId);
  const target = await openForm(connection, scoped, formId);
  if (!target.access.can('view')) throw appError('FORBIDDEN', 'record.mayNotView');

  const fields = reportFields(target);
  const drilled = drillWidget(given, request.drill ?? [], fields, timeZone);
  if (!drilled.ok) misfit(drilled.issues);
  const widget = drilled.widget;
  const hiddenSort = hiddenSorts(widget, target);
  if (hiddenSort.length > 0) throw appError('UNPROCESSABLE', 'report.misfit', hiddenSort);

  // The fields the caller may name: those hidden from the caller's roles are left out like unknown ones.
  const filters = request.filters ?? [];
  const sources = widgetFilters(widget, filters, drilled.conditions);
  const matchFor = (shift: number) => {
    const extra = compileFilters(target, target.queryFields, sources, shift);
    const match = target.access.filter('view', flatten([{ deletedAt: null }, ...extra]));
    if (!match) throw appError('FORBIDDEN', 'record.mayNotView');
    return match;
  };
  const match = matchFor(0);
  const compiled = compileReport(widget, {
    fields,
    match,
    timeZone,
    viewer: caller.userId.toHexString(),
    hasPeriodFilter: hasPeriod(widget.filter) || hasPeriod(filters),
  });
  if (!compiled.ok) misfit(compiled.issues);
  const { plan, pipeline } = compiled.query;
  const prepared: Prepared = {
    caller: scoped,
    widget,
    target,
    appId: target.form.app.toHexString(),
    plan,
    pipeline: pipeline as Record<string, unknown>[],
    conditions: [widget.filter, ...filters, ...drilled.conditions].filter((f) => f !== undefined),
  };
  if (plan.previousQuery) prepared.previous = buildPipeline(plan, matchFor(-1)) as Record<string, unknown>[];
  if ((given.drilldown?.length ?? 0) > 0)
    prepared.drill = { level: drilled.level, levels: drilled.levels, path: [...(request.drill ?? [])] };
  return prepared;
}

/** Answers computed ahead for one request (by {@link queryKey} of their pipeline): see {@link prefetchReports}. */
export type PrefetchedAnswers = ReadonlyMap<string, readonly Readonly<Record<string, unknown>>[]>;

/** Runs a pipeline over the records collection, or serves the answer kept for it while its form is unchanged. */
async function run(
  connection: Connection,
  form: Types.ObjectId,
  pipeline: Record<string, unknown>[],
  prefetched?: PrefetchedAnswers,
) {
  const ahead = prefetched?.get(queryKey(pipeline));
  if (ahead) return ahead;
  const stamp = await formsStamp(connection, [form]);
  const key = queryKey(pipeline);
  const cached = cachedAnswer(connection, key, stamp);
  if (cached) return cached;
  const docs = await recordModel(connection)
    .aggregate<Record<string, unknown>>(pipeline as never)
    .option({ maxTimeMS: MAX_TIME_MS });
  rememberAnswer(connection, key, stamp, docs);
  return docs;
}

/** The widget that answers a target series: the other form's figure grouped by the matching fields. */
function targetWidget(widget: Widget, spec: TargetSeries): Widget {
  return {
    key: widget.key,
    type: 'table',
    title: widget.title,
    source: { form: spec.form },
    dimensions: spec.match ?? [],
    measures: [{ key: 'value', aggregate: spec.aggregate, ...(spec.field ? { field: spec.field } : {}) }],
    ...(spec.filter ? { filter: spec.filter } : {}),
    limit: 10_000,
  };
}

/**
 * Target series of the widget, each run as a widget over its own form through the same access layer: the
 * caller sees only the targets they may view (none when they may not view the form at all).
 */
async function targetSeries(connection: Connection, prepared: Prepared, request: ReportRequest) {
  const out: Record<string, ReadonlyMap<string, number | null>> = {};
  const unavailable: string[] = [];
  for (const [i, d] of prepared.plan.derived.entries()) {
    if (d.kind !== 'target') continue;
    const spec = d.target;
    const index = (prepared.widget.measures ?? []).findIndex((m) => m.key === d.key);
    if ((spec.match ?? []).length !== prepared.plan.dimensions.length) {
      throw appError('UNPROCESSABLE', 'report.misfit', [
        {
          path: `/widget/measures/${index < 0 ? i : index}/target/match`,
          message: t('detail.targetMatch', { form: spec.form, count: prepared.plan.dimensions.length }),
        },
      ]);
    }
    const filters = [
      ...(spec.period
        ? [prepared.widget.filter, ...(request.filters ?? [])].flatMap((f) =>
            periodConditions(f, spec.period as string),
          )
        : []),
      ...(request.filtersFor?.(spec.form) ?? []),
    ];
    try {
      const result = await queryReport(connection, prepared.caller, {
        widget: targetWidget(prepared.widget, spec),
        filters,
        appId: prepared.appId,
        timeZone: prepared.caller.timeZone,
      });
      const keys = result.columns.filter((c) => c.type === 'dimension').map((c) => c.key);
      out[d.key] = seriesIndex(result.rows, keys, 'value');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== 'FORBIDDEN') {
        if (code === 'UNPROCESSABLE' || code === 'VALIDATION_FAILED' || code === 'NOT_FOUND') {
          const details = ((error as { details?: ErrorDetail[] }).details ?? []).map((detail) => ({
            ...detail,
            path: `/widget/measures/${index}/target${detail.path.replace(/^\/widget/, '')}`,
          }));
          throw appError(
            'UNPROCESSABLE',
            'report.misfit',
            details.length > 0
              ? details
              : [
                  {
                    path: `/widget/measures/${index}/target/form`,
                    message: t('detail.noFormInApp', { form: spec.form }),
                  },
                ],
          );
        }
        throw error;
      }
      unavailable.push(d.key);
    }
  }
  return { targets: out, unavailable };
}

/**
 * Runs a report query for the caller: validates the widget, resolves its form, refuses fields hidden from
 * the caller's roles, and aggregates only the records the caller may view. The access layer builds the
 * first `$match` (workspace, form, data scope, filters); the report package builds everything after it.
 * Previous periods and target series are further queries through the same path.
 */
export async function queryReport(
  connection: Connection,
  caller: Caller,
  request: ReportRequest,
): Promise<ReportResult> {
  return (await reportWithForm(connection, caller, request)).result;
}

/** {@link queryReport}, with the form it read and the caller's access to it (exports check `export`). */
export async function reportWithForm(
  connection: Connection,
  caller: Caller,
  request: ReportRequest,
): Promise<{ result: ReportResult; target: FormTarget }> {
  return answerReport(connection, await prepare(connection, caller, request), request);
}

/** A report made ready to run for one caller ({@link prepareReport}); {@link answerReport} runs it. */
export type PreparedReport = Prepared;

/**
 * Checks a report request for the caller and compiles its queries (validation, form, access, fields),
 * without running them: {@link prefetchReports} can then run several reports' queries in one scan.
 */
export function prepareReport(
  connection: Connection,
  caller: Caller,
  request: ReportRequest,
): Promise<PreparedReport> {
  return prepare(connection, caller, request);
}

/**
 * Runs the queries of several prepared reports that read the same form as one aggregation — a `$facet`
 * of their pipelines after the conditions every one of them starts with — so a dashboard's widgets cost
 * one scan of the form's records instead of one each. Every pipeline keeps its own first `$match` (the
 * caller's access scope and the widget's filters), so each answer is exactly the one it gives alone.
 * Answers already kept in the result cache are not run again; new ones are kept there and returned by
 * query key for {@link answerReport}. Anything that fails here is simply left to run on its own.
 */
export async function prefetchReports(
  connection: Connection,
  reports: readonly PreparedReport[],
): Promise<PrefetchedAnswers> {
  const out = new Map<string, readonly Readonly<Record<string, unknown>>[]>();
  const byForm = new Map<
    string,
    { form: Types.ObjectId; pipelines: Map<string, Record<string, unknown>[]> }
  >();
  for (const report of reports) {
    const form = report.target.form.id;
    let entry = byForm.get(form.toHexString());
    if (!entry) {
      entry = { form, pipelines: new Map() };
      byForm.set(form.toHexString(), entry);
    }
    for (const pipeline of [report.pipeline, ...(report.previous ? [report.previous] : [])])
      entry.pipelines.set(queryKey(pipeline), pipeline);
  }
  for (const { form, pipelines } of byForm.values()) {
    const stamp = await formsStamp(connection, [form]);
    const pending = [...pipelines].filter(([key]) => !hasAnswer(connection, key, stamp));
    // A single query runs as it would alone.
    if (pending.length < 2) continue;
    const common = commonMatch(pending.map(([, pipeline]) => pipeline));
    const facet = Object.fromEntries(pending.map(([, pipeline], i) => [`q${i}`, pipeline]));
    try {
      const [answer] = await recordModel(connection)
        .aggregate<Record<string, Record<string, unknown>[]>>([
          ...(common ? [{ $match: common }] : []),
          { $facet: facet },
        ] as never)
        .option({ maxTimeMS: MAX_TIME_MS });
      pending.forEach(([key], i) => {
        const docs = answer?.[`q${i}`];
        if (!Array.isArray(docs)) return;
        rememberAnswer(connection, key, stamp, docs);
        out.set(key, docs);
      });
    } catch {
      // E.g. a store's 16 MB limit on the one answer document: each report then runs on its own.
    }
  }
  return out;
}

/**
 * The conditions (top-level entries of their first `$match`) all pipelines share, equal value for equal
 * value: a conjunction each pipeline's own match implies, so it may run first (and use the store's
 * indexes). Undefined when there are none.
 */
function commonMatch(pipelines: readonly Record<string, unknown>[][]): Record<string, unknown> | undefined {
  const matches = pipelines.map((p) => p[0]?.$match as Record<string, unknown> | undefined);
  const [first, ...others] = matches;
  if (!first || others.some((m) => !m || typeof m !== 'object')) return undefined;
  const common: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(first)) {
    const text = queryKey(value);
    if (others.every((m) => m && Object.hasOwn(m, key) && queryKey(m[key]) === text)) common[key] = value;
  }
  return Object.keys(common).length > 0 ? common : undefined;
}

/** Runs a prepared report (with answers computed ahead, when given) and shapes its result. */
export async function answerReport(
  connection: Connection,
  prepared: PreparedReport,
  request: ReportRequest,
  prefetched?: PrefetchedAnswers,
): Promise<{ result: ReportResult; target: FormTarget }> {
  const formId = prepared.target.form.id;
  const docs = await run(connection, formId, prepared.pipeline, prefetched);
  const previous = prepared.previous
    ? await run(connection, formId, prepared.previous, prefetched)
    : undefined;
  const { targets, unavailable } = await targetSeries(connection, prepared, request);
  const result = shapeReport(prepared.plan, docs, { ...(previous ? { previous } : {}), targets });
  result.meta.source = { form: formId.toHexString(), app: prepared.appId };
  if (prepared.drill) result.meta.drill = prepared.drill;
  if (unavailable.length > 0) result.meta.unavailableTargets = unavailable;
  return { result, target: prepared.target };
}

/** What a record list needs to show the records behind one cell of a widget. */
export interface CellRecords {
  app: string;
  form: string;
  formKey: string;
  /** A filter of the DSL: the widget's, the request's and the drill path's conditions and the cell's values. */
  filter: { and: unknown[] };
}

/**
 * The record filter behind one cell (a row's dimension values, by column key) of a widget, for the caller:
 * a record list with it shows exactly the records the cell counts, within the caller's own scope (the list
 * applies that itself). Relative periods are written out in the caller's time zone.
 */
export async function reportCell(
  connection: Connection,
  caller: Caller,
  request: ReportRequest & { cell: Record<string, unknown> },
): Promise<CellRecords> {
  const prepared = await prepare(connection, caller, request);
  const found = cellConditions(prepared.plan, request.cell);
  if (found.some((c) => 'code' in c)) misfit(found as ReportIssue[]);
  const conditions = [...prepared.conditions, ...found];
  return {
    app: prepared.appId,
    form: prepared.target.form.id.toHexString(),
    formKey: prepared.target.form.key,
    filter: { and: conditions.map((c) => resolvePeriods(c, prepared.target)) },
  };
}
