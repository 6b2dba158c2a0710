import { EllipsisOutlined } from '@ant-design/icons';
import { theme } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { InboxBadge } from '../features/inbox/inbox-badge';
import { NAV, selectedNav } from './nav-items';

// The "More" sheet (an antd Drawer) loads when it is first opened.
const MoreSheet = lazy(() => import('./more-sheet').then((m) => ({ default: m.MoreSheet })));

/** Height of the phone bottom bar; the page keeps this much room free at its end. */
export const BOTTOM_NAV_HEIGHT = 56;

/**
 * The phone's navigation: the main sections as a bottom tab bar (44 px+ touch targets, thumbs reach
 * it), the rest behind "More" in a bottom sheet.
 */
export function BottomNav() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const location = useLocation();
  const navigate = useNavigate();
  const [more, setMore] = useState(false);
  // Mounted from the first opening on, so closing still animates.
  const [opened, setOpened] = useState(false);
  const current = selectedNav(location.pathname);
  const bar = NAV.filter((item) => item.phone === 'bar');
  const rest = NAV.filter((item) => item.phone === 'more');
  const restActive = rest.some((item) => item.path === current);
  const tab = (active: boolean) => ({
    flex: '1 1 0',
    minWidth: 0,
    minHeight: 44,
    display: 'flex',
    flexDirection: 'column' as const,
    alignItems: 'center',
    justifyContent: 'center',
    gap: 2,
    fontSize: 11,
    color: active ? token.colorPrimary : token.colorTextSecondary,
    background: 'none',
    border: 'none',
    cursor: 'pointer',
    textDecoration: 'none',
  });
  return (
    <>
      <nav
        aria-label={t('nav.label')}
        data-testid="bottom-nav"
        style={{
          position: 'fixed',
          insetInline: 0,
          bottom: 0,
          zIndex: 30,
          height: BOTTOM_NAV_HEIGHT,
          paddingBottom: 'env(safe-area-inset-bottom)',
          display: 'flex',
          background: token.colorBgContainer,
          borderTop: `1px solid ${token.colorBorderSecondary}`,
        }}
      >
        {bar.map((item) => {
          const active = item.path === current;
          return (
            <Link
              key={item.path}
              to={item.path}
              aria-current={active ? 'page' : undefined}
              style={tab(active)}
            >
              <span style={{ fontSize: 20, lineHeight: 1 }}>
                {item.inbox ? <InboxBadge dot>{item.icon}</InboxBadge> : item.icon}
              </span>
              <span
                style={{
                  whiteSpace: 'nowrap',
                  overflow: 'hidden',
                  textOverflow: 'ellipsis',
                  maxWidth: '100%',
                }}
              >
                {t(item.label)}
              </span>
            </Link>
          );
        })}
        {rest.length > 0 && (
          <button
            type="button"
            style={tab(restActive)}
            onClick={() => {
              setOpened(true);
              setMore(true);
            }}
            aria-haspopup="dialog"
          >
            <span style={{ fontSize: 20, lineHeight: 1 }}>
              <EllipsisOutlined />
            </span>
            <span>{t('nav.more')}</span>
          </button>
        )}
      </nav>
      {opened && (
        <Suspense fallback={null}>
          <MoreSheet
            open={more}
            current={current}
            items={rest.map((item) => ({ key: item.path, icon: item.icon, label: t(item.label) }))}
            onClose={() => setMore(false)}
            onPick={(key) => {
              setMore(false);
              navigate(key);
            }}
          />
        </Suspense>
      )}
    </>
  );
}
