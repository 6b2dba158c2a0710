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

/** One record's change: its id and its data before and after. */
export interface RecordChange {
  id: Types.ObjectId;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
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
  await scheduleDependantsOfMany(scope, [{ id: recordId, before, after }]);
}

/**
 * {@link scheduleDependants} for the records of one batch: one recompute job per dependent field for all of
 * them (lookup hosts naming any of the records, rollup hosts holding any old or new value), instead of a
 * job per record — the same records are recomputed, from their data once the jobs run.
 */
export async function scheduleDependantsOfMany(
  scope: ChangeScope,
  changes: readonly RecordChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const source = scope.form;
  const depth = (scope.depth ?? 0) + 1;
  const ids = [...new Set(changes.map((c) => c.id.toHexString()))];
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
          match: { [`data.${relation.key}`]: ids.length === 1 ? ids[0] : { $in: ids } },
          depth,
        });
      } else if (field.type === 'rollup' && field.form === source.key) {
        const match = mergeMatches(
          changes.map((c) => narrowRollupHosts(field.conditions, c.before, c.after)),
        );
        await enqueueRecompute(scope.connection, {
          ws: scope.ws,
          app: host.app,
          form: host.id,
          match,
          depth,
        });
      }
    }
  }
}

/**
 * One match covering the hosts of several changes: every host when any change reaches every host, else the
 * union of the values of the one narrowed path (a change that reaches no host adds nothing).
 */
function mergeMatches(matches: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  if (matches.length === 1) return matches[0] as Record<string, unknown>;
  const values = new Map<string, Set<unknown>>();
  for (const match of matches) {
    const [path, condition] = Object.entries(match)[0] ?? [];
    if (path === undefined) return {};
    const list = (condition as { $in?: unknown[] }).$in ?? [];
    if (path === '_id' && list.length === 0) continue;
    const set = values.get(path) ?? new Set<unknown>();
    for (const v of list) set.add(v);
    values.set(path, set);
  }
  if (values.size === 0) return { _id: { $in: [] } };
  if (values.size > 1) return {};
  const [path, set] = [...values][0] as [string, Set<unknown>];
  return { [path]: { $in: [...set] } };
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
