import { Type } from 'typebox';
import { PASSWORD_MAX_LENGTH } from './password.js';

/** An email address (checked loosely: one @, a dot in the domain, no blanks). */
export const Email = Type.String({ pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', maxLength: 254 });
/** A password as sent; the policy (length, mix, not the email) is checked by the service. */
export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });
/** A person's or a thing's display name. */
export const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
/** An ObjectId as 24 hex digits. */
export const Id = Type.String({ pattern: '^[0-9a-fA-F]{24}$' });
/** A role: a workspace role or an app role key. */
export const RoleKey = Type.String({ pattern: '^[a-z][a-zA-Z0-9_]*$', maxLength: 64 });

/** The public view of a user. */
export const UserView = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() });

/** A workspace as listed for a user. */
export const WorkspaceSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
});
