import type { ReportIssue } from './types.js';

/**
 * A short English text for a report issue, for API error details. The browser words issues from their
 * codes with its own locale files; this keeps the server's answers readable without them.
 */
export function describeReportIssue(issue: ReportIssue): string {
  const p = issue.params;
  switch (issue.code) {
    case 'report.unknownField':
      return `unknown field "${String(p.field)}"`;
    case 'report.aggregateKind':
      return `${String(p.aggregate)} does not apply to a ${String(p.kind)} field`;
    case 'report.dimensionKind':
      return `cannot group by a ${String(p.kind)} field`;
    case 'report.granularityKind':
      return 'granularity applies to date fields only';
    case 'report.unknownSort':
      return `"${String(p.by)}" is not a column of the widget`;
    case 'report.dimensionCount':
      return p.min === p.max
        ? `a ${String(p.type)} widget takes exactly ${String(p.min)} dimension(s)`
        : `a ${String(p.type)} widget takes ${String(p.min)} to ${String(p.max)} dimensions`;
    case 'report.measureCount':
      return `a ${String(p.type)} widget takes at most ${String(p.max)} measures`;
    case 'report.option':
      return `must be a ${String(p.expected)}`;
    case 'report.widgetType':
      return `widget type "${String(p.type)}" has no report`;
    case 'report.measureKind':
      return 'a measure needs exactly one of aggregate, formula, percentOfTotal, runningTotal, previous, target (and a key when derived)';
    case 'report.unknownMeasure':
      return `"${String(p.measure)}" is no measure before this one`;
    case 'report.formula':
      return `the formula does not compute over the measures before it (${String(p.message)})`;
    case 'report.notAdditive':
      return `a ${String(p.aggregate)} does not add up across groups; use a sum or a count`;
    case 'report.previousPeriod':
      return 'the previous period needs a date dimension with a granularity, or a $period filter';
    case 'report.subformMix':
      return `"${String(p.field)}" is a column of another subform than the widget's other columns`;
    case 'report.drill':
      return p.levels !== undefined
        ? `the widget has ${String(p.levels)} level(s) to drill into`
        : `must be ${String(p.expected)}`;
  }
}
