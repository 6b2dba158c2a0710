import type { ReportColumn, ReportResult } from '@formloom/report';
import ExcelJS from 'exceljs';
import { safeCell } from '../../lib/spreadsheet.js';

/** An exported widget: an XLSX file of its columns and rows. */
export interface WidgetFile {
  filename: string;
  contentType: string;
  body: Buffer;
  rows: number;
}

type Locale = 'en' | 'zh-CN';

const DERIVED_SUFFIX: Record<Locale, Record<string, string>> = {
  en: { delta: ' (change)', change: ' (change %)', forecast: ' (forecast)', subtotal: ' (total)' },
  'zh-CN': { delta: '（差额）', change: '（变化率）', forecast: '（预测）', subtotal: '（合计）' },
};

/** A column's header: its label in the locale (or the other one), else its key. */
function header(column: ReportColumn, locale: Locale): string {
  const label = column.label?.[locale] ?? column.label?.en ?? column.label?.['zh-CN'] ?? column.key;
  const suffix = column.derivation ? (DERIVED_SUFFIX[locale][column.derivation] ?? '') : '';
  return `${label}${suffix}`;
}

/**
 * The widget's result as one worksheet: a header row of column labels, then the rows as the widget shows
 * them. Text that a spreadsheet would run as a formula is neutralised; numbers stay numbers.
 */
export async function widgetWorkbook(
  name: string,
  result: ReportResult,
  locale: Locale = 'en',
): Promise<WidgetFile> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(name.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'report');
  sheet.addRow(result.columns.map((c) => safeCell(header(c, locale))));
  for (const row of result.rows) sheet.addRow(result.columns.map((c) => safeCell(row[c.key])));
  sheet.getRow(1).font = { bold: true };
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  return {
    filename: `${name}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body,
    rows: result.rows.length,
  };
}
