import type { Model } from 'mongoose';
import { appError, type Message, type Text, t } from '../../lib/errors.js';
import type { LoginThrottleDoc } from './models.js';

/**
 * Password checks under one throttle (sign-in, and accepting an invitation as an existing account),
 * counted in the store so every server instance sees the same numbers. Only failures count: a check
 * counts as one attempt while it runs, so a burst of parallel guesses is limited before any of them
 * fails, and a success takes its attempt back.
 * - per address+email: at most {@link LOGIN_LIMITS.attempts} failed or unfinished checks per window,
 *   and a lockout after {@link LOGIN_LIMITS.addressFailures} failures;
 * - per email from any address: a lockout after {@link LOGIN_LIMITS.accountFailures} failures, which
 *   stops a distributed guesser without letting one address lock a person out;
 * - per address over all emails: at most `addressFailures` failures per window (LOGIN_ADDRESS_FAILURES,
 *   default 200), which stops one address trying a password on many accounts and is high enough that a
 *   team behind one NAT address signs in (their successes never count).
 */
export const LOGIN_LIMITS = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  attempts: 20,
  addressFailures: 5,
  accountFailures: 20,
} as const;

/** The default of LOGIN_ADDRESS_FAILURES: failed checks per window from one address, over all emails. */
export const DEFAULT_ADDRESS_FAILURES = 200;

/** The counter keys of one password check. */
export interface ThrottleKeys {
  address: string;
  account: string;
  origin: string;
}

/** Counter keys for an address and a (normalised) email. */
export function throttleKeys(ip: string, email: string): ThrottleKeys {
  return { address: `ip:${ip}|${email}`, account: `acct:${email}`, origin: `from:${ip}` };
}

/** A 429 error that carries the seconds until a retry can succeed. */
function limited(why: (wait: Text) => Message, retryMs: number) {
  const minutes = Math.max(1, Math.ceil(retryMs / 60_000));
  const error = appError(
    'RATE_LIMITED',
    why(minutes === 1 ? 'time.minute' : t('time.minutes', { count: minutes })),
  );
  error.retryAfter = Math.ceil(retryMs / 1000);
  return error;
}

/** Throws 429 when the address+email or the account is locked, or the address is out of attempts. */
export async function assertLoginAllowed(
  Throttle: Model<LoginThrottleDoc>,
  keys: ThrottleKeys,
  now: Date,
  addressFailures: number = DEFAULT_ADDRESS_FAILURES,
): Promise<void> {
  const docs = await Throttle.find({ _id: { $in: [keys.address, keys.account, keys.origin] } }).lean();
  for (const doc of docs) {
    if (doc.lockedUntil && doc.lockedUntil > now) {
      const wait = doc.lockedUntil.getTime() - now.getTime();
      throw limited((retry) => t('auth.lockedOut', { wait: retry }), wait);
    }
    const windowEnd = doc.windowStart.getTime() + LOGIN_LIMITS.windowMs;
    if (windowEnd <= now.getTime()) continue;
    const spent =
      (doc._id === keys.address && doc.attempts >= LOGIN_LIMITS.attempts) ||
      (doc._id === keys.origin && doc.failures >= addressFailures);
    if (spent) {
      throw limited((retry) => t('auth.tooManyAttempts', { wait: retry }), windowEnd - now.getTime());
    }
  }
}

/** Adds to a counter inside its current window, starting a new window when the old one has passed. */
async function bump(
  Throttle: Model<LoginThrottleDoc>,
  key: string,
  inc: { attempts: number; failures: number },
  now: Date,
): Promise<LoginThrottleDoc> {
  const windowFloor = new Date(now.getTime() - LOGIN_LIMITS.windowMs);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const current = await Throttle.findOneAndUpdate(
      { _id: key, windowStart: { $gt: windowFloor } },
      { $inc: inc },
      { returnDocument: 'after' },
    ).lean();
    if (current) return current;
    try {
      // A lock outlives the window it was earned in, so a new window keeps `lockedUntil`.
      const fresh = await Throttle.findOneAndUpdate(
        { _id: key, $or: [{ windowStart: { $lte: windowFloor } }, { windowStart: { $exists: false } }] },
        { $set: { ...inc, windowStart: now }, $setOnInsert: { lockedUntil: null } },
        { returnDocument: 'after', upsert: true },
      ).lean();
      if (fresh) return fresh;
    } catch (error) {
      // Two first attempts raced to insert the counter: the other one won, count into it.
      if ((error as { code?: unknown }).code !== 11000) throw error;
    }
  }
  throw appError('STORE_UNAVAILABLE', 'auth.throttleUnavailable');
}

/** Counts a check while it runs against the address+email limit; {@link countSuccess} takes it back. */
export async function countAttempt(
  Throttle: Model<LoginThrottleDoc>,
  keys: ThrottleKeys,
  now: Date,
): Promise<void> {
  await bump(Throttle, keys.address, { attempts: 1, failures: 0 }, now);
}

/** Counts a failure on every counter and locks whichever reached its limit. */
export async function countFailure(
  Throttle: Model<LoginThrottleDoc>,
  keys: ThrottleKeys,
  now: Date,
): Promise<{ locked: boolean }> {
  const address = await bump(Throttle, keys.address, { attempts: 0, failures: 1 }, now);
  const account = await bump(Throttle, keys.account, { attempts: 0, failures: 1 }, now);
  await bump(Throttle, keys.origin, { attempts: 0, failures: 1 }, now);
  const lockedUntil = new Date(now.getTime() + LOGIN_LIMITS.lockMs);
  let locked = false;
  if (address.failures >= LOGIN_LIMITS.addressFailures) {
    await Throttle.updateOne({ _id: keys.address }, { $set: { lockedUntil, failures: 0 } });
    locked = true;
  }
  if (account.failures >= LOGIN_LIMITS.accountFailures) {
    await Throttle.updateOne({ _id: keys.account }, { $set: { lockedUntil, failures: 0 } });
    locked = true;
  }
  return { locked };
}

/**
 * A successful check takes back its attempt and forgets the failures from that address: successes never
 * count, so people signing in often (or many behind one address) are never limited by it.
 */
export async function countSuccess(Throttle: Model<LoginThrottleDoc>, keys: ThrottleKeys): Promise<void> {
  await Throttle.updateOne({ _id: keys.address, attempts: { $gt: 0 } }, { $inc: { attempts: -1 } });
  await Throttle.updateOne({ _id: keys.address }, { $set: { failures: 0 } });
}
