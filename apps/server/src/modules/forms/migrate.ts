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
  const planned: Planned[] = [];
  const refused: ErrorDetail[] = [];
  for (const change of changes.filter((c) => needsMigration(c.from, c.to))) {
    const path = `data.${change.key}`;
    const docs = await Records.find(
      { ws: form.ws, form: form._id, [path]: { $exists: true, $ne: null } },
      { [path]: 1 },
    ).lean<Array<{ _id: Types.ObjectId; data: Record<string, unknown> }>>();
    const updates: Planned['updates'] = [];
    let failures = 0;
    let example: { id: string; value: unknown } | undefined;
    for (const doc of docs) {
      const value = doc.data[change.key];
      const converted = convertValue(change.from, change.to, value);
      if (!converted.ok) {
        failures += 1;
        example ??= { id: doc._id.toHexString(), value };
      } else if (converted.value !== value) {
        updates.push({ id: doc._id, value: converted.value });
      }
    }
    if (failures > 0 && example) refused.push(lossyDetail(change, failures, example));
    planned.push({ change, updates });
  }
  if (refused.length > 0) throw appError('UNPROCESSABLE', 'A field type change would lose data', refused);
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
