import type { Locale, ValueKind } from '@formloom/schema';
import type { ReportIssue, ReportIssueCode } from './types.js';

type Params = ReportIssue['params'];

/** A locale's texts: one function per issue code, so a missing translation fails to compile. */
type ReportMessages = { readonly [C in ReportIssueCode]: (p: Params) => string };

const en: ReportMessages = {
  'report.unknownField': (p) => `unknown field "${String(p.field)}"`,
  'report.aggregateKind': (p) => `${String(p.aggregate)} does not apply to a ${String(p.kind)} field`,
  'report.dimensionKind': (p) => `cannot group by a ${String(p.kind)} field`,
  'report.granularityKind': () => 'granularity applies to date fields only',
  'report.unknownSort': (p) => `"${String(p.by)}" is not a column of the widget`,
  'report.dimensionCount': (p) =>
    p.min === p.max
      ? `a ${String(p.type)} widget takes exactly ${String(p.min)} dimension(s)`
      : `a ${String(p.type)} widget takes ${String(p.min)} to ${String(p.max)} dimensions`,
  'report.measureCount': (p) => `a ${String(p.type)} widget takes at most ${String(p.max)} measures`,
  'report.option': (p) => `must be a ${String(p.expected)}`,
  'report.widgetType': (p) => `widget type "${String(p.type)}" has no report`,
  'report.measureKind': () =>
    'a measure needs exactly one of aggregate, formula, percentOfTotal, runningTotal, previous, target (and a key when derived)',
  'report.unknownMeasure': (p) => `"${String(p.measure)}" is no measure before this one`,
  'report.formula': (p) => `the formula does not compute over the measures before it (${String(p.message)})`,
  'report.notAdditive': (p) => `a ${String(p.aggregate)} does not add up across groups; use a sum or a count`,
  'report.previousPeriod': () =>
    'the previous period needs a date dimension with a granularity, or a $period filter',
  'report.subformMix': (p) =>
    `"${String(p.field)}" is a column of another subform than the widget's other columns`,
  'report.drill': (p) =>
    p.levels !== undefined
      ? `the widget has ${String(p.levels)} level(s) to drill into`
      : `must be ${String(p.expected)}`,
};

const KINDS_ZH: Readonly<Record<ValueKind, string>> = {
  text: '文本',
  id: '选项或引用',
  number: '数字',
  boolean: '是/否',
  date: '日期',
  datetime: '日期时间',
  objectId: 'ID',
  timestamp: '时间戳',
  opaque: '结构化',
};
const kindZh = (kind: unknown) => KINDS_ZH[kind as ValueKind] ?? String(kind);

const zhCN: ReportMessages = {
  'report.unknownField': (p) => `未知字段“${String(p.field)}”`,
  'report.aggregateKind': (p) => `${String(p.aggregate)} 不适用于${kindZh(p.kind)}字段`,
  'report.dimensionKind': (p) => `不能按${kindZh(p.kind)}字段分组`,
  'report.granularityKind': () => '时间粒度只适用于日期字段',
  'report.unknownSort': (p) => `“${String(p.by)}”不是该组件的列`,
  'report.dimensionCount': (p) =>
    p.min === p.max
      ? `${String(p.type)} 组件需要恰好 ${String(p.min)} 个维度`
      : `${String(p.type)} 组件需要 ${String(p.min)} 到 ${String(p.max)} 个维度`,
  'report.measureCount': (p) => `${String(p.type)} 组件最多 ${String(p.max)} 个指标`,
  'report.option': (p) => `应为 ${String(p.expected)}`,
  'report.widgetType': (p) => `组件类型“${String(p.type)}”没有报表`,
  'report.measureKind': () =>
    '指标必须且只能有 aggregate、formula、percentOfTotal、runningTotal、previous、target 之一（派生指标还需要 key）',
  'report.unknownMeasure': (p) => `“${String(p.measure)}”不是此前的指标`,
  'report.formula': (p) => `公式无法基于此前的指标计算（${String(p.message)}）`,
  'report.notAdditive': (p) => `${String(p.aggregate)} 不能跨分组相加；请使用求和或计数`,
  'report.previousPeriod': () => '上一周期需要带时间粒度的日期维度，或 $period 筛选条件',
  'report.subformMix': (p) => `“${String(p.field)}”与该组件的其他列属于不同的子表单`,
  'report.drill': (p) =>
    p.levels !== undefined ? `该组件可下钻 ${String(p.levels)} 层` : `应为 ${String(p.expected)}`,
};

const messages: Readonly<Record<Locale, ReportMessages>> = { en, 'zh-CN': zhCN };

/**
 * The text of a report issue in `locale` (default English), for API error details; the browser can use
 * the same function, so both word issues alike.
 */
export function describeReportIssue(issue: ReportIssue, locale: Locale = 'en'): string {
  return messages[locale][issue.code](issue.params);
}
