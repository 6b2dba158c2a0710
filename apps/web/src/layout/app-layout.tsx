import { Layout } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation } from 'react-router';
import { PageErrorBoundary } from '../components/page-error-boundary';
import { PageSkeleton } from '../components/status-states';
import { useIsPhone } from '../components/use-is-phone';
import { AppHeader } from './app-header';
import { BOTTOM_NAV_HEIGHT, BottomNav } from './bottom-nav';
import { LiveSession } from './live-session';
import { SideNav } from './side-nav';

/**
 * The signed-in frame. Desktop: header, side navigation, page. Phones: a compact header, the page at
 * full width and a bottom tab bar; nothing is wider than the screen.
 */
export function AppLayout() {
  const { t } = useTranslation();
  const phone = useIsPhone();
  // An app's pages have their own menu beside them and dashboards use all the width they get.
  const inApp = useLocation().pathname.startsWith('/apps/');
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
          <main
            id="main-content"
            tabIndex={-1}
            style={{ maxWidth: inApp ? 1600 : 1200, margin: '0 auto', outline: 'none' }}
          >
            <PageErrorBoundary>
              <Suspense fallback={<PageSkeleton />}>
                <Outlet />
              </Suspense>
            </PageErrorBoundary>
          </main>
        </Layout.Content>
      </Layout>
      {phone && <BottomNav />}
    </Layout>
  );
}
