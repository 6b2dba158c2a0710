import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SCRAM-SHA-256 (RFC 5802 with the SHA-256 hash of RFC 7677) on the server side, as MongoDB
 * speaks it: the stored credential never holds the password, only a salt, an iteration count and
 * the StoredKey/ServerKey pair derived from it.
 */

/** The credential of one user for SCRAM-SHA-256, as mongod stores it in `system.users`. */
export interface ScramCredential {
  iterationCount: number;
  salt: string;
  storedKey: string;
  serverKey: string;
}

/** mongod's default iteration count for SCRAM-SHA-256 (`scramSHA256IterationCount`). */
export const DEFAULT_ITERATIONS = 15_000;

const hmac = (key: Buffer, data: string | Buffer): Buffer => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/**
 * SASLprep (RFC 4013) for the passwords this server sees: non-ASCII spaces map to a space, the
 * "mapped to nothing" characters go, and the result is NFKC-normalised. Prohibited-character
 * checks are left to the client, which applies the same profile before it hashes.
 */
export function saslprep(s: string): string {
  return Array.from(s.replace(/[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g, ' '))
    .filter((c) => !MAPPED_TO_NOTHING.has(c.codePointAt(0)!))
    .join('')
    .normalize('NFKC');
}

/** RFC 3454 table B.1: characters SASLprep removes. */
const MAPPED_TO_NOTHING = new Set([
  0xad,
  0x34f,
  0x1806,
  0x180b,
  0x180c,
  0x180d,
  0x200b,
  0x200c,
  0x200d,
  0x2060,
  0xfeff,
  ...Array.from({ length: 16 }, (_, i) => 0xfe00 + i),
]);

function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(saslprep(password), salt, iterations, 32, 'sha256');
}

/** Derives the stored credential of a password (a fresh random salt unless one is given). */
export function makeCredential(
  password: string,
  iterations = DEFAULT_ITERATIONS,
  salt: Buffer = randomBytes(28),
): ScramCredential {
  const salted = saltedPassword(password, salt, iterations);
  const clientKey = hmac(salted, 'Client Key');
  return {
    iterationCount: iterations,
    salt: salt.toString('base64'),
    storedKey: sha256(clientKey).toString('base64'),
    serverKey: hmac(salted, 'Server Key').toString('base64'),
  };
}

/** True when `password` is the one `credential` was derived from. */
export function verifyPassword(password: string, credential: ScramCredential): boolean {
  const again = makeCredential(password, credential.iterationCount, Buffer.from(credential.salt, 'base64'));
  return again.storedKey === credential.storedKey && again.serverKey === credential.serverKey;
}

/** Why a conversation step failed (answered to the client as AuthenticationFailed, code 18). */
export class ScramError extends Error {}

/** A SCRAM `saslname`: `=2C` is a comma and `=3D` an equals sign. */
function decodeName(s: string): string {
  if (/=(?!2C|3D)/.test(s)) throw new ScramError('invalid user name encoding');
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq !== 1) throw new ScramError(`malformed SCRAM attribute '${part}'`);
    out.set(part[0]!, part.slice(2));
  }
  return out;
}

/** The client-first message: the user name and the client nonce. */
export function parseClientFirst(payload: Buffer): { user: string; nonce: string; bare: string } {
  const text = payload.toString('utf8');
  // gs2 header: no channel binding ("n"), no authzid.
  if (!text.startsWith('n,,')) throw new ScramError('SCRAM channel binding and authzid are not supported');
  const bare = text.slice(3);
  const attrs = attributes(bare);
  const user = attrs.get('n');
  const nonce = attrs.get('r');
  if (!user || !nonce) throw new ScramError('client-first message lacks a user name or nonce');
  return { user: decodeName(user), nonce, bare };
}

/**
 * The server side of one SCRAM-SHA-256 conversation: `first()` answers the client-first message,
 * `final()` checks the client proof and returns the server signature.
 */
export class ScramConversation {
  private readonly serverFirst: string;
  private readonly combinedNonce: string;

  constructor(
    private readonly clientFirstBare: string,
    clientNonce: string,
    private readonly credential: ScramCredential,
  ) {
    this.combinedNonce = clientNonce + randomBytes(24).toString('base64');
    this.serverFirst = `r=${this.combinedNonce},s=${credential.salt},i=${credential.iterationCount}`;
  }

  /** The server-first message. */
  first(): Buffer {
    return Buffer.from(this.serverFirst, 'utf8');
  }

  /** Checks the client-final message; returns the server-final message (`v=<signature>`). */
  final(payload: Buffer): Buffer {
    const text = payload.toString('utf8');
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('client-final message lacks a proof');
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    // "biws" is base64 of the gs2 header "n,,".
    if (attrs.get('c') !== 'biws') throw new ScramError('channel binding mismatch');
    if (attrs.get('r') !== this.combinedNonce) throw new ScramError('nonce mismatch');
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const storedKey = Buffer.from(this.credential.storedKey, 'base64');
    const signature = hmac(storedKey, authMessage);
    if (proof.length !== signature.length) throw new ScramError('invalid proof');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!timingSafeEqual(sha256(clientKey), storedKey)) throw new ScramError('invalid proof');
    const serverSignature = hmac(Buffer.from(this.credential.serverKey, 'base64'), authMessage);
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }
}
