import { widgetType } from '@formloom/report';
import type { Dashboard, Dimension, Measure, Widget } from '@formloom/schema';
import type { FieldDefinition, FormDefinitionSummary } from '../../../api/apps';

/** A field a widget may group by or aggregate, as the designer offers it. */
export interface FieldChoice {
  key: string;
  /** The field's definition (system fields have none). */
  field?: FieldDefinition;
  date: boolean;
  numeric: boolean;
  /** The subform a column belongs to (its key is `subform.column`; the widget then counts subform rows). */
  parent?: FieldDefinition;
}

const NUMERIC = new Set(['number', 'money', 'percent', 'rating', 'rollup']);
const DATES = new Set(['date', 'datetime']);
/** Field types that cannot be grouped by (opaque values). */
const OPAQUE = new Set(['subform', 'address', 'file', 'image', 'signature', 'richtext', 'textarea']);
const SYSTEM: FieldChoice[] = [
  { key: '_owner', date: false, numeric: false },
  { key: '_dept', date: false, numeric: false },
  { key: '_createdBy', date: false, numeric: false },
  { key: '_createdAt', date: true, numeric: false },
  { key: '_updatedAt', date: true, numeric: false },
];

function isNumeric(field: FieldDefinition): boolean {
  if (NUMERIC.has(field.type)) return true;
  return field.type === 'formula' && ['number', 'money', 'percent'].includes(String(field.resultType ?? ''));
}

/**
 * The fields of a form a widget may name: its own (minus removed and opaque ones), then its subforms'
 * columns (`items.product`), then the system fields. Fields hidden from the caller are left out.
 */
export function fieldChoices(
  form: FormDefinitionSummary | undefined,
  hidden: readonly string[] = [],
): FieldChoice[] {
  const usable = (f: FieldDefinition, key: string) =>
    !f.hidden && !OPAQUE.has(f.type) && !hidden.includes(key);
  const choice = (f: FieldDefinition, key: string, parent?: FieldDefinition): FieldChoice => ({
    key,
    field: f,
    date: DATES.has(f.type),
    numeric: isNumeric(f),
    ...(parent ? { parent } : {}),
  });
  const fields = form?.fields ?? [];
  const own = fields.filter((f) => usable(f, f.key)).map((f) => choice(f, f.key));
  const columns = fields
    .filter((f) => f.type === 'subform' && !f.hidden && !hidden.includes(f.key))
    .flatMap((sub) =>
      (sub.columns ?? [])
        .filter((c) => usable(c, `${sub.key}.${c.key}`))
        .map((c) => choice(c, `${sub.key}.${c.key}`, sub)),
    );
  return [...own, ...columns, ...SYSTEM];
}

/** How many dimensions a widget type takes (the report package's registry). */
export function dimensionLimits(type: Widget['type']): { min: number; max: number } {
  return widgetType(type)?.dimensions ?? { min: 0, max: 0 };
}

/** A key not used by any widget of the dashboard yet (`widget1`, `widget2`...). */
export function freshWidgetKey(dashboard: Dashboard): string {
  const taken = new Set(dashboard.widgets.map((w) => w.key));
  let n = dashboard.widgets.length + 1;
  while (taken.has(`widget${n}`)) n += 1;
  return `widget${n}`;
}

/** The title a new widget starts with, in each language of the web app. */
export const NEW_WIDGET_TITLE: Readonly<Record<string, string>> = { en: 'New widget', 'zh-CN': '新组件' };

/** A new bar chart counting the records of `form`, placed full width below the others. */
export function addWidget(
  dashboard: Dashboard,
  form: FormDefinitionSummary,
  title: Record<string, string>,
): Dashboard {
  const key = freshWidgetKey(dashboard);
  const first = fieldChoices(form).find((c) => !c.numeric && !c.date) ?? { key: '_owner' };
  const widget: Widget = {
    key,
    type: 'bar',
    title,
    source: { form: form.key },
    dimensions: [{ field: first.key }],
    measures: [{ key: 'count', aggregate: 'count' }],
  };
  const layout = dashboard.layout ?? [];
  const bottom = layout.reduce((max, p) => Math.max(max, p.y + p.h), 0);
  return {
    ...dashboard,
    widgets: [...dashboard.widgets, widget],
    layout: [...layout, { widget: key, x: 0, y: bottom, w: 12, h: 8 }],
  };
}

/** Replaces one widget (by its key) with `next`. */
export function replaceWidget(dashboard: Dashboard, key: string, next: Widget): Dashboard {
  return { ...dashboard, widgets: dashboard.widgets.map((w) => (w.key === key ? next : w)) };
}

/** Removes a widget and its place. */
export function removeWidget(dashboard: Dashboard, key: string): Dashboard {
  return {
    ...dashboard,
    widgets: dashboard.widgets.filter((w) => w.key !== key),
    layout: (dashboard.layout ?? []).filter((p) => p.widget !== key),
  };
}

/**
 * A widget of another type: dimensions cut to what the type takes (a KPI has none; a pie one), type-specific
 * options that no longer apply dropped, so the preview never asks the server for an impossible widget.
 */
export function changeType(
  widget: Widget,
  type: Widget['type'],
  form: FormDefinitionSummary | undefined,
): Widget {
  const { max, min } = dimensionLimits(type);
  let dimensions = (widget.dimensions ?? []).slice(0, max);
  if (dimensions.length < min) {
    const extra = fieldChoices(form).find((c) => !c.numeric && !dimensions.some((d) => d.field === c.key));
    if (extra) dimensions = [...dimensions, { field: extra.key }];
  }
  const { dimensions: _d, drilldown, sort, limit, options, ...rest } = widget;
  // Drill levels, order and top N stay while the type still groups (a KPI has nothing to drill or sort).
  const grouped =
    dimensions.length > 0
      ? { ...(drilldown ? { drilldown } : {}), ...(sort ? { sort } : {}), ...(limit ? { limit } : {}) }
      : {};
  const kept = Object.fromEntries(
    Object.entries(options ?? {}).filter(
      ([k]) => ['title', 'percent', 'targetLine'].includes(k) || type === widget.type,
    ),
  );
  const measures = (widget.measures ?? []).map((m) => {
    // Targets joined on dimensions lose their match when the widget has none.
    if (!m.target) return m;
    const match = dimensions.map((d, i) => m.target?.match?.[i] ?? { field: d.field });
    const { match: _m, ...target } = m.target;
    return { ...m, target: dimensions.length > 0 ? { ...target, match } : target };
  });
  return {
    ...rest,
    type,
    measures,
    ...(dimensions.length > 0 ? { dimensions } : {}),
    ...grouped,
    ...(Object.keys(kept).length > 0 ? { options: kept } : {}),
  };
}

/** The key of the widget's target series measure, if it has one. */
export const TARGET_KEY = 'target';

/**
 * Adds a target series (another form's figure joined on the widget's dimensions) drawn as the bar chart's
 * target line, or removes it.
 */
export function setTarget(widget: Widget, target: Measure['target'] | undefined): Widget {
  const measures = (widget.measures ?? []).filter((m) => m.key !== TARGET_KEY);
  const options = { ...(widget.options ?? {}) };
  if (!target) {
    delete options.targetLine;
    const { options: _o, ...rest } = widget;
    return { ...rest, measures, ...(Object.keys(options).length > 0 ? { options } : {}) };
  }
  return {
    ...widget,
    measures: [...measures, { key: TARGET_KEY, label: { en: 'Target', 'zh-CN': '目标' }, target }],
    options: { ...options, targetLine: TARGET_KEY },
  };
}

/** A key for a measure from its aggregate and field (`sum_amount`), unique in the widget. */
export function measureKey(
  widget: { measures?: readonly Measure[] | undefined },
  aggregate: string,
  field: string | undefined,
): string {
  const base = field ? `${aggregate}_${field.replace(/[^A-Za-z0-9_]/g, '_')}` : aggregate;
  const taken = new Set((widget.measures ?? []).map((m) => m.key));
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
  return key;
}

/**
 * The next drill-down level to offer below `levels` (the widget's first dimension, then its drill levels):
 * a finer bucket of the same date (year → quarter → month → week → day), else the first field that can be
 * grouped by and is not used yet.
 */
export function nextDrillLevel(
  levels: readonly Dimension[],
  choices: readonly FieldChoice[],
): Dimension | undefined {
  const last = levels.at(-1);
  const lastChoice = choices.find((c) => c.key === last?.field);
  if (last && lastChoice?.date) {
    const order = ['year', 'quarter', 'month', 'week', 'day'] as const;
    const finer = order[order.indexOf(last.granularity ?? 'month') + 1];
    if (finer) return { field: last.field, granularity: finer };
  }
  const free = choices.find((c) => !c.numeric && !levels.some((d) => d.field === c.key));
  return free ? { field: free.key, ...(free.date ? { granularity: 'year' as const } : {}) } : undefined;
}

/** Sets (or with an empty list, removes) a widget key; empty values never reach the server. */
export function withKey<K extends 'dimensions' | 'drilldown' | 'sort' | 'limit' | 'measures'>(
  widget: Widget,
  key: K,
  value: Widget[K] | undefined,
): Widget {
  const { [key]: _old, ...rest } = widget;
  const empty = value === undefined || (Array.isArray(value) && value.length === 0);
  return (empty ? rest : { ...rest, [key]: value }) as Widget;
}

/**
 * The columns a widget's sort may name: its dimensions (by column key: the field, `field_2` when a
 * field is used twice) and its measures (by key, `<aggregate>_<field>` or `count` without one).
 */
export function sortColumns(
  widget: Widget,
): Array<{ key: string; dimension?: Dimension; measure?: Measure }> {
  const seen = new Map<string, number>();
  const out: Array<{ key: string; dimension?: Dimension; measure?: Measure }> = [];
  for (const dimension of widget.dimensions ?? []) {
    const n = (seen.get(dimension.field) ?? 0) + 1;
    seen.set(dimension.field, n);
    out.push({ key: n === 1 ? dimension.field : `${dimension.field}_${n}`, dimension });
  }
  for (const measure of widget.measures ?? []) {
    const key = measure.key ?? (measure.field ? `${measure.aggregate ?? 'count'}_${measure.field}` : 'count');
    out.push({ key, measure });
  }
  return out;
}
