import type { NotifyConfig } from '@formloom/schema';
import { notifyMembers } from '../../notifications/service.js';
import { itemsOf } from '../for-each.js';
import type { Effect } from '../model.js';
import { resolveAssignees } from '../recipients.js';
import { registerExecutor } from './registry.js';

/**
 * `notify`: an in-app notification (and, with SMTP configured, an e-mail) to the members the assignees
 * name, with title and body texts whose `{{ formula }}` placeholders are filled in. Per forEach item when
 * given: `field` assignees then read the item record. Each member is told once per action and item, on
 * every retry too.
 */
registerExecutor<NotifyConfig>('notify', async (run, config) => {
  const { ctx } = run;
  const effects: Effect[] = [];
  for (const item of await itemsOf(ctx, config.forEach, `${run.path}/config/forEach`)) {
    const record = item.record ?? ctx.record;
    const users = await resolveAssignees(ctx, config.to, record);
    if (users.length === 0) continue;
    const title = item.scope.render(config.title);
    const body = config.body ? item.scope.render(config.body) : '';
    const outcomes = await notifyMembers(
      ctx.connection,
      {
        ws: ctx.ws,
        users,
        title,
        body,
        key: item.id ? `${run.key}:${item.id}` : run.key,
        email: config.email !== false,
        source: { kind: 'automation', id: ctx.automation._id.toHexString() },
        subject: record
          ? { kind: 'record', form: record.form.toHexString(), id: record._id.toHexString() }
          : null,
      },
      { smtpUrl: ctx.settings.smtpUrl, log: ctx.log, now: ctx.now },
    );
    effects.push({
      kind: 'notified',
      ...(record ? { record: record._id.toHexString() } : {}),
      detail: { users: outcomes.map((o) => o.user), title },
    });
    const sent = outcomes.filter((o) => o.email === 'sent' || o.email === 'already').map((o) => o.user);
    const skipped = outcomes.filter((o) => o.email === 'skipped').map((o) => o.user);
    if (sent.length > 0) effects.push({ kind: 'emailed', detail: { users: sent } });
    if (skipped.length > 0) {
      const reason = ctx.settings.smtpUrl ? 'no e-mail address' : 'SMTP_URL is not configured';
      effects.push({ kind: 'emailSkipped', detail: { users: skipped, reason } });
    }
  }
  return effects;
});
