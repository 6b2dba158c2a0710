import {
  compileReport,
  describeReportIssue,
  type ReportField,
  type ReportResult,
  shapeReport,
} from '@formloom/report';
import { validateWidget, type Widget } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { appError, type ErrorDetail } from '../../lib/errors.js';
import { compileFilter, type FilterField } from '../../lib/filter-dsl/index.js';
import type { Caller } from '../apps/caller.js';
import { issueDetails } from '../forms/issues.js';
import { formModel } from '../forms/model.js';
import { type FormTarget, openForm } from '../records/context.js';
import { recordModel } from '../records/model.js';
import { flatten } from '../records/read.js';

/** The body of `POST /workspaces/:ws/reports/query` (API.md). */
export interface ReportRequest {
  /** A widget of the meta-model; `source.form` is a form key. */
  widget: unknown;
  /** Extra conditions of the filter DSL (dashboard filters), and-ed with the widget's own filter. */
  filters?: unknown[];
  /** The app whose form `source.form` names; needed only when several apps have a form with that key. */
  appId?: string;
}

/** How long one report may run on the store before it is abandoned. */
const MAX_TIME_MS = 15_000;

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
    if (!/^[0-9a-f]{24}$/i.test(appId)) throw appError('NOT_FOUND', 'Form not found');
    const form = await forms.findOne<{ _id: Types.ObjectId }>(
      { ws: caller.ws, app: new Types.ObjectId(appId), key },
      { projection: { _id: 1 } },
    );
    if (!form) throw appError('NOT_FOUND', 'Form not found');
    return form._id;
  }
  const found = await forms
    .find<{ _id: Types.ObjectId }>({ ws: caller.ws, key }, { projection: { _id: 1 }, limit: 2 })
    .toArray();
  const [first, second] = found;
  if (!first) throw appError('NOT_FOUND', 'Form not found');
  if (second) {
    throw appError('UNPROCESSABLE', 'Several apps have a form with this key', [
      { path: '/appId', message: 'name the app of the form' },
    ]);
  }
  return first._id;
}

/** The same fields as the report package sees them, with the form's labels. */
function reportFields(
  target: FormTarget,
  visible: ReadonlyMap<string, FilterField>,
): Map<string, ReportField> {
  const labels = new Map(target.form.definition.fields.map((f) => [f.key, f.label]));
  const out = new Map<string, ReportField>();
  for (const [key, field] of visible) {
    const entry: ReportField = { path: field.path, kind: field.kind };
    if (field.multiple) entry.multiple = true;
    const label = labels.get(key);
    if (label && typeof label === 'object') entry.label = label as NonNullable<ReportField['label']>;
    out.set(key, entry);
  }
  return out;
}

/**
 * Sorts name columns, not fields; still, a sort that names a field hidden from the caller is refused like
 * an unknown one, so no request can even mention such a field and succeed.
 */
function hiddenSorts(widget: Widget, target: FormTarget): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  (widget.sort ?? []).forEach((key, i) => {
    if (target.access.hidden.has(key.by))
      details.push({ path: `/widget/sort/${i}/by`, message: `"${key.by}" is not a column of the widget` });
  });
  return details;
}

function compileFilters(
  target: FormTarget,
  fields: ReadonlyMap<string, FilterField>,
  widget: Widget,
  filters: readonly unknown[],
): Record<string, unknown>[] {
  const context = {
    userId: target.caller.userId.toHexString(),
    departmentId: target.caller.department?.toHexString(),
    now: target.now,
    timeZone: target.caller.timeZone,
  };
  const sources: [unknown, string][] = [
    [widget.filter, '/widget/filter'],
    ...filters.map((filter, i): [unknown, string] => [filter, `/filters/${i}`]),
  ];
  // Hidden fields are not in `fields`: a filter naming one fails as an unknown field (400).
  return sources
    .map(([filter, basePath]) => compileFilter(filter, { fields, context, basePath }))
    .filter((query) => Object.keys(query).length > 0);
}

/**
 * Runs a report query for the caller: validates the widget, resolves its form, refuses fields hidden from
 * the caller's roles, and aggregates only the records the caller may view. The access layer builds the
 * first `$match` (workspace, form, data scope, filters); the report package builds everything after it.
 */
export async function queryReport(
  connection: Connection,
  caller: Caller,
  request: ReportRequest,
): Promise<ReportResult> {
  const issues = validateWidget(request.widget);
  if (issues.length > 0)
    throw appError('VALIDATION_FAILED', 'Invalid widget', issueDetails(issues, '/widget'));
  const widget = request.widget as Widget;
  const formId = await resolveForm(connection, caller, widget.source.form, request.appId);
  const target = await openForm(connection, caller, formId);
  if (!target.access.can('view')) throw appError('FORBIDDEN', 'You may not view records of this form');

  // The fields the caller may name: those hidden from the caller's roles are left out like unknown ones.
  const filterFields = target.queryFields;
  const hiddenSort = hiddenSorts(widget, target);
  if (hiddenSort.length > 0) throw appError('UNPROCESSABLE', 'The widget does not fit the form', hiddenSort);
  const extra = compileFilters(target, filterFields, widget, request.filters ?? []);
  const match = target.access.filter('view', flatten([{ deletedAt: null }, ...extra]));
  if (!match) throw appError('FORBIDDEN', 'You may not view records of this form');

  const compiled = compileReport(widget, {
    fields: reportFields(target, filterFields),
    match,
    timeZone: caller.timeZone,
  });
  if (!compiled.ok) {
    throw appError(
      'UNPROCESSABLE',
      'The widget does not fit the form',
      compiled.issues.map((issue) => ({ path: `/widget${issue.path}`, message: describeReportIssue(issue) })),
    );
  }
  const docs = await recordModel(connection)
    .aggregate<Record<string, unknown>>(compiled.query.pipeline as never)
    .option({ maxTimeMS: MAX_TIME_MS });
  return shapeReport(compiled.query.plan, docs);
}
