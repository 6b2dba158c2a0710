import type { Connection, Types } from 'mongoose';
import type { AppDirectory } from '../forms/directory.js';
import { enqueueRecompute } from './jobs.js';
import { type LoadedForm, rollupFieldRefs } from './plan.js';

/** Where a change happened: the form of the changed record, among its app's forms. */
export interface ChangeScope {
  connection: Connection;
  ws: Types.ObjectId;
  directory: AppDirectory;
  form: LoadedForm;
  /** How many recomputes led to this change (cross-form chains stop at a fixed depth). */
  depth?: number;
}

/**
 * After a record of form F changed, finds the forms whose lookups or rollups read F and queues a durable
 * recompute job for the records that may be affected. A rollup whose conditions compare one of F's fields
 * with `$field` of the host narrows the job to hosts holding the old or new value; otherwise every record
 * of the host form is recomputed.
 */
export async function scheduleDependants(
  scope: ChangeScope,
  recordId: Types.ObjectId,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Promise<void> {
  const source = scope.form;
  const depth = (scope.depth ?? 0) + 1;
  for (const host of scope.directory.forms) {
    for (const field of host.definition.fields) {
      if (field.hidden) continue;
      if (field.type === 'lookup') {
        const relation = host.definition.fields.find((f) => f.key === field.relation);
        if (relation?.form !== source.key) continue;
        await enqueueRecompute(scope.connection, {
          ws: scope.ws,
          app: host.app,
          form: host.id,
          match: { [`data.${relation.key}`]: recordId.toHexString() },
          depth,
        });
      } else if (field.type === 'rollup' && field.form === source.key) {
        await enqueueRecompute(scope.connection, {
          ws: scope.ws,
          app: host.app,
          form: host.id,
          match: narrowRollupHosts(field.conditions, before, after),
          depth,
        });
      }
    }
  }
}

/** Hosts a rollup change can reach: those whose `$field` equals the source's old or new value. */
function narrowRollupHosts(
  conditions: unknown,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const refs = rollupFieldRefs(conditions);
  const and = (conditions as { and?: unknown[] } | undefined)?.and;
  const list = Array.isArray(and) ? and : conditions ? [conditions] : [];
  for (const c of list) {
    const cond = c as { field?: unknown; op?: unknown; value?: unknown };
    const hostKey = (cond.value as { $field?: unknown } | undefined)?.$field;
    if (
      cond.op !== 'eq' ||
      typeof cond.field !== 'string' ||
      cond.field.startsWith('_') ||
      typeof hostKey !== 'string' ||
      !refs.includes(hostKey)
    ) {
      continue;
    }
    const values = [before[cond.field], after[cond.field]].filter(
      (v) => v !== undefined && v !== null && typeof v !== 'object',
    );
    if (values.length === 0) return { _id: { $in: [] } };
    return { [`data.${hostKey}`]: { $in: [...new Set(values)] } };
  }
  return {};
}
