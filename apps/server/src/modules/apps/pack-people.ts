import type { Connection, Types } from 'mongoose';
import { authModels } from '../auth/models.js';
import { normalizeEmail } from '../auth/service.js';
import type { FieldDef } from '../forms/meta.js';
import { workspaceModels } from '../workspaces/models.js';

/** A member of a workspace as records name them: the user id and the member's department. */
export interface Person {
  user: Types.ObjectId;
  dept: Types.ObjectId | null;
}

/**
 * The people of one workspace by email, for packs with data: an export writes member values and record
 * owners as emails, an import maps them back to the members of its own workspace with those emails
 * (docs/template-format.md, "People in a pack's records").
 */
export interface People {
  /** The email of a member of this workspace (its user id as hex), or undefined. */
  emailOf(id: string): string | undefined;
  /** The active member of this workspace with this email, or undefined. */
  byEmail(email: string): Person | undefined;
}

/** The active members of a workspace with their emails. */
export async function loadPeople(connection: Connection, ws: Types.ObjectId): Promise<People> {
  const members = await workspaceModels(connection)
    .Member.find({ ws, active: true }, { user: 1, department: 1 })
    .lean<Array<{ user: Types.ObjectId; department?: Types.ObjectId | null }>>();
  const users = await authModels(connection)
    .User.find({ _id: { $in: members.map((m) => m.user) } }, { email: 1 })
    .lean<Array<{ _id: Types.ObjectId; email: string }>>();
  const emails = new Map(users.map((u) => [u._id.toHexString(), normalizeEmail(u.email)]));
  const byEmail = new Map<string, Person>();
  for (const m of members) {
    const email = emails.get(m.user.toHexString());
    if (email) byEmail.set(email, { user: m.user, dept: m.department ?? null });
  }
  return {
    emailOf: (id) => emails.get(id.toLowerCase()),
    byEmail: (email) => byEmail.get(normalizeEmail(email)),
  };
}

const isEmail = (value: unknown): value is string => typeof value === 'string' && value.includes('@');

/**
 * A member value of a pack record as this workspace's user ids: emails of its members become their ids,
 * other emails are left out (ids, as hand-written packs may hold, pass as they are). Answers undefined
 * when nothing is left.
 */
export function membersFromPack(field: FieldDef, value: unknown, people: People): unknown {
  const one = (v: unknown) => (isEmail(v) ? people.byEmail(v)?.user.toHexString() : v);
  if (Array.isArray(value)) {
    const ids = value.map(one).filter((v) => v !== undefined);
    return ids.length > 0 ? (field.multiple ? ids : ids[0]) : undefined;
  }
  return one(value);
}

/** A member value as a pack writes it: emails of the people it names (people no longer members: none). */
export function membersToPack(field: FieldDef, value: unknown, people: People): unknown {
  const list = (Array.isArray(value) ? value : [value])
    .map((id) => (typeof id === 'string' ? people.emailOf(id) : undefined))
    .filter((email): email is string => email !== undefined);
  if (list.length === 0) return undefined;
  return field.multiple ? list : list[0];
}

/**
 * Maps the member values of a pack record's data (also inside subform rows) to this workspace's ids. A
 * required member field whose people are not members here gets `standIn` (the importing person) unless the
 * field has a default of its own.
 */
export function mapPackPeople(
  fields: readonly FieldDef[],
  data: Record<string, unknown>,
  people: People,
  standIn: Types.ObjectId,
): void {
  for (const field of fields) {
    if (field.type === 'member' && data[field.key] !== undefined && data[field.key] !== null) {
      const mapped = membersFromPack(field, data[field.key], people);
      if (mapped !== undefined) data[field.key] = mapped;
      else if (field.required && !field.default) {
        const id = standIn.toHexString();
        data[field.key] = field.multiple ? [id] : id;
      } else delete data[field.key];
    } else if (field.type === 'subform' && Array.isArray(data[field.key]) && Array.isArray(field.columns)) {
      for (const row of data[field.key] as unknown[]) {
        if (row && typeof row === 'object')
          mapPackPeople(field.columns as FieldDef[], row as Record<string, unknown>, people, standIn);
      }
    }
  }
}
