import { Types } from 'mongoose';
import { type ErrorDetail, isAppError } from '../../lib/errors.js';
import type { FieldDef } from '../forms/meta.js';
import { mapLimited } from './batch.js';
import { checkRelations, checkUnique } from './checks.js';
import { type FormTarget, forbiddenDetails, validateData } from './context.js';
import { applyDefaults } from './defaults.js';
import { convertCell, resolveRelations } from './import-rows.js';
import type { UndoEntry } from './import-undo.js';
import { type RecordDoc, recordModel } from './model.js';
import { commitCreates, prepareCreate, updateRecord } from './write.js';

/** Rows checked (and records created) at once: each reads the store a few times. */
const CHUNK = 200;

/** A row that passed every check, ready to write. */
export interface PlannedRow {
  line: number;
  data: Record<string, unknown>;
  existing?: RecordDoc;
}

/** A row's checks that need the store, run for many rows at once. */
interface CheckedRow {
  line: number;
  data: Record<string, unknown>;
  existing?: RecordDoc;
  /** The values as validated (for the file's own duplicate check), when no check failed. */
  checked?: Record<string, unknown>;
  details: ErrorDetail[];
}

/** What the check pass needs of the import's plan. */
export interface CheckPlan {
  fields: FieldDef[];
  upsertField: FieldDef | undefined;
  byHeader: Map<string, FieldDef>;
}

async function checkRow(
  target: FormTarget,
  plan: CheckPlan,
  row: Record<string, unknown>,
  line: number,
): Promise<CheckedRow> {
  const { fields, upsertField, byHeader } = plan;
  const data: Record<string, unknown> = {};
  for (const [header, raw] of Object.entries(row)) {
    const field = byHeader.get(header);
    const value = field ? convertCell(field, raw) : undefined;
    if (field && value !== undefined) data[field.key] = value;
  }
  // A column of a field the caller may not write fails its rows whatever the cell holds, as a write would.
  const details: ErrorDetail[] = forbiddenDetails(target.access.forbiddenWrites(data));
  await resolveRelations(target, data, line, details);
  let existing: RecordDoc | undefined;
  if (upsertField && data[upsertField.key] !== undefined) {
    const filter = target.access.filter('edit', {
      deletedAt: null,
      [`data.${upsertField.key}`]: data[upsertField.key],
    });
    existing =
      (filter && (await recordModel(target.connection).findOne(filter).lean<RecordDoc>())) || undefined;
  }
  if (details.length > 0) return { line, data, ...(existing ? { existing } : {}), details };
  try {
    const merged = existing ? { ...existing.data, ...data } : applyDefaults(target, data);
    const checked = validateData(
      target,
      Object.fromEntries(Object.entries(merged).filter(([k]) => fields.some((f) => f.key === k))),
    );
    await checkRelations(target, checked, existing?.data);
    await checkUnique(target, checked, existing?._id);
    return { line, data, ...(existing ? { existing } : {}), checked, details };
  } catch (error) {
    if (!isAppError(error)) throw error;
    details.push(...(error.details ?? [{ path: '', message: error.text }]));
    return { line, data, ...(existing ? { existing } : {}), details };
  }
}

/**
 * Checks every row as a create or update over the API would be checked, {@link CHUNK} rows at a time with
 * their store checks in parallel; rows of one file repeating a unique value are then found in file order
 * (the later row is the bad one). `onRow` hears each row's outcome in file order.
 */
export async function checkRows(
  target: FormTarget,
  plan: CheckPlan,
  rows: ReadonlyArray<Record<string, unknown>>,
  hooks: {
    stop(): void;
    duplicates(checked: Record<string, unknown>, line: number): ErrorDetail[];
    onRow(row: CheckedRow & { details: ErrorDetail[] }, index: number): void;
  },
): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    hooks.stop();
    const chunk = rows.slice(start, start + CHUNK);
    const checked = await mapLimited(chunk, (row, i) => {
      hooks.stop();
      return checkRow(target, plan, row, start + i + 2);
    });
    checked.forEach((row, i) => {
      if (row.checked) row.details.push(...hooks.duplicates(row.checked, row.line));
      hooks.onRow(row, start + i);
    });
  }
}

/**
 * Writes the checked rows: new records {@link CHUNK} at a time (computed in parallel, inserted together,
 * serial numbers in file order), updates one by one with the version the check read. Every write is
 * recorded in `undo`; `onFailure` decides what a refused row does (skip mode counts it, all-or-nothing
 * throws, and the caller undoes what was written).
 */
export async function writeRows(
  target: FormTarget,
  planned: readonly PlannedRow[],
  undo: UndoEntry[],
  hooks: {
    stop(): void;
    onWritten(kind: 'created' | 'updated'): void;
    onFailure(row: PlannedRow, error: unknown): void;
    onProgress(done: number): void;
  },
): Promise<void> {
  const memo = new Map<string, Promise<unknown>>();
  let done = 0;
  for (let start = 0; start < planned.length; start += CHUNK) {
    hooks.stop();
    const chunk = planned.slice(start, start + CHUNK);
    const creates = chunk.filter((row) => !row.existing);
    // Checked per row too, so a server stopping mid-chunk leaves the rest of the chunk unwritten.
    const prepared = await mapLimited(creates, (row) => {
      hooks.stop();
      return prepareCreate(target, { data: row.data }, { memo }).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    });
    const ready = creates.flatMap((row, i) => {
      const outcome = prepared[i];
      return outcome?.ok ? [{ row, prepared: outcome.value }] : [];
    });
    const outcomes = await commitCreates(
      target,
      ready.map((r) => r.prepared),
    );
    const failures: Array<{ row: PlannedRow; error: unknown }> = [];
    ready.forEach(({ row }, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) {
        undo.push({ kind: 'created', id: outcome.doc._id });
        hooks.onWritten('created');
      } else failures.push({ row, error: outcome?.error });
    });
    creates.forEach((row, i) => {
      const outcome = prepared[i];
      if (outcome && !outcome.ok) failures.push({ row, error: outcome.error });
    });
    for (const row of chunk.filter((r) => r.existing)) {
      const existing = row.existing as RecordDoc;
      try {
        const view = await updateRecord(target, new Types.ObjectId(existing._id), {
          data: row.data,
          v: existing.v,
        });
        undo.push({ kind: 'updated', before: existing, v: view.v });
        hooks.onWritten('updated');
      } catch (error) {
        failures.push({ row, error });
      }
    }
    // Successes are recorded before any failure throws, so an all-or-nothing import undoes all of them.
    for (const { row, error } of failures.sort((a, b) => a.row.line - b.row.line))
      hooks.onFailure(row, error);
    done += chunk.length;
    hooks.onProgress(done);
  }
}
