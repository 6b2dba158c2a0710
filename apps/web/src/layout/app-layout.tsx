import {
  ApartmentOutlined,
  HomeOutlined,
  LogoutOutlined,
  SafetyOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Dropdown, Flex, Layout, Menu, Select, Typography, theme } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { LanguageSwitch } from '../components/language-switch';
import { Logo } from '../components/logo';
import { LoadingState } from '../components/status-states';
import { useMe, useSession } from '../features/session/session-context';

/** Top-level sections; a route's first segment picks the highlighted entry. */
const NAV = [
  { key: '/', icon: <HomeOutlined />, label: 'nav.home' },
  { key: '/members', icon: <TeamOutlined />, label: 'nav.members' },
  { key: '/departments', icon: <ApartmentOutlined />, label: 'nav.departments' },
  { key: '/permissions', icon: <SafetyOutlined />, label: 'nav.permissions' },
] as const;

function selectedKey(pathname: string): string {
  const first = `/${pathname.split('/')[1] ?? ''}`;
  return NAV.some((item) => item.key === first) ? first : '/';
}

function WorkspacePicker() {
  const { t } = useTranslation();
  const me = useMe();
  const { workspace, selectWorkspace } = useSession();
  if (!workspace) return null;
  if (me.workspaces.length < 2) {
    return (
      <Typography.Text strong data-testid="current-workspace" ellipsis style={{ maxWidth: 240 }}>
        {workspace.name}
      </Typography.Text>
    );
  }
  return (
    <Select
      aria-label={t('user.workspace')}
      data-testid="current-workspace"
      value={workspace.id}
      onChange={selectWorkspace}
      style={{ minWidth: 180 }}
      options={me.workspaces.map((w) => ({ value: w.id, label: w.name }))}
    />
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const { signOut } = useSession();
  const navigate = useNavigate();
  return (
    <Dropdown
      trigger={['click']}
      // Moves focus into the menu on open so arrow keys and Enter work without a mouse.
      autoFocus
      menu={{
        items: [
          { key: 'who', label: t('user.signedInAs', { email: me.user.email }), disabled: true },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, label: t('user.logout'), danger: true },
        ],
        onClick: ({ key }) => {
          if (key === 'logout') void signOut().then(() => navigate('/login', { replace: true }));
        },
      }}
    >
      <Button type="text" aria-label={t('user.menu', { name: me.user.name })} data-testid="user-menu">
        <Flex align="center" gap={8}>
          <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: '#1d4ed8' }} />
          <span>{me.user.name}</span>
        </Flex>
      </Button>
    </Dropdown>
  );
}

/** The signed-in frame: header with product, workspace, language and user; side navigation; page. */
export function AppLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const { token } = theme.useToken();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a href="#main-content" className="skip-link">
        {t('nav.skip')}
      </a>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 16,
          background: token.colorBgContainer,
          borderBottom: `1px solid ${token.colorBorderSecondary}`,
          paddingInline: 20,
        }}
      >
        <Link to="/" aria-label={t('nav.home')} style={{ display: 'flex' }}>
          <Logo size={28} />
        </Link>
        <WorkspacePicker />
        <Flex align="center" gap={8} style={{ marginInlineStart: 'auto' }}>
          <LanguageSwitch />
          <UserMenu />
        </Flex>
      </Layout.Header>
      <Layout>
        <Layout.Sider
          width={208}
          breakpoint="md"
          collapsedWidth={0}
          style={{
            background: token.colorBgContainer,
            borderInlineEnd: `1px solid ${token.colorBorderSecondary}`,
          }}
        >
          <nav aria-label={t('nav.label')}>
            <Menu
              mode="inline"
              selectedKeys={[selectedKey(location.pathname)]}
              style={{ borderInlineEnd: 'none', paddingTop: 8 }}
              items={NAV.map((item) => ({
                key: item.key,
                icon: item.icon,
                label: <Link to={item.key}>{t(item.label)}</Link>,
              }))}
            />
          </nav>
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>
          <main id="main-content" tabIndex={-1} style={{ maxWidth: 1100, margin: '0 auto', outline: 'none' }}>
            <Suspense fallback={<LoadingState />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
