import type { Widget } from '@formloom/schema';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocalized } from '../../i18n/localized';
import { useAppScope } from '../apps/app-scope';
import { useDepartments, useMembers } from '../forms/fields/directory';
import { useMe } from '../session/session-context';
import type { WidgetContext } from './widget-format';

/** What widgets of the current app need to read their values (names of people, departments, options). */
export function useWidgetContexts(): (widget: Widget) => WidgetContext {
  const scope = useAppScope();
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const me = useMe();
  const members = useMembers(scope.workspaceId);
  const departments = useDepartments(scope.workspaceId)?.byId;
  const language = i18n.resolvedLanguage ?? 'en';
  return useMemo(() => {
    const cache = new Map<Widget, WidgetContext>();
    return (widget: Widget) => {
      let ctx = cache.get(widget);
      if (!ctx) {
        ctx = {
          widget,
          widgetTitle: l(widget.title, widget.key),
          form: scope.formByKey(widget.source.form),
          members,
          departments,
          language,
          t,
          viewerId: me.user.id,
        };
        cache.set(widget, ctx);
      }
      return ctx;
    };
  }, [scope, members, departments, language, t, l, me.user.id]);
}

/** The forms a widget reads: its source and the forms of its target series. */
export function formsOfWidget(widget: Widget): string[] {
  return [widget.source.form, ...(widget.measures ?? []).flatMap((m) => (m.target ? [m.target.form] : []))];
}
