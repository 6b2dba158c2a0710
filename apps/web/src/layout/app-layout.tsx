import { Layout, Menu, theme } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { PageSkeleton } from '../components/status-states';
import { useIsPhone } from '../components/use-is-phone';
import { InboxBadge } from '../features/inbox/inbox-badge';
import { AppHeader } from './app-header';
import { BOTTOM_NAV_HEIGHT, BottomNav } from './bottom-nav';
import { LiveSession } from './live-session';
import { NAV, selectedNav } from './nav-items';

function SideNav() {
  const { t } = useTranslation();
  const location = useLocation();
  const { token } = theme.useToken();
  return (
    <Layout.Sider
      width={208}
      style={{
        background: token.colorBgContainer,
        borderInlineEnd: `1px solid ${token.colorBorderSecondary}`,
      }}
    >
      <nav aria-label={t('nav.label')}>
        <Menu
          mode="inline"
          selectedKeys={[selectedNav(location.pathname)]}
          style={{ borderInlineEnd: 'none', paddingTop: 8 }}
          items={NAV.map((item) => ({
            key: item.path,
            icon: item.icon,
            label: (
              <Link to={item.path}>
                {item.inbox ? <InboxBadge>{t(item.label)}</InboxBadge> : t(item.label)}
              </Link>
            ),
          }))}
        />
      </nav>
    </Layout.Sider>
  );
}

/**
 * The signed-in frame. Desktop: header, side navigation, page. Phones: a compact header, the page at
 * full width and a bottom tab bar; nothing is wider than the screen.
 */
export function AppLayout() {
  const { t } = useTranslation();
  const phone = useIsPhone();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a href="#main-content" className="skip-link">
        {t('nav.skip')}
      </a>
      <AppHeader />
      <LiveSession />
      <Layout>
        {!phone && <SideNav />}
        <Layout.Content
          style={{
            padding: phone ? 12 : 24,
            paddingBottom: phone ? BOTTOM_NAV_HEIGHT + 16 : 24,
            minWidth: 0,
          }}
        >
          <main id="main-content" tabIndex={-1} style={{ maxWidth: 1200, margin: '0 auto', outline: 'none' }}>
            <Suspense fallback={<PageSkeleton />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
      {phone && <BottomNav />}
    </Layout>
  );
}
