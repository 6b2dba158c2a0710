import type { NotifyConfig } from '@formloom/schema';
import { notifyMembers } from '../../notifications/service.js';
import { itemsOf } from '../for-each.js';
import type { Effect } from '../model.js';
import { asSeen, groupByView } from '../recipient-view.js';
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
    // Each recipient reads the texts as the access layer shows them the records: values hidden from them
    // (or of a record they may not view) are left blank.
    const groups = await groupByView(ctx, users, { top: ctx.record, item: item.record });
    const told: string[] = [];
    const sent: string[] = [];
    const skipped: string[] = [];
    let shownTitle = '';
    for (const group of groups) {
      const values = item.scope.values as Record<string, unknown>;
      const seen = ctx.record ? asSeen(values, ctx.record, group.top) : { ...values };
      if (item.record && values.item && typeof values.item === 'object') {
        seen.item = asSeen(values.item as Record<string, unknown>, item.record, group.item);
      }
      const scope = item.scope.withValues(seen);
      const title = scope.render(config.title);
      const body = config.body ? scope.render(config.body) : '';
      if (!shownTitle) shownTitle = title;
      const outcomes = await notifyMembers(
        ctx.connection,
        {
          ws: ctx.ws,
          users: group.users,
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
      told.push(...outcomes.map((o) => o.user));
      sent.push(...outcomes.filter((o) => o.email === 'sent' || o.email === 'already').map((o) => o.user));
      skipped.push(...outcomes.filter((o) => o.email === 'skipped').map((o) => o.user));
    }
    effects.push({
      kind: 'notified',
      ...(record ? { record: record._id.toHexString() } : {}),
      detail: { users: told, title: shownTitle },
    });
    if (sent.length > 0) effects.push({ kind: 'emailed', detail: { users: sent } });
    if (skipped.length > 0) {
      const reason = ctx.settings.smtpUrl ? 'no e-mail address' : 'SMTP_URL is not configured';
      effects.push({ kind: 'emailSkipped', detail: { users: skipped, reason } });
    }
  }
  return effects;
});
