import {
  appError,
  type ErrorDetail,
  isAppError,
  type RenderedDetail,
  renderDetails,
  t,
} from '../../lib/errors.js';
import type { Locale } from '../../lib/messages/index.js';
import { type FieldDef, isComputed } from '../forms/meta.js';
import { holdRecordChanges } from '../realtime/bus.js';
import type { FormTarget } from './context.js';
import { checkRows, type PlannedRow, writeRows } from './import-pass.js';
import { readRows } from './import-rows.js';
import { type UndoEntry, undoImport } from './import-undo.js';

/** What `POST .../records/import` takes. */
export interface ImportRequest {
  format: 'csv' | 'xlsx';
  /** CSV text, or the XLSX file in base64. */
  content: string;
  /** Column header -> field key (`""` leaves the column out); headers matching a field's key or label map by themselves. */
  mapping?: Record<string, string>;
  /** Check every row and report, writing nothing. */
  dryRun?: boolean;
  /** `allOrNothing`: any bad row stops the import before anything is written; `skip`: bad rows are left out. */
  mode?: 'allOrNothing' | 'skip';
  /** A unique field: rows whose value matches a live record update it instead of creating one. */
  upsertBy?: string;
  /** Run as a background job (answered 202 with its id); large files always are. */
  async?: boolean;
}

/** Where an import stands; reported while it runs (jobs persist it and send it over socket.io). */
export interface ImportProgress {
  /** `validating` checks every row; `writing` stores the good ones; `undoing` takes a failed all-or-nothing import back. */
  phase: 'validating' | 'writing' | 'undoing';
  /** Rows of the file. */
  total: number;
  /** Rows finished in the current phase. */
  done: number;
  created: number;
  updated: number;
  skipped: number;
  /** Bad rows so far. */
  errors: number;
}

/** Hooks of a running import. */
export interface ImportOptions {
  /** Called after every row; callers throttle what they do with it. */
  onProgress?: (progress: ImportProgress) => void;
  /** Stops the import between rows (server shutdown); an all-or-nothing import is then undone. */
  signal?: AbortSignal;
  /** Every write the import made, in order, as it must be taken back (imports that can be undone later). */
  written?: UndoEntry[];
}

/** The outcome of an import (or of its dry run). */
export interface ImportReport {
  dryRun: boolean;
  total: number;
  valid: number;
  created: number;
  updated: number;
  skipped: number;
  /** Bad rows: `row` is the line in the file (the header is line 1). */
  errors: Array<{ row: number; details: ErrorDetail[] }>;
}

/** Bad rows as the client reads them, in `locale`. */
export function renderRowErrors(
  errors: ImportReport['errors'],
  locale: Locale,
): Array<{ row: number; details: RenderedDetail[] }> {
  return errors.map((e) => ({ row: e.row, details: renderDetails(e.details, locale) }));
}

/** A report as the client reads it, in `locale`. */
export function renderReport(report: ImportReport, locale: Locale) {
  return { ...report, errors: renderRowErrors(report.errors, locale) };
}

const MAX_ROWS = 10_000;
function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw appError('STORE_UNAVAILABLE', 'import.serverStopped');
}

function progressOf(report: ImportReport, phase: ImportProgress['phase'], done: number): ImportProgress {
  const { total, created, updated, skipped } = report;
  return { phase, total, done, created, updated, skipped, errors: report.errors.length };
}

/** Two rows of one file must not claim the same unique value (each alone would pass the store check). */
function duplicateDetails(
  uniques: readonly FieldDef[],
  seen: Map<string, number>,
  data: Record<string, unknown>,
  line: number,
): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const field of uniques) {
    const value = data[field.key];
    if (value === undefined || value === null || value === '') continue;
    const key = `${field.key}\u0000${JSON.stringify(value)}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, line);
    else details.push({ path: `/rows/${line}/${field.key}`, message: t('detail.sameAsRow', { row: first }) });
  }
  return details;
}

/**
 * Checks what can be checked without reading the file (permission, `upsertBy`, `mapping`) and resolves
 * column headers to fields. Background imports call it before answering 202, so these mistakes still
 * answer the request itself.
 */
export function planImport(target: FormTarget, request: ImportRequest) {
  if (!target.access.canSubmit) throw appError('FORBIDDEN', 'record.mayNotAdd');
  const fields = target.form.definition.fields.filter((f) => !f.hidden && !isComputed(f));
  const upsertField = request.upsertBy ? fields.find((f) => f.key === request.upsertBy) : undefined;
  if (request.upsertBy && !upsertField?.unique) {
    throw appError('VALIDATION_FAILED', 'import.invalid', [
      { path: '/upsertBy', message: 'detail.uniqueField' },
    ]);
  }
  const byHeader = new Map<string, FieldDef>();
  for (const field of fields) {
    byHeader.set(field.key, field);
    const label = field.label as { en?: string; 'zh-CN'?: string } | undefined;
    if (label?.en) byHeader.set(label.en, field);
    if (label?.['zh-CN']) byHeader.set(label['zh-CN'], field);
  }
  for (const [header, key] of Object.entries(request.mapping ?? {})) {
    // An empty target leaves the column out, even when its header names a field.
    if (key === '') {
      byHeader.delete(header);
      continue;
    }
    const field = fields.find((f) => f.key === key);
    if (!field)
      throw appError('VALIDATION_FAILED', 'import.invalidMapping', [
        { path: `/mapping/${header}`, message: t('detail.unknownField', { field: key }) },
      ]);
    byHeader.set(header, field);
  }
  return { fields, upsertField, byHeader };
}

/**
 * Imports CSV or XLSX rows as records, each validated exactly as a create (or, with `upsertBy`, an
 * update) over the API would be. A dry run reports every bad row with its reasons and writes nothing.
 * All-or-nothing (the default) writes only when every row is good, and undoes the rows it wrote when a
 * write still fails midway (a concurrent change took a unique value, the server stops); `skip` leaves
 * bad rows out, including rows whose write fails.
 */
export async function importRecords(
  target: FormTarget,
  request: ImportRequest,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const { onProgress, signal } = options;
  // Automations see these writes as an import (they fire for them only when asked to).
  target = { ...target, origin: { via: 'import' } };
  const { fields, upsertField, byHeader } = planImport(target, request);
  const rows = await readRows(request);
  if (rows.length > MAX_ROWS) throw appError('PAYLOAD_TOO_LARGE', t('import.tooManyRows', { max: MAX_ROWS }));

  const report: ImportReport = {
    dryRun: request.dryRun === true,
    total: rows.length,
    valid: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    errors: [],
  };
  const uniques = fields.filter((f) => f.unique);
  const seen = new Map<string, number>();
  const planned: PlannedRow[] = [];
  onProgress?.(progressOf(report, 'validating', 0));
  await checkRows(target, { fields, upsertField, byHeader }, rows, {
    stop: () => stopIfAborted(signal),
    duplicates: (checked, line) => duplicateDetails(uniques, seen, checked, line),
    onRow: (row, index) => {
      if (row.details.length > 0) {
        report.errors.push({ row: row.line, details: rowDetails(row.details, row.line) });
      } else {
        report.valid += 1;
        planned.push(
          row.existing
            ? { line: row.line, data: row.data, existing: row.existing }
            : { line: row.line, data: row.data },
        );
      }
      onProgress?.(progressOf(report, 'validating', index + 1));
    },
  });
  report.skipped = report.errors.length;
  if (report.dryRun) return report;
  if (request.mode !== 'skip' && report.errors.length > 0) {
    throw appError(
      'UNPROCESSABLE',
      t('import.rowsRefused', { count: report.errors.length }),
      report.errors.flatMap((e) => e.details).slice(0, 200),
    );
  }

  const undo: UndoEntry[] = options.written ?? [];
  const writeAll = async () => {
    onProgress?.(progressOf(report, 'writing', 0));
    await writeRows(target, planned, undo, {
      stop: () => stopIfAborted(signal),
      onWritten: (kind) => {
        if (kind === 'created') report.created += 1;
        else report.updated += 1;
      },
      onFailure: (row, error) => {
        if (request.mode !== 'skip' || !isAppError(error))
          throw Object.assign(error as object, { row: row.line });
        // Skip mode: a row whose write fails (a concurrent change) is one more bad row.
        report.errors.push({
          row: row.line,
          details: rowDetails(error.details ?? [{ path: '', message: error.text }], row.line),
        });
        report.valid -= 1;
        report.skipped += 1;
      },
      onProgress: (done) => onProgress?.(progressOf(report, 'writing', done)),
    });
  };
  if (request.mode === 'skip') {
    await writeAll();
    return report;
  }
  try {
    // Announced only once every row is in: records that get undone were never shown to anyone.
    await holdRecordChanges(target.connection, writeAll);
  } catch (error) {
    onProgress?.(progressOf(report, 'undoing', 0));
    const failures = await undoImport(target, undo);
    const row = (error as { row?: number }).row;
    // Only the catalogue's messages reach clients; a store failure is described, not quoted.
    const reason = isAppError(error) ? error.text : t('import.storeFailed');
    const undone = row ? t('import.rowFailed', { row, reason }) : t('import.failed', { reason });
    throw appError(
      isAppError(error) && error.code === 'STORE_UNAVAILABLE' ? 'STORE_UNAVAILABLE' : 'UNPROCESSABLE',
      failures > 0 ? t('import.partlyUndone', { undone, failures }) : undone,
      isAppError(error) && error.details && row ? rowDetails(error.details, row) : undefined,
    );
  }
  return report;
}

function rowDetails(details: readonly ErrorDetail[], line: number): ErrorDetail[] {
  return details.map((d) => ({ ...d, path: d.path.replace(/^\/data/, `/rows/${line}`) }));
}
