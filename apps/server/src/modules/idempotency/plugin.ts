import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppInstance } from '../../app.js';
import { appError } from '../../lib/errors.js';
import { idempotencyModel } from './model.js';

/** The request header naming a retryable request. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** The answer header telling that an answer is a replay of the first one. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** How long a key is remembered. */
export const KEY_TTL_MS = 24 * 3600_000;
/** How long a run holds its key before a retry may take it over (the instance running it died). */
const LEASE_MS = 60_000;
/** How long a retry waits for the first request with its key to finish. */
const WAIT_MS = 20_000;
const POLL_MS = 25;
/** Answers larger than this are not kept (a retry would run again; no route answers this much). */
const MAX_KEPT_BYTES = 8 * 1024 * 1024;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const DUPLICATE_KEY = 11000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The idempotency key this request holds while it runs. */
    idempotency: { id: string; owner: string } | null;
  }
}

/** JSON with object keys in sorted order, so `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function callerOf(request: FastifyRequest): string | null {
  const auth = request.auth;
  if (!auth) return null;
  return auth.kind === 'session' ? `user:${auth.userId}` : `token:${auth.tokenId}`;
}

/**
 * `Idempotency-Key` on POST requests (docs/api.md): a retried request with the same key and body answers
 * what the first one answered and writes nothing; the same key with another body or route answers 422; a
 * retry arriving while the first is still running waits for its answer. Only successful answers are kept:
 * a refused request wrote nothing, so its retry simply runs again. Keys belong to the caller (a user or an
 * API token) and are remembered for 24 hours. Multipart uploads and public routes ignore the header.
 */
export const idempotencyPlugin = fp(
  async (app: AppInstance) => {
    const Keys = idempotencyModel(app.store.connection);
    app.decorateRequest('idempotency', null);
    app.addHook('onReady', async () => {
      await Keys.init();
    });

    app.addHook('preHandler', async (request, reply) => {
      if (request.method !== 'POST') return;
      const header = request.headers[IDEMPOTENCY_HEADER];
      if (header === undefined) return;
      const caller = callerOf(request);
      if (!caller || request.headers['content-type']?.startsWith('multipart/')) return;
      const key = Array.isArray(header) ? header[0] : header;
      if (!key || !KEY_PATTERN.test(key)) {
        throw appError('VALIDATION_FAILED', 'request.badIdempotencyKey', [
          { path: '/headers/idempotency-key', message: 'detail.invalid' },
        ]);
      }
      const id = sha256(`${caller}\0${key}`);
      const fingerprint = sha256(`${request.method} ${request.url}\0${canonical(request.body)}`);
      const owner = randomUUID();
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const now = Date.now();
        try {
          await Keys.create({
            _id: id,
            fingerprint,
            state: 'running',
            owner,
            leaseUntil: new Date(now + LEASE_MS),
            status: null,
            contentType: null,
            body: null,
            createdAt: new Date(now),
            expiresAt: new Date(now + KEY_TTL_MS),
          });
          request.idempotency = { id, owner };
          return;
        } catch (error) {
          if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        }
        const seen = await Keys.findById(id).lean();
        if (!seen) continue; // expired or released a moment ago: take it
        if (seen.fingerprint !== fingerprint) {
          throw appError('UNPROCESSABLE', 'request.idempotencyReused', [
            { path: '/headers/idempotency-key', message: 'detail.idempotencyReused' },
          ]);
        }
        if (seen.state === 'done') return replay(reply, seen.status, seen.contentType, seen.body);
        if (seen.leaseUntil.getTime() < now) {
          // The first run's instance died: this retry runs it instead.
          const taken = await Keys.updateOne(
            { _id: id, owner: seen.owner, state: 'running' },
            { $set: { owner, leaseUntil: new Date(now + LEASE_MS) } },
          );
          if (taken.modifiedCount === 1) {
            request.idempotency = { id, owner };
            return;
          }
          continue;
        }
        if (now > deadline) {
          throw appError('CONFLICT', 'request.idempotencyRunning');
        }
        await sleep(POLL_MS);
      }
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const held = request.idempotency;
      if (!held) return payload;
      request.idempotency = null;
      const text =
        typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
      const owned = { _id: held.id, owner: held.owner, state: 'running' as const };
      if (reply.statusCode >= 400 || text === null || text.length > MAX_KEPT_BYTES) {
        // Nothing was written (or the answer cannot be kept): a retry runs again.
        await Keys.deleteOne(owned);
        return payload;
      }
      const contentType = reply.getHeader('content-type');
      await Keys.updateOne(owned, {
        $set: {
          state: 'done',
          status: reply.statusCode,
          contentType: typeof contentType === 'string' ? contentType : 'application/json; charset=utf-8',
          body: text,
        },
      });
      return payload;
    });
  },
  { name: 'formloom-idempotency', dependencies: ['formloom-auth'] },
);

function replay(reply: FastifyReply, status: number | null, contentType: string | null, body: string | null) {
  return reply
    .code(status ?? 200)
    .header(REPLAYED_HEADER, 'true')
    .type(contentType ?? 'application/json; charset=utf-8')
    .send(body ?? '');
}
