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
  }
}
