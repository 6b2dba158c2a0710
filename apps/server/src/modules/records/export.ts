import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { appError, t } from '../../lib/errors.js';
import { safeCell } from '../../lib/spreadsheet.js';
import type { FieldDef } from '../forms/meta.js';
import type { FormTarget } from './context.js';
import { recordViews } from './context.js';
import { parseSort, sortDocument } from './cursor.js';
import { type RecordDoc, recordModel } from './model.js';
import { compileQueryFilter, flatten, searchFilter } from './read.js';

/** The view an export writes: the list's filter, search, sort and columns (all optional). */
export interface ExportView {
  /** JSON of the filter DSL. */
  filter?: string | undefined;
  /** Words to find in the form's text fields, as the list's `q`. */
  q?: string | undefined;
  /** As the list's `sort`; default: oldest first. */
  sort?: string | undefined;
  /** Comma-separated field keys: the columns, in this order; default every visible field. */
  fields?: string | undefined;
}

/** Most rows one export holds; larger exports should be filtered. */
export const MAX_EXPORT_ROWS = 100_000;

/** An export file. */
export interface ExportFile {
  contentType: string;
  filename: string;
  body: Buffer;
  rows: number;
}

function labelOf(field: FieldDef): string {
  const label = field.label as { en?: string; 'zh-CN'?: string } | undefined;
  return label?.en ?? label?.['zh-CN'] ?? field.key;
}

/**
 * A stored value as one spreadsheet cell: lists joined, structured values as JSON, and text a spreadsheet
 * would run as a formula neutralised (numbers stay numbers).
 */
function cell(value: unknown): string | number | boolean {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return safeCell(value.join(', ')) ?? '';
  return safeCell(value) ?? '';
}

/** The columns a view names, in its order; a field the caller may not see is unknown (400). */
function pickColumns(visible: readonly FieldDef[], raw: string): FieldDef[] {
  const byKey = new Map(visible.map((f) => [f.key, f]));
  const keys = raw.split(',').filter((k) => k.length > 0);
  const unknown = keys.filter((k) => !byKey.has(k));
  if (unknown.length > 0) {
    throw appError('VALIDATION_FAILED', 'record.invalidFields', [
      { path: '/query/fields', message: t('detail.unknownFields', { fields: unknown.slice(0, 20) }) },
    ]);
  }
  return keys.map((k) => byKey.get(k) as FieldDef);
}

/**
 * Exports exactly what the caller may see: the records of the view scope (and the optional filter),
 * without hidden fields, as CSV or XLSX with one column per visible field plus id and times.
 */
export async function exportRecords(
  target: FormTarget,
  format: 'csv' | 'xlsx',
  view: ExportView = {},
): Promise<ExportFile> {
  if (!target.access.canExport) throw appError('FORBIDDEN', 'record.mayNotExport');
  const filter = compileQueryFilter(target, view.filter);
  const search = searchFilter(target, view.q);
  const scoped = target.access.filter('view', flatten([{ deletedAt: null }, filter, search]));
  if (!scoped) throw appError('FORBIDDEN', 'record.mayNotView');
  const sort = view.sort ? sortDocument(parseSort(view.sort, target.queryFields)) : { _id: 1 as const };
  const docs = await recordModel(target.connection)
    .find(scoped)
    .sort(sort)
    .limit(MAX_EXPORT_ROWS + 1)
    .lean<RecordDoc[]>();
  if (docs.length > MAX_EXPORT_ROWS) {
    throw appError('PAYLOAD_TOO_LARGE', t('export.tooManyRows', { max: MAX_EXPORT_ROWS }));
  }
  const visible = target.form.definition.fields.filter((f) => !f.hidden && !target.access.hidden.has(f.key));
  const columns = view.fields ? pickColumns(visible, view.fields) : visible;
  const header = ['id', ...columns.map((f) => String(cell(labelOf(f)))), 'createdAt', 'updatedAt'];
  const views = await recordViews(target, docs);
  const rows = views.map((view) => {
    return [view.id, ...columns.map((f) => cell(view.data[f.key])), view.createdAt, view.updatedAt];
  });
  const name = target.form.key;
  if (format === 'csv') {
    // A BOM so spreadsheet programs read UTF-8 (Chinese labels) correctly.
    const text = `\uFEFF${Papa.unparse({ fields: header, data: rows })}`;
    return {
      contentType: 'text/csv; charset=utf-8',
      filename: `${name}.csv`,
      body: Buffer.from(text, 'utf8'),
      rows: rows.length,
    };
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(name.slice(0, 31));
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  return {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    filename: `${name}.xlsx`,
    body,
    rows: rows.length,
  };
}
