import { Types } from 'mongoose';
import type { FilterField } from '../../lib/filter-dsl/index.js';
import { workspaceModels } from '../workspaces/models.js';
import { departmentAndBelow } from '../workspaces/service.js';
import type { ComputeContext } from './compute.js';

type Node = Record<string, unknown>;

/** True when the conditions hold an `inDepartment` anywhere (most hold none: nothing to read then). */
function uses(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  const n = node as Node;
  for (const key of ['and', 'or'] as const)
    if (Array.isArray(n[key])) return (n[key] as unknown[]).some(uses);
  return n.op === 'inDepartment';
}

/** The department an operand names: a `$field` of the host record, `$myDepartment`, or an id. */
function departmentOf(ctx: ComputeContext, value: unknown, data: Readonly<Record<string, unknown>>) {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return null;
  const o = value as { $field?: unknown; $myDepartment?: unknown };
  if (typeof o.$field === 'string') {
    const held = data[o.$field];
    return typeof held === 'string' ? held : null;
  }
  return o.$myDepartment === true ? (ctx.departmentId ?? null) : null;
}

function remembered<T>(ctx: ComputeContext, key: string, read: () => Promise<T>): Promise<T> {
  if (!ctx.memo) return read();
  let pending = ctx.memo.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = read();
    ctx.memo.set(key, pending);
  }
  return pending;
}

/** The members whose department is one of `departments` (as hex ids). */
async function membersIn(ctx: ComputeContext, departments: readonly string[]): Promise<string[]> {
  const { Member } = workspaceModels(ctx.connection);
  const docs = await Member.find(
    { ws: ctx.ws, department: { $in: departments.map((d) => new Types.ObjectId(d)) } },
    { user: 1 },
  ).lean<Array<{ user: Types.ObjectId }>>();
  return docs.map((doc) => doc.user.toHexString());
}

/**
 * The conditions with every `inDepartment` as it reads when its operand names no department (an empty
 * `in`): the shape a write compiles, for checks that have no record to read a department from.
 */
export function noDepartment(conditions: unknown): unknown {
  if (!uses(conditions)) return conditions;
  const walk = (node: unknown): unknown => {
    if (!node || typeof node !== 'object') return node;
    const n = node as Node;
    for (const key of ['and', 'or'] as const) {
      if (Array.isArray(n[key])) return { [key]: (n[key] as unknown[]).map(walk) };
    }
    return n.op === 'inDepartment' ? { field: n.field, op: 'in', value: [] } : node;
  };
  return walk(conditions);
}

/**
 * Rewrites every `inDepartment` condition of rollup or auto-link conditions into an `in` over what the
 * department reaches: the department and every one below it for a department field (`_dept` too), the
 * members of those departments for a member field (`_owner`, `_createdBy` too). A department the operand
 * does not name matches nothing. The filter compiler then sees only its own operators.
 */
export async function expandInDepartment(
  ctx: ComputeContext,
  conditions: unknown,
  fields: ReadonlyMap<string, FilterField>,
  data: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  if (!uses(conditions)) return conditions;
  const walk = async (node: unknown): Promise<unknown> => {
    if (!node || typeof node !== 'object') return node;
    const n = node as Node;
    for (const key of ['and', 'or'] as const) {
      if (Array.isArray(n[key])) return { [key]: await Promise.all((n[key] as unknown[]).map(walk)) };
    }
    if (n.op !== 'inDepartment') return node;
    const field = typeof n.field === 'string' ? fields.get(n.field) : undefined;
    const department = departmentOf(ctx, n.value, data);
    if (!department || !Types.ObjectId.isValid(department)) return { field: n.field, op: 'in', value: [] };
    const below = await remembered(ctx, `departments|${ctx.ws.toHexString()}|${department}`, () =>
      departmentAndBelow(ctx.connection, ctx.ws, department),
    );
    if (field?.refersTo === 'member') {
      const members = await remembered(ctx, `members|${ctx.ws.toHexString()}|${below.join(',')}`, () =>
        membersIn(ctx, below),
      );
      return { field: n.field, op: 'in', value: members };
    }
    // A department field (or an unknown one, which the compiler then names in its error).
    return { field: n.field, op: 'in', value: below };
  };
  return walk(conditions);
}
