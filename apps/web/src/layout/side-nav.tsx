import { MenuFoldOutlined, MenuUnfoldOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Tooltip, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { InboxBadge } from '../features/inbox/inbox-badge';
import { NAV, selectedNav } from './nav-items';

const EXPANDED_WIDTH = 208;
const COLLAPSED_WIDTH = 64;
/** The person's choice inside apps (`open` or `icons`), kept across visits. */
const IN_APP_CHOICE_KEY = 'formloom.nav.inApp';

function readInAppChoice(): boolean | undefined {
  try {
    const stored = localStorage.getItem(IN_APP_CHOICE_KEY);
    return stored === null ? undefined : stored === 'icons';
  } catch {
    return undefined;
  }
}

function storeInAppChoice(collapsed: boolean): void {
  try {
    localStorage.setItem(IN_APP_CHOICE_KEY, collapsed ? 'icons' : 'open');
  } catch {
    /* the choice lasts for this visit only */
  }
}

/**
 * The workspace's side navigation on desktops. Inside an app it folds to icons (names in tooltips and for
 * screen readers), so the app's own menu and its pages get the width, as a person expects of an app
 * opened from a portal; the button at its foot unfolds it, and that choice is remembered.
 */
export function SideNav() {
  const { t } = useTranslation();
  const location = useLocation();
  const { token } = theme.useToken();
  const inApp = location.pathname.startsWith('/apps/');
  const [inAppChoice, setInAppChoice] = useState(readInAppChoice);
  const collapsed = inApp && (inAppChoice ?? true);
  return (
    <Layout.Sider
      width={EXPANDED_WIDTH}
      collapsedWidth={COLLAPSED_WIDTH}
      collapsed={collapsed}
      trigger={null}
      theme="light"
      style={{
        background: token.colorBgContainer,
        borderInlineEnd: `1px solid ${token.colorBorderSecondary}`,
      }}
      data-testid="side-nav"
      data-collapsed={collapsed}
    >
      <nav aria-label={t('nav.label')}>
        <Menu
          mode="inline"
          inlineCollapsed={collapsed}
          selectedKeys={[selectedNav(location.pathname)]}
          style={{ borderInlineEnd: 'none', paddingTop: 8 }}
          items={NAV.map((item) => ({
            key: item.path,
            // Folded, the pending count sits on the inbox's icon.
            icon:
              item.inbox && collapsed ? (
                <InboxBadge dot offset={[0, 8]}>
                  {item.icon}
                </InboxBadge>
              ) : (
                item.icon
              ),
            label: (
              <Link to={item.path} aria-label={t(item.label)}>
                {item.inbox && !collapsed ? <InboxBadge>{t(item.label)}</InboxBadge> : t(item.label)}
              </Link>
            ),
          }))}
        />
      </nav>
      {inApp && (
        // Only inside apps: elsewhere the workspace's sections are the page's own navigation.
        <div style={{ padding: collapsed ? '8px 0' : '8px 16px', textAlign: collapsed ? 'center' : 'start' }}>
          <Tooltip title={collapsed ? t('nav.expand') : undefined} placement="right">
            <Button
              type="text"
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              aria-label={collapsed ? t('nav.expand') : t('nav.collapse')}
              aria-expanded={!collapsed}
              data-testid="side-nav-toggle"
              onClick={() => {
                setInAppChoice(!collapsed);
                storeInAppChoice(!collapsed);
              }}
            >
              {collapsed ? null : t('nav.collapse')}
            </Button>
          </Tooltip>
        </div>
      )}
    </Layout.Sider>
  );
}
