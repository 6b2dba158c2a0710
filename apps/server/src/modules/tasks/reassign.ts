import type { FastifyRequest } from 'fastify';
import { type Connection, Types } from 'mongoose';
import { appError } from '../../lib/errors.js';
import { recordAudit } from '../audit/service.js';
import { type MemberDoc, workspaceModels } from '../workspaces/models.js';
import { reassignOpenTasks } from './service.js';

/** Why the open tasks of a deactivated member went to whom they went. */
export type ReassignVia = 'explicit' | 'manager' | 'departmentHead' | 'actingAdmin' | 'owner';

/** The member whose tasks move, as stored. */
export type Leaver = Pick<MemberDoc, 'user' | 'manager' | 'department'>;

/** What a deactivation reports about the tasks it moved (`effects` of the deactivate answer). */
export interface ReassignEffect {
  type: 'reassignOpenTasks';
  ws: string;
  from: string;
  /** Null only when nobody could take the tasks (no other active member); they then stay. */
  to: string | null;
  via: ReassignVia | null;
  moved: number;
}

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/**
 * The explicit target of a deactivation (`reassignTo` of its body): an active member of the workspace
 * other than the leaver, else 422 at `path`. Checked before anything changes.
 */
export async function assertReassignTarget(
  connection: Connection,
  ws: Types.ObjectId,
  leaver: Types.ObjectId,
  value: string,
  path = '/reassignTo',
): Promise<Types.ObjectId> {
  const { Member } = workspaceModels(connection);
  const id = OBJECT_ID.test(value) ? new Types.ObjectId(value) : null;
  if (!id || !(await Member.exists({ ws, user: id, active: true }))) {
    throw appError('UNPROCESSABLE', 'task.reassignInactive', [{ path, message: 'detail.notActiveMember' }]);
  }
  if (id.equals(leaver)) {
    throw appError('UNPROCESSABLE', 'task.reassignToLeaver', [{ path, message: 'detail.leaver' }]);
  }
  return id;
}

/**
 * Who takes a leaver's open tasks when the admin names nobody: their manager if active; else the head
 * of their department, or of the nearest department above it, that is active and not the leaver; else
 * the acting admin; else (an API token acting, or an admin deactivating themselves) the longest-standing
 * active owner. Null only when no other active member exists.
 */
export async function defaultReassignTarget(
  connection: Connection,
  ws: Types.ObjectId,
  leaver: Leaver,
  actor: Types.ObjectId | null,
): Promise<{ to: Types.ObjectId; via: ReassignVia } | null> {
  const { Member, Department } = workspaceModels(connection);
  /** `user` when it is an active member other than the leaver, else null. */
  const activeOther = async (user: Types.ObjectId | null): Promise<Types.ObjectId | null> =>
    user && !user.equals(leaver.user) && (await Member.exists({ ws, user, active: true })) ? user : null;

  const manager = await activeOther(leaver.manager);
  if (manager) return { to: manager, via: 'manager' };

  if (leaver.department) {
    const departments = await Department.find({ ws }, { parent: 1, head: 1 }).lean();
    const byId = new Map(departments.map((d) => [String(d._id), d]));
    const heads: Types.ObjectId[] = [];
    const seen = new Set<string>();
    // Cycle-safe walk to the root: the tree service never writes a cycle, but a walk must not hang on one.
    let current = byId.get(String(leaver.department));
    while (current && !seen.has(String(current._id))) {
      seen.add(String(current._id));
      if (current.head && !current.head.equals(leaver.user)) heads.push(current.head);
      current = current.parent ? byId.get(String(current.parent)) : undefined;
    }
    if (heads.length > 0) {
      const active = await Member.find({ ws, user: { $in: heads }, active: true }, { user: 1 }).lean();
      const activeIds = new Set(active.map((m) => String(m.user)));
      const head = heads.find((h) => activeIds.has(String(h)));
      if (head) return { to: head, via: 'departmentHead' };
    }
  }

  const admin = await activeOther(actor);
  if (admin) return { to: admin, via: 'actingAdmin' };

  const owner = await Member.findOne(
    { ws, active: true, roles: 'owner', user: { $ne: leaver.user } },
    { user: 1 },
  )
    .sort({ _id: 1 })
    .lean();
  return owner ? { to: owner.user, via: 'owner' } : null;
}

/** Input of {@link reassignFromLeaver}. */
export interface LeaverReassignment {
  ws: Types.ObjectId;
  leaver: Leaver;
  /** The acting user; null for an API token. */
  actor: Types.ObjectId | null;
  /** The target checked by {@link assertReassignTarget}; absent for the default chain. */
  to?: Types.ObjectId;
}

/**
 * Moves a deactivated member's open tasks (see {@link reassignOpenTasks}) to the given or default
 * target and audits the move as `tasks.reassigned` when anything moved. Running it again moves only
 * tasks opened for the leaver since, so a repeated deactivation neither fails nor moves twice.
 */
export async function reassignFromLeaver(
  connection: Connection,
  request: FastifyRequest,
  input: LeaverReassignment,
): Promise<ReassignEffect> {
  const { ws, leaver, actor } = input;
  const target = input.to
    ? { to: input.to, via: 'explicit' as const }
    : await defaultReassignTarget(connection, ws, leaver, actor);
  const from = String(leaver.user);
  if (!target) return { type: 'reassignOpenTasks', ws: String(ws), from, to: null, via: null, moved: 0 };
  const result = await reassignOpenTasks(connection, ws, leaver.user, target.to, actor, 'member.deactivated');
  const to = String(target.to);
  if (result.moved > 0) {
    await recordAudit(connection, request, {
      ws,
      action: 'tasks.reassigned',
      target: { kind: 'member', id: from },
      details: { from, to, count: result.moved, via: target.via, reason: 'member.deactivated' },
    });
  }
  return { type: 'reassignOpenTasks', ws: String(ws), from, to, via: target.via, moved: result.moved };
}
