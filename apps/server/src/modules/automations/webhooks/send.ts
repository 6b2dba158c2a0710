import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type Message, render, t } from '../../../lib/messages/index.js';
import type { CheckedAddress } from './ssrf.js';

/** A webhook request, its destination already checked. */
export interface WebhookRequest {
  url: URL;
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  body: string;
  /** The address {@link checkDestination} answered: the connection goes there and nowhere else. */
  to: CheckedAddress;
  secret: string;
  /** The same for every retry of one delivery, so receivers can drop repeats. */
  idempotencyKey: string;
  timeoutMs: number;
  /** Seconds since the epoch, signed with the body. */
  timestamp: number;
}

/** What the receiver answered. */
export interface WebhookResponse {
  status: number;
  /** The first 2 KiB of the answer. */
  body: string;
}

/** A delivery that did not get a 2xx answer; `retryable` for timeouts, network errors, 408, 429 and 5xx. */
export class DeliveryFailed extends Error {
  /** Why, in the reader's language (the message holds it in English, for logs). */
  readonly text: Message;
  constructor(
    text: Message,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(render(text, 'en'));
    this.name = 'DeliveryFailed';
    this.text = text;
  }
}

/** `t=<seconds>,v1=<hex HMAC-SHA256 of "<seconds>.<body>">`: what receivers check with the shared secret. */
export function signature(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

const MAX_ANSWER = 2048;

/**
 * Sends one delivery to the checked address (the host name still goes in `Host` and TLS SNI, so
 * certificates are verified for it). Redirects are not followed: they could lead past the checks.
 */
export function deliver(request: WebhookRequest): Promise<WebhookResponse> {
  const { url, to } = request;
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
        { address: to.address, family: to.family },
      ]);
    } else callback(null, to.address, to.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: request.method,
        lookup: pinned,
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(request.body),
          'user-agent': 'Formloom-Webhook/1',
          'x-formloom-signature': signature(request.secret, request.timestamp, request.body),
          'x-formloom-idempotency-key': request.idempotencyKey,
        },
        timeout: request.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER);
          if (status >= 200 && status < 300) resolve({ status, body });
          else {
            const retryable = status >= 500 || status === 408 || status === 429;
            reject(new DeliveryFailed(t('webhook.answered', { status }), retryable, status));
          }
        });
        res.on('error', (error) =>
          reject(new DeliveryFailed(t('webhook.network', { reason: error.message }), true)),
        );
      },
    );
    req.on('timeout', () =>
      req.destroy(new DeliveryFailed(t('webhook.timeout', { ms: request.timeoutMs }), true)),
    );
    req.on('error', (error) =>
      reject(
        error instanceof DeliveryFailed
          ? error
          : new DeliveryFailed(t('webhook.network', { reason: error.message }), true),
      ),
    );
    req.end(request.body);
  });
}
