import { hash, verify } from '@node-rs/argon2';
import { type Text, t } from '../../lib/errors.js';

/** Shortest accepted password. */
export const PASSWORD_MIN_LENGTH = 10;
/** Longest accepted password (argon2 takes any length; this keeps hashing cheap to request). */
export const PASSWORD_MAX_LENGTH = 200;

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). The algorithm is the library's default, argon2id
// (its `Algorithm` is a const enum, which verbatimModuleSyntax cannot import); a test checks the PHC prefix.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * Problems of a proposed password, in words a person can act on; empty when it is acceptable.
 * Rules: at least {@link PASSWORD_MIN_LENGTH} characters, at least two kinds of characters (lower-case,
 * upper-case, digits, others), and not the email address, its name part or the person's name.
 */
export function passwordProblems(password: string, identity: { email: string; name?: string }): Text[] {
  const problems: Text[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push(t('password.tooShort', { min: PASSWORD_MIN_LENGTH, length }));
  }
  if (length > PASSWORD_MAX_LENGTH) problems.push(t('password.tooLong', { max: PASSWORD_MAX_LENGTH }));
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) =>
    re.test(password),
  ).length;
  if (classes < 2) {
    problems.push('password.tooPlain');
  }
  const lowered = password.trim().toLowerCase();
  const email = identity.email.trim().toLowerCase();
  const local = email.split('@', 1)[0] ?? '';
  const name = identity.name?.trim().toLowerCase();
  if (lowered === email || (local.length > 0 && lowered === local) || (name && lowered === name)) {
    problems.push('password.personal');
  }
  return problems;
}

/** An argon2id hash (PHC string, salt included). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** True when `password` matches the stored hash; false for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification without a user, so "no such email" and "wrong password" take as
 * long as each other and login timing does not reveal which emails have accounts.
 */
export async function verifyNobody(password: string): Promise<false> {
  dummyHash ??= hashPassword('formloom-timing-equaliser-0');
  await verifyPassword(await dummyHash, password);
  return false;
}
