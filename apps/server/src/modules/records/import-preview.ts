import type { FormTarget } from './context.js';
import { type ImportRequest, planImport } from './import.js';
import { readRows } from './import-rows.js';

/** What an import wizard shows before the dry run: the file's columns, a few rows and field guesses. */
export interface ImportPreview {
  headers: string[];
  /** The first rows, cells as text. */
  sample: Array<Record<string, string>>;
  /** Rows in the file (without the header). */
  total: number;
  /** Header -> the field it would import into (as the import itself maps it, or a near match). */
  guesses: Record<string, string>;
  /** The fields an import can write: key, labels, type, whether required. */
  fields: Array<{ key: string; label: unknown; type: string; required: boolean; unique: boolean }>;
}

/** Lower case without spaces, punctuation or full-width forms: "Unit Price", "unit_price", "单价 " alike. */
function squash(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.:：()（）]+/g, '');
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const text =
      (value as { text?: unknown; result?: unknown }).text ?? (value as { result?: unknown }).result;
    return text === undefined ? JSON.stringify(value) : String(text);
  }
  return String(value);
}

/**
 * Reads an import file without writing anything: its columns, the first rows, and for each column the
 * field it maps to — exactly (key or label, as the import maps by itself) or by a near match of the
 * label — so the wizard can propose a mapping the user then checks.
 */
export async function previewImport(
  target: FormTarget,
  request: Pick<ImportRequest, 'format' | 'content'>,
): Promise<ImportPreview> {
  const { fields, byHeader } = planImport(target, { ...request });
  const rows = await readRows(request);
  const headers: string[] = [];
  for (const row of rows.slice(0, 200))
    for (const key of Object.keys(row)) if (!headers.includes(key)) headers.push(key);
  const near = new Map<string, string>();
  for (const field of fields) {
    const label = field.label as Record<string, string> | undefined;
    for (const name of [field.key, ...Object.values(label ?? {})]) near.set(squash(name), field.key);
  }
  const guesses: Record<string, string> = {};
  for (const header of headers) {
    const exact = byHeader.get(header);
    const guess = exact?.key ?? near.get(squash(header));
    if (guess && !Object.values(guesses).includes(guess)) guesses[header] = guess;
  }
  return {
    headers,
    sample: rows.slice(0, 5).map((row) => Object.fromEntries(headers.map((h) => [h, cellText(row[h])]))),
    total: rows.length,
    guesses,
    fields: fields.map((f) => ({
      key: f.key,
      label: f.label,
      type: f.type,
      required: f.required === true,
      unique: f.unique === true,
    })),
  };
}
