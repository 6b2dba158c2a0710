import { BarChartOutlined, FormOutlined, LeftOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Menu, type MenuProps, Tooltip } from 'antd';
import { Suspense, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useParams } from 'react-router';
import { appsApi } from '../../api/apps';
import { useApiQuery } from '../../api/use-api-query';
import { AppAvatar } from '../../components/app-avatar';
import { Panel } from '../../components/panel';
import { ErrorState, PageSkeleton } from '../../components/status-states';
import { Text } from '../../components/text';
import { useIsPhone } from '../../components/use-is-phone';
import { useLocalized } from '../../i18n/localized';
import { useSession } from '../session/session-context';
import {
  type AppScope,
  AppScopeContext,
  formAccessIn,
  groupEntries,
  menuEntries,
  useAppScope,
} from './app-scope';

type MenuItems = NonNullable<MenuProps['items']>;

/**
 * A menu entry's name: cut with an ellipsis when longer than the menu is wide, and then shown whole in a
 * tooltip (hover, or keyboard focus on the link), as Jiandaoyun's side menu does.
 */
function MenuLabel({ to, text }: { to: string; text: string }) {
  const name = useRef<HTMLSpanElement>(null);
  const [cut, setCut] = useState(false);
  // The menu has a fixed width: whether the name fits is known once it is laid out (and again per name).
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new name is measured again.
  useLayoutEffect(() => {
    const element = name.current;
    setCut(element !== null && element.scrollWidth > element.clientWidth);
  }, [text]);
  return (
    <Tooltip title={cut ? text : undefined} placement="right" trigger={['hover', 'focus']}>
      <Link to={to} style={{ display: 'block', minWidth: 0 }} data-testid="app-menu-link">
        <span
          ref={name}
          style={{ display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
        >
          {text}
        </span>
      </Link>
    </Tooltip>
  );
}

/** The app's menu down the side (desktop): forms and dashboards, the open one highlighted. */
function AppMenu() {
  const scope = useAppScope();
  const { t } = useTranslation();
  const l = useLocalized();
  const location = useLocation();
  const entries = menuEntries(scope);
  const current = entries.find((e) => location.pathname.startsWith(e.path));
  const name = l(scope.app.name, scope.app.key);
  return (
    <Panel size="small" bodyStyle={{ padding: 8 }} style={{ position: 'sticky', top: 88 }}>
      <Flex gap={8} align="center" style={{ padding: 8 }}>
        <AppAvatar name={name} size={32} {...(scope.app.color ? { color: scope.app.color } : {})} />
        <Text strong ellipsis>
          {name}
        </Text>
      </Flex>
      <nav aria-label={t('apps.menuLabel', { app: name })}>
        <Menu
          mode="inline"
          style={{ borderInlineEnd: 'none' }}
          selectedKeys={current ? [current.key] : []}
          items={groupEntries(entries).flatMap(({ group, entries: inGroup }): MenuItems => {
            const items: MenuItems = inGroup.map((entry) => ({
              key: entry.key,
              icon: entry.kind === 'form' ? <FormOutlined /> : <BarChartOutlined />,
              label: <MenuLabel to={entry.path} text={l(entry.label, entry.target)} />,
            }));
            return group === undefined
              ? items
              : [{ type: 'group' as const, key: `group:${l(group)}`, label: l(group), children: items }];
          })}
        />
      </nav>
      {scope.access.manageApp && (
        <Link to={`/apps/${scope.app.id}/new-dashboard`} data-testid="new-dashboard">
          <Button type="dashed" block icon={<PlusOutlined />} style={{ marginTop: 8 }}>
            {t('apps.newDashboard')}
          </Button>
        </Link>
      )}
    </Panel>
  );
}

/** A link back to the app's menu, for phones (where the menu is a page of its own). */
export function BackToApp() {
  const { app } = useAppScope();
  const { t } = useTranslation();
  const l = useLocalized();
  return (
    <Link to={`/apps/${app.id}`}>
      <Button
        type="text"
        icon={<LeftOutlined />}
        aria-label={t('apps.backTo', { app: l(app.name, app.key) })}
      />
    </Link>
  );
}

/**
 * `/apps/:appId/*`: loads the app, its forms and the caller's access once for every page inside it.
 * Desktop shows the app's menu beside the page; phones show the page alone (the menu is the app's index).
 */
export function AppShell() {
  const { t } = useTranslation();
  const { appId = '' } = useParams();
  const { workspace } = useSession();
  const phone = useIsPhone();
  const workspaceId = workspace?.id ?? '';
  const data = useApiQuery(
    (signal) =>
      Promise.all([
        appsApi.get(workspaceId, appId, signal),
        appsApi.forms(workspaceId, appId, signal),
        appsApi.access(workspaceId, appId, signal),
        appsApi.dashboards(workspaceId, appId, signal),
      ]),
    [workspaceId, appId],
  );
  const loaded =
    data.status === 'success' ? data.data : data.status === 'loading' ? data.previous : undefined;
  const scope = useMemo<AppScope | null>(() => {
    if (!loaded) return null;
    const [app, forms, access, dashboards] = loaded;
    return {
      workspaceId,
      app,
      forms,
      access,
      dashboards,
      formById: (id) => forms.find((f) => f.id === id),
      formByKey: (key) => forms.find((f) => f.key === key),
      accessOf: (key) => formAccessIn(access, key),
      reload: data.retry,
    };
  }, [loaded, workspaceId, data.retry]);

  if (data.status === 'error') {
    return (
      <ErrorState
        title={data.error.status === 404 ? t('apps.notFound') : t('apps.loadAppFailed')}
        error={data.error}
        {...(data.error.status === 404 ? {} : { onRetry: data.retry })}
        extra={
          <Link to="/">
            <Button>{t('apps.backHome')}</Button>
          </Link>
        }
      />
    );
  }
  if (!scope) return <PageSkeleton />;
  return (
    <AppScopeContext.Provider value={scope}>
      <div data-testid="app-shell">
        {phone ? (
          <Suspense fallback={<PageSkeleton />}>
            <Outlet />
          </Suspense>
        ) : (
          <Flex gap={16} align="flex-start">
            <div style={{ width: 220, flex: 'none' }}>
              <AppMenu />
            </div>
            <div style={{ flex: 1, minWidth: 0 }}>
              <Suspense fallback={<PageSkeleton />}>
                <Outlet />
              </Suspense>
            </div>
          </Flex>
        )}
      </div>
    </AppScopeContext.Provider>
  );
}
