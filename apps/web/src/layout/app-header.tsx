import { LogoutOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Flex, Layout, theme } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Avatar, Dropdown } from '../components/antd-lean';
import { LanguageSwitch } from '../components/language-switch';
import { Logo, LogoMark } from '../components/logo';
import { Text } from '../components/text';
import { useIsPhone } from '../components/use-is-phone';
import { useMe, useSession } from '../features/session/session-context';

// A member of several workspaces picks one in a select, loaded only for them.
const WorkspaceSelect = lazy(() =>
  import('./workspace-select').then((m) => ({ default: m.WorkspaceSelect })),
);

function WorkspacePicker() {
  const me = useMe();
  const { workspace } = useSession();
  if (!workspace) return null;
  const name = (
    <Text strong data-testid="current-workspace" ellipsis style={{ minWidth: 0 }}>
      {workspace.name}
    </Text>
  );
  if (me.workspaces.length < 2) return name;
  return (
    <Suspense fallback={name}>
      <WorkspaceSelect />
    </Suspense>
  );
}

function UserMenu({ compact }: { compact: boolean }) {
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
          { key: 'profile', icon: <SafetyOutlined />, label: t('user.profile') },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, label: t('user.logout'), danger: true },
        ],
        onClick: ({ key }) => {
          if (key === 'profile') navigate('/profile');
          if (key === 'logout') void signOut().then(() => navigate('/login', { replace: true }));
        },
      }}
    >
      <Button
        type="text"
        aria-label={t('user.menu', { name: me.user.name })}
        data-testid="user-menu"
        style={{ height: 44, paddingInline: compact ? 6 : 8 }}
      >
        <Flex align="center" gap={8}>
          <Avatar size="small" icon={<UserOutlined />} style={{ backgroundColor: '#1d4ed8' }} />
          {!compact && <span>{me.user.name}</span>}
        </Flex>
      </Button>
    </Dropdown>
  );
}

/**
 * The signed-in header: product, workspace, language and account. On phones the logo shrinks to its
 * mark and the language and account to icons, so the row never wraps or widens the page.
 */
export function AppHeader() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const phone = useIsPhone();
  return (
    <Layout.Header
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: phone ? 8 : 16,
        background: token.colorBgContainer,
        borderBottom: `1px solid ${token.colorBorderSecondary}`,
        paddingInline: phone ? 12 : 20,
        position: 'sticky',
        top: 0,
        zIndex: 20,
        height: phone ? 52 : 64,
        lineHeight: 'normal',
      }}
    >
      <Link to="/" aria-label={t('nav.home')} style={{ display: 'flex', flex: 'none' }}>
        {phone ? <LogoMark size={28} /> : <Logo size={28} />}
      </Link>
      <WorkspacePicker />
      <Flex align="center" gap={phone ? 0 : 8} style={{ marginInlineStart: 'auto', flex: 'none' }}>
        <LanguageSwitch compact={phone} />
        <UserMenu compact={phone} />
      </Flex>
    </Layout.Header>
  );
}
