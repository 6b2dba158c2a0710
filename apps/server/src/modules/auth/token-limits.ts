import type { FastifyReply } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { appError, t } from '../../lib/errors.js';

/** Wrong API tokens one client address may present per minute before it is refused for the rest of it. */
const BAD_TOKENS_PER_MINUTE = 60;

/**
 * Rate limits of integrations (docs/api.md). API tokens skip the per-address limit of browsers: an ERP
 * pushing records from one address is limited per workspace instead, so one tenant's integration cannot
 * starve the others, and a team behind one NAT is not limited by it. Wrong tokens are counted per address,
 * so guessing them stays limited. Counters live in this instance's memory: with N instances behind a load
 * balancer a workspace gets up to N times the limit.
 */
export class TokenLimits {
  private readonly perWorkspace: RateLimiterMemory | null;
  private readonly badTokens = new RateLimiterMemory({
    points: BAD_TOKENS_PER_MINUTE,
    duration: 60,
    keyPrefix: 'bad-token',
  });

  constructor(private readonly perSecond: number) {
    this.perWorkspace =
      perSecond > 0 ? new RateLimiterMemory({ points: perSecond, duration: 1, keyPrefix: 'ws' }) : null;
  }

  /**
   * Counts a request of an API token of `ws`; sets the `RateLimit-*` headers, and throws 429 with
   * `Retry-After` past the limit.
   */
  async take(ws: string, reply: FastifyReply): Promise<void> {
    if (!this.perWorkspace) return;
    try {
      const state = await this.perWorkspace.consume(ws);
      this.headers(reply, state);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      this.headers(reply, error);
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      reply.header('retry-after', String(seconds));
      throw appError('RATE_LIMITED', t('token.workspaceRate', { max: this.perSecond, seconds }));
    }
  }

  /** Counts a wrong API token from `address`; throws 429 once the address presented too many. */
  async refuse(address: string, reply: FastifyReply): Promise<void> {
    try {
      await this.badTokens.consume(address);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      reply.header('retry-after', String(seconds));
      throw appError('RATE_LIMITED', t('token.badTokens', { seconds }));
    }
  }

  private headers(reply: FastifyReply, state: RateLimiterRes): void {
    reply.header('ratelimit-limit', String(this.perSecond));
    reply.header('ratelimit-remaining', String(Math.max(0, state.remainingPoints)));
    reply.header('ratelimit-reset', String(Math.max(0, Math.ceil(state.msBeforeNext / 1000))));
  }
}
