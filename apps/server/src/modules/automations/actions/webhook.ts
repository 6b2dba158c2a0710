import type { WebhookConfig } from '@formloom/schema';
import { appError, t } from '../../../lib/errors.js';
import type { Effect } from '../model.js';
import { display } from '../scope.js';
import { deliver } from '../webhooks/send.js';
import { webhookSettings } from '../webhooks/settings.js';
import { checkDestination, DestinationRefused } from '../webhooks/ssrf.js';
import { registerExecutor } from './registry.js';

/** A formula result as JSON: dates as ISO text. */
function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return display(value);
  if (Array.isArray(value)) return value.map(jsonValue);
  return value ?? null;
}

/**
 * `webhook`: a JSON request to a URL on the workspace's allow-list, signed with HMAC-SHA256
 * (`X-Formloom-Signature`), carrying the same `X-Formloom-Idempotency-Key` on every retry. The host is
 * resolved and every address checked before connecting, and the connection goes to the checked address:
 * loopback, private and link-local addresses only for entries that allow them. A failed delivery (timeout,
 * network, 408, 429, 5xx) fails the run, which the scheduler retries with backoff.
 */
registerExecutor<WebhookConfig>('webhook', async (run, config) => {
  const { ctx } = run;
  const settings = await webhookSettings(ctx.connection, ctx.ws);
  const url = new URL(config.url);
  let to: Awaited<ReturnType<typeof checkDestination>>;
  try {
    to = await checkDestination(url, settings.allowList);
  } catch (error) {
    if (error instanceof DestinationRefused) {
      throw appError('FORBIDDEN', t('automation.webhookRefused', { reason: error.text }), [
        { path: `${run.path}/config/url`, message: error.text },
      ]);
    }
    throw error;
  }
  const body = config.body
    ? Object.fromEntries(Object.entries(config.body).map(([k, f]) => [k, jsonValue(ctx.scope.evaluate(f))]))
    : {
        automation: { id: ctx.automation._id.toHexString(), key: ctx.automation.key },
        run: ctx.run._id.toHexString(),
        trigger: ctx.run.trigger,
        input: ctx.run.input ?? {},
        record: ctx.record
          ? { id: ctx.record._id.toHexString(), form: ctx.record.form.toHexString(), data: ctx.record.data }
          : null,
      };
  const response = await deliver({
    url,
    method: config.method ?? 'POST',
    headers: config.headers ?? {},
    body: JSON.stringify(body),
    to,
    secret: settings.secret,
    idempotencyKey: run.key,
    timeoutMs: ctx.settings.webhookTimeoutMs,
    timestamp: Math.floor(ctx.now.getTime() / 1000),
  });
  const effect: Effect = {
    kind: 'webhook',
    detail: { url: url.origin + url.pathname, status: response.status },
  };
  return [effect];
});
