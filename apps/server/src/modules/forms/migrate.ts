import type { Connection, Types } from 'mongoose';
import { appError, type ErrorDetail } from '../../lib/errors.js';
import { historyModel, recordModel } from '../records/model.js';
import { convertValue, lossyDetail, needsMigration, type TypeChange } from './evolution.js';
import type { FormDoc } from './model.js';

/** What a migration did to one field. */
export interface MigrationReport {
  field: string;
  from: string;
  to: string;
  /** Records whose value was converted. */
  converted: number;
}

interface Planned {
  change: TypeChange;
  updates: Array<{ id: Types.ObjectId; value: unknown }>;
  /** Stored values that cannot convert, with the first of them. */
  failures: number;
  example?: { id: string; value: unknown };
}

/**
 * Reads every stored value each type change touches and converts it in memory: what a migration would
 * write, and which values could not survive it. Writes nothing (the publish preview shows it as it is).
 */
export async function planMigration(
  connection: Connection,
  form: Pick<FormDoc, 'ws' | '_id'>,
  changes: TypeChange[],
): Promise<Planned[]> {
  const Records = recordModel(connection);
  const planned: Planned[] = [];
  for (const change of changes.filter((c) => needsMigration(c.from, c.to))) {
    const path = `data.${change.key}`;
    const docs = await Records.find(
      { ws: form.ws, form: form._id, [path]: { $exists: true, $ne: null } },
      { [path]: 1 },
    ).lean<Array<{ _id: Types.ObjectId; data: Record<string, unknown> }>>();
    const item: Planned = { change, updates: [], failures: 0 };
    for (const doc of docs) {
      const value = doc.data[change.key];
      const converted = convertValue(change.from, change.to, value);
      if (!converted.ok) {
        item.failures += 1;
        item.example ??= { id: doc._id.toHexString(), value };
      } else if (converted.value !== value) {
        item.updates.push({ id: doc._id, value: converted.value });
      }
    }
    planned.push(item);
  }
  return planned;
}

/**
 * Converts stored values for type changes. Every value is checked first: if any cannot convert, nothing
 * is written and the publish answers 422, so a migration never stops half-way on bad data.
 */
export async function migrate(
  connection: Connection,
  form: FormDoc,
  changes: TypeChange[],
): Promise<MigrationReport[]> {
  const Records = recordModel(connection);
  const planned = await planMigration(connection, form, changes);
  const refused: ErrorDetail[] = planned.flatMap(({ change, failures, example }) =>
    failures > 0 && example ? [lossyDetail(change, failures, example)] : [],
  );
  if (refused.length > 0) throw appError('UNPROCESSABLE', 'form.lossyChange', refused);
  const reports: MigrationReport[] = [];
  const History = historyModel(connection);
  for (const { change, updates } of planned) {
    for (const update of updates) {
      const after = await Records.findOneAndUpdate(
        { _id: update.id, ws: form.ws },
        { $set: { [`data.${change.key}`]: update.value }, $inc: { v: 1 } },
        { returnDocument: 'after', projection: { v: 1 } },
      ).lean();
      if (!after) continue;
      await History.create({
        ws: form.ws,
        form: form._id,
        record: update.id,
        v: after.v,
        action: 'migrate',
        by: null,
        at: new Date(),
        changes: [{ key: change.key, to: update.value }],
      });
    }
    reports.push({
      field: change.key,
      from: change.from.type,
      to: change.to.type,
      converted: updates.length,
    });
  }
  return reports;
}
