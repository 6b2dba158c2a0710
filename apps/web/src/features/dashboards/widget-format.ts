import type { ReportColumn, ReportResult, ReportRow } from '@formloom/report';
import type { Widget } from '@formloom/schema';
import type { TFunction } from 'i18next';
import type { FieldDefinition, FormDefinitionSummary } from '../../api/apps';
import type { Member } from '../../api/endpoints';
import { localized } from '../../i18n/localized';
import type { DepartmentEntry } from '../forms/fields/directory';
import { formatNumber, optionLabel } from '../forms/fields/format';

/** What turns a widget's raw values into text: the source form, people and departments, the language. */
export interface WidgetContext {
  widget: Widget;
  form: FormDefinitionSummary | undefined;
  members: Map<string, Member> | undefined;
  departments: Map<string, DepartmentEntry> | undefined;
  language: string;
  t: TFunction;
  /** The widget's title in the UI language. */
  widgetTitle: string;
  /** The signed-in user (rankings highlight them). */
  viewerId: string;
}

const MEMBER_SYSTEM = new Set(['_owner', '_createdBy']);
/** Derived columns that are ratios, shown as percentages whatever the widget says. */
const RATIOS = new Set(['change', 'conversion', 'overall', 'percentOfTotal']);

/** The definition of a field (or subform column `items.qty`) of the widget's form. */
export function fieldOf(
  form: FormDefinitionSummary | undefined,
  key: string | undefined,
): FieldDefinition | undefined {
  if (!form || !key) return undefined;
  const [head, column] = key.split('.');
  const field = form.fields.find((f) => f.key === head);
  return column === undefined ? field : field?.columns?.find((c) => c.key === column);
}

/** The label of a column: its own, else its field's, else a description of its aggregate. */
export function columnLabel(
  column: ReportColumn,
  ctx: WidgetContext,
  columns?: readonly ReportColumn[],
): string {
  if (column.derivation === 'delta' || column.derivation === 'change' || column.derivation === 'forecast') {
    const base = columns?.find((c) => c.key === column.of);
    const of = base && base !== column ? columnLabel(base, ctx, columns) : (column.of ?? '');
    return ctx.t(`dashboards.derived.${column.derivation}`, { of });
  }
  const own = localized(column.label, ctx.language);
  if (own) return own;
  // A computed figure without a name of its own reads by what it is computed from, never by its key.
  if (
    column.derivation === 'previous' ||
    column.derivation === 'percentOfTotal' ||
    column.derivation === 'runningTotal'
  ) {
    const base = columns?.find((c) => c.key === column.of);
    const of = base && base !== column ? columnLabel(base, ctx, columns) : (column.of ?? '');
    return ctx.t(`dashboards.derived.${column.derivation}`, { of });
  }
  if (column.derivation === 'formula') return ctx.t('dashboards.derived.formula');
  if (column.derivation === 'rank') return ctx.t('dashboards.derived.rank');
  if (column.derivation === 'conversion' || column.derivation === 'overall')
    return ctx.t(`dashboards.derived.${column.derivation}`);
  if (column.field?.startsWith('_')) return ctx.t(`dashboards.system.${column.field}`);
  const field = fieldOf(ctx.form, column.field);
  const name = field ? localized(field.label, ctx.language) || field.key : (column.field ?? '');
  if (column.type === 'dimension') return name;
  if (column.aggregate === 'count' && !column.field) return ctx.t('dashboards.aggregate.count');
  return column.aggregate
    ? ctx.t(`dashboards.aggregateOf.${column.aggregate}`, { field: name })
    : name || column.key;
}

/** A dimension value as people read it: member and department names, option labels, "(empty)". */
export function dimensionText(
  column: ReportColumn | undefined,
  value: ReportRow[string],
  ctx: WidgetContext,
): string {
  if (value === null || value === undefined || value === '') return ctx.t('dashboards.empty');
  if (!column) return String(value);
  const key = column.field ?? column.key;
  const field = fieldOf(ctx.form, key);
  if (MEMBER_SYSTEM.has(key) || field?.type === 'member') {
    return ctx.members?.get(String(value))?.name ?? ctx.t('fields.unknownMember');
  }
  if (key === '_dept' || field?.type === 'department') {
    return ctx.departments?.get(String(value))?.name ?? String(value);
  }
  if (field && Array.isArray(field.options)) return optionLabel(field, value, ctx.language);
  if (typeof value === 'boolean') return ctx.t(value ? 'fields.yes' : 'fields.no');
  if (typeof value === 'number') return new Intl.NumberFormat(ctx.language).format(value);
  return String(value);
}

/** Whether a measure column is a fraction shown as a percentage. */
export function isPercent(column: ReportColumn, widget: Widget): boolean {
  if (column.derivation && RATIOS.has(column.derivation)) return true;
  const percent = widget.options?.percent;
  const base = column.key.split(':')[0] ?? column.key;
  return (
    Array.isArray(percent) &&
    (percent.includes(base) ||
      (column.of !== undefined && percent.includes(column.of) && column.derivation !== 'delta'))
  );
}

/** The field whose format a measure column takes (money in its currency): its own, or the measure it derives from. */
function measureField(
  column: ReportColumn,
  columns: readonly ReportColumn[],
  ctx: WidgetContext,
): FieldDefinition | undefined {
  if (column.aggregate === 'count' || column.aggregate === 'countDistinct') return undefined;
  if (column.field) return fieldOf(ctx.form, column.field);
  if (column.of) {
    const base = columns.find((c) => c.key === column.of);
    return base && base !== column ? measureField(base, columns, ctx) : undefined;
  }
  return undefined;
}

/** A formula's figure reads as the value it computes: a money formula in its currency, not a bare number. */
function asValueField(field: FieldDefinition | undefined): FieldDefinition | undefined {
  return field?.type === 'formula' && typeof field.resultType === 'string'
    ? { ...field, type: field.resultType }
    : field;
}

const percentFormat = new Map<string, Intl.NumberFormat>();

/** A figure as text: percentages for ratios, money in the field's currency, else a locale number. */
export function measureText(
  column: ReportColumn,
  value: ReportRow[string],
  result: ReportResult,
  ctx: WidgetContext,
): string {
  if (value === null || value === undefined) return '–';
  if (typeof value !== 'number') return String(value);
  if (isPercent(column, ctx.widget)) {
    let format = percentFormat.get(ctx.language);
    if (!format) {
      format = new Intl.NumberFormat(ctx.language, { style: 'percent', maximumFractionDigits: 1 });
      percentFormat.set(ctx.language, format);
    }
    return format.format(value);
  }
  const field = asValueField(measureField(column, result.columns, ctx));
  if (field && field.type !== 'percent') {
    const text = formatNumber(value, { ...field, precision: Number.isInteger(value) ? 0 : 2 }, ctx.language);
    if (text) return text;
  }
  return new Intl.NumberFormat(ctx.language, { maximumFractionDigits: 2 }).format(value);
}

/** A short axis number (12.3K, 1.2万). */
export function compactNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** The dimension columns of a result, in order. */
export const dimensionColumns = (result: ReportResult) =>
  result.columns.filter((c) => c.type === 'dimension');

/** The measure columns worth drawing: not deltas, changes, forecasts, ranks or viewer flags. */
export function plottedMeasures(result: ReportResult): ReportColumn[] {
  return result.columns.filter(
    (c) =>
      c.type === 'measure' &&
      !['delta', 'change', 'forecast', 'forecastFlag', 'rank', 'viewer', 'conversion', 'overall'].includes(
        c.derivation ?? '',
      ),
  );
}

/** The figure a KPI card leads with, its target and its change from the previous period. */
export function kpiParts(result: ReportResult, ctx: WidgetContext) {
  const options = ctx.widget.options ?? {};
  const measures = result.columns.filter((c) => c.type === 'measure');
  const named = (key: unknown) => (typeof key === 'string' ? measures.find((c) => c.key === key) : undefined);
  const target =
    named(options.targetMeasure) ??
    measures.find((c) => c.derivation === 'target') ??
    measures.find((c) => c.key === 'target');
  // Without a target, a ratio computed from the other figures (a win rate) says most; with one, the figure itself.
  const ratio = target ? undefined : measures.findLast((c) => c.derivation === 'formula');
  const main =
    named(options.valueMeasure) ??
    ratio ??
    measures.find((c) => c !== target && !c.derivation && !isPercent(c, ctx.widget)) ??
    measures.find((c) => c !== target) ??
    target;
  const change = measures.find((c) => c.derivation === 'change' && c.of === main?.key);
  const previous = measures.find((c) => c.derivation === 'previous' && c.of === main?.key);
  const others = measures.filter(
    (c) => c !== main && c !== target && c.derivation !== 'delta' && c.derivation !== 'change',
  );
  return { main, target, change, previous, others };
}
