import type { AppInstance } from '../../app.js';
import { appError } from '../../lib/errors.js';
import { generationOf, readCache } from '../../lib/read-cache.js';
import { authModels } from './models.js';
import { presentedTokenDigest, tokenKind } from './tokens.js';

/** A presented token that is valid now: a live session of an existing user, or a live API token. */
export type VerifiedToken =
  | {
      kind: 'session';
      sessionId: string;
      user: { id: string; email: string; name: string; language?: 'en' | 'zh-CN' };
    }
  | {
      kind: 'api';
      tokenId: string;
      ws: string;
      role: string;
      lastUsedAt: Date | null | undefined;
    };

/**
 * The one check of a presented token (HTTP requests and socket handshakes alike): known digest, not
 * revoked, not expired, its user still there. API tokens count only as Bearer tokens, never as cookies.
 * Throws UNAUTHORIZED with a message saying which. A verified token is served from the identity read
 * cache (lib/read-cache.ts) until its expiry at the latest; revoking it or removing its user writes the
 * identity collections, which drops the cache.
 */
export async function verifyToken(
  app: AppInstance,
  token: string,
  via: 'bearer' | 'cookie',
): Promise<VerifiedToken> {
  const kind = tokenKind(token);
  const { Session, User, ApiToken } = authModels(app.store.connection);
  const now = new Date();
  const hash = kind ? presentedTokenDigest(app.config.secret, token) : '';
  const verified = readCache<VerifiedToken>(app.store.connection, 'tokens', 'identity');
  const cached = hash ? verified.get(hash) : undefined;
  if (cached && (cached.kind === 'session' || via === 'bearer')) return cached;
  if (kind === 'session') {
    // Requests arriving together with an expired entry read the session once (lib/read-cache shared).
    return verified.shared(`session|${hash}`, async () => {
      const generation = generationOf(app.store.connection, 'identity');
      const session = await Session.findOne({ hash }).lean();
      if (!session || session.revokedAt || session.expiresAt <= now) {
        throw appError('UNAUTHORIZED', 'auth.sessionEnded');
      }
      const user = await User.findById(session.user, { email: 1, name: 1, language: 1 }).lean();
      if (!user) throw appError('UNAUTHORIZED', 'auth.accountGone');
      const result: VerifiedToken = {
        kind: 'session',
        sessionId: String(session._id),
        user: {
          id: String(user._id),
          email: user.email,
          name: user.name,
          ...(user.language ? { language: user.language } : {}),
        },
      };
      verified.set(hash, result, generation, session.expiresAt.getTime());
      return result;
    });
  }
  if (kind === 'api' && via === 'bearer') {
    return verified.shared(`api|${hash}`, async () => {
      const generation = generationOf(app.store.connection, 'identity');
      const apiToken = await ApiToken.findOne({ hash }).lean();
      if (!apiToken || apiToken.revokedAt || (apiToken.expiresAt && apiToken.expiresAt <= now)) {
        throw appError('UNAUTHORIZED', 'auth.tokenEnded');
      }
      const result: VerifiedToken = {
        kind: 'api',
        tokenId: String(apiToken._id),
        ws: String(apiToken.ws),
        role: apiToken.role,
        lastUsedAt: apiToken.lastUsedAt,
      };
      verified.set(hash, result, generation, apiToken.expiresAt?.getTime());
      return result;
    });
  }
  throw appError('UNAUTHORIZED', 'auth.tokenInvalid');
}
