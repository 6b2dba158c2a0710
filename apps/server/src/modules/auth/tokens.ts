import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Token design: every credential (session, API token, invitation) is an opaque random value with a
 * kind prefix; the store keeps only its HMAC-SHA256 under the server secret.
 *
 * Why not a self-contained signed token (JWT): revocation and expiry must be checked against the store
 * on every request anyway (logout, deactivation, token revocation must take effect at once on every
 * instance), so a signature would not save the lookup and would add a second format to keep safe.
 * Keying the digest with the secret means a copy of the database neither yields usable tokens nor lets
 * anyone mint one; 256 random bits make guessing hopeless.
 */
export type TokenKind = 'session' | 'api' | 'invitation';

const PREFIX: Record<TokenKind, string> = { session: 'fls_', api: 'flt_', invitation: 'fli_' };
const TOKEN_PATTERN = /^fl[sti]_[A-Za-z0-9_-]{43}$/;

/** A new random token of a kind, e.g. `fls_` + 43 base64url characters. */
export function newToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** The kind of a well-formed token, or undefined for anything else (checked before any store lookup). */
export function tokenKind(token: string): TokenKind | undefined {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  if (token.startsWith(PREFIX.session)) return 'session';
  if (token.startsWith(PREFIX.api)) return 'api';
  return 'invitation';
}

/** The digest stored for a token. */
export function tokenDigest(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('hex');
}

/** Most digests of presented tokens remembered per secret; past it the memo starts over. */
const PRESENTED_LIMIT = 10_000;
const presented = new Map<string, Map<string, string>>();

/**
 * {@link tokenDigest} of a token presented with a request, remembered: every request of a session or an
 * integration presents the same token, and keying a new HMAC for each was ~2.4% of a record create's CPU
 * (its key setup, not the hashing). The memo maps a token to what anyone holding the secret computes from
 * it, so it grants nothing the secret does not; it is bounded, so tokens made up by a caller cannot grow it.
 */
export function presentedTokenDigest(secret: string, token: string): string {
  let memo = presented.get(secret);
  if (!memo) {
    // One secret per running server; tests build servers with secrets of their own.
    if (presented.size >= 16) presented.clear();
    memo = new Map();
    presented.set(secret, memo);
  }
  let digest = memo.get(token);
  if (digest === undefined) {
    digest = tokenDigest(secret, token);
    if (memo.size >= PRESENTED_LIMIT) memo.clear();
    memo.set(token, digest);
  }
  return digest;
}

/**
 * The CSRF token belonging to a session token (signed double submit): the browser gets it in a readable
 * cookie and echoes it in `X-CSRF-Token`; without the session token nobody can compute it.
 */
export function csrfTokenFor(secret: string, sessionToken: string): string {
  return createHmac('sha256', secret).update(`csrf:${sessionToken}`).digest('base64url');
}

/** Constant-time comparison of a presented CSRF token with the expected one. */
export function csrfMatches(expected: string, presented: string | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
