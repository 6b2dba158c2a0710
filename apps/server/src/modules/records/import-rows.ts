import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { appError, type ErrorDetail, t } from '../../lib/errors.js';
import type { FieldDef } from '../forms/meta.js';
import { type FormTarget, relatedAccess } from './context.js';
import { recordModel } from './model.js';

/** Reading an import file: rows by header, cells as field values, relation cells by display value. */

const LIST_TYPES = new Set(['multiselect', 'checkbox']);

/** The rows of the file, each as header -> cell. */
export async function readRows(request: {
  format: 'csv' | 'xlsx';
  content: string;
}): Promise<Record<string, unknown>[]> {
  if (request.format === 'csv') {
    const parsed = Papa.parse<Record<string, string>>(request.content.replace(/^\uFEFF/, ''), {
      header: true,
      skipEmptyLines: 'greedy',
    });
    return parsed.data;
  }
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(Buffer.from(request.content, 'base64') as unknown as ArrayBuffer);
  } catch {
    throw appError('VALIDATION_FAILED', 'import.invalidFile', [
      { path: '/content', message: 'detail.notXlsx' },
    ]);
  }
  const sheet = book.worksheets[0];
  if (!sheet) return [];
  const header = (sheet.getRow(1).values as unknown[]).map((v) =>
    v === undefined || v === null ? '' : String(v),
  );
  const rows: Record<string, unknown>[] = [];
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    const values = row.values as unknown[];
    const out: Record<string, unknown> = {};
    header.forEach((name, i) => {
      if (name) out[name] = values[i];
    });
    rows.push(out);
  });
  return rows;
}

/** One cell as the field's value type; what cannot convert is passed on for validation to report. */
export function convertCell(field: FieldDef, raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw instanceof Date) return field.type === 'date' ? raw.toISOString().slice(0, 10) : raw.toISOString();
  if (typeof raw === 'object') return (raw as { text?: unknown }).text ?? String(raw);
  const text = String(raw).trim();
  if (text === '') return undefined;
  if (['number', 'money', 'percent', 'rating'].includes(field.type)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (field.type === 'switch') {
    if (/^(true|yes|1|是)$/i.test(text)) return true;
    if (/^(false|no|0|否)$/i.test(text)) return false;
    return text;
  }
  if (LIST_TYPES.has(field.type) || field.multiple) {
    return text
      .split(/[,;，；]/)
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return text;
}

/** Relation cells may name the related record by its display field; turns those names into ids. */
export async function resolveRelations(
  target: FormTarget,
  data: Record<string, unknown>,
  line: number,
  errors: ErrorDetail[],
) {
  for (const field of target.form.definition.fields) {
    const value = data[field.key];
    if (field.type !== 'relation' || value === undefined || typeof field.form !== 'string') continue;
    const related = target.directory.byKey(field.form);
    const display = typeof field.displayField === 'string' ? field.displayField : undefined;
    const names = Array.isArray(value) ? value : [value];
    const ids: string[] = [];
    for (const name of names) {
      if (typeof name === 'string' && /^[0-9a-f]{24}$/i.test(name)) {
        ids.push(name.toLowerCase());
        continue;
      }
      // Only records the caller may view are found by name: a name of any other record answers as
      // one that names nothing (and two such records never make a name ambiguous).
      const filter =
        related && display
          ? relatedAccess(target, related.key)?.filter('view', {
              [`data.${display}`]: name,
              deletedAt: null,
            })
          : null;
      const found = filter
        ? await recordModel(target.connection).find(filter, { _id: 1 }).limit(2).lean()
        : [];
      if (found.length === 1 && found[0]) ids.push(found[0]._id.toHexString());
      else {
        errors.push({
          path: `/rows/${line}/${field.key}`,
          message:
            found.length > 1
              ? t('detail.nameAmbiguous', { name: String(name) })
              : t('detail.nameUnknown', { name: String(name) }),
        });
      }
    }
    data[field.key] = field.multiple ? ids : ids[0];
  }
}
