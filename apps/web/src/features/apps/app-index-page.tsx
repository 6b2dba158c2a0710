import { BarChartOutlined, FormOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate } from 'react-router';
import { AppAvatar } from '../../components/app-avatar';
import { PageHeader } from '../../components/page-header';
import { useIsPhone } from '../../components/use-is-phone';
import { useLocalized } from '../../i18n/localized';
import { groupEntries, menuEntries, useAppScope } from './app-scope';

/**
 * `/apps/:appId`: on a desktop, straight to the first entry of the menu (the menu is beside it); on a
 * phone, the menu itself as large tappable rows. An app with nothing for the caller says why.
 */
export function AppIndexPage() {
  const scope = useAppScope();
  const { t } = useTranslation();
  const l = useLocalized();
  const phone = useIsPhone();
  const entries = menuEntries(scope);
  const name = l(scope.app.name, scope.app.key);
  const first = entries[0];
  if (!phone && first) return <Navigate to={first.path} replace />;
  return (
    <div data-testid="app-home">
      <PageHeader
        back={
          <Link to="/">
            <AppAvatar name={name} size={36} {...(scope.app.color ? { color: scope.app.color } : {})} />
          </Link>
        }
        title={name}
        subtitle={l(scope.app.description)}
      />
      {entries.length === 0 ? (
        <Card>
          <Empty
            description={
              <Flex vertical gap={4}>
                <Typography.Text strong>{t('apps.nothingHereTitle')}</Typography.Text>
                <Typography.Text type="secondary">
                  {scope.forms.length === 0 ? t('apps.noFormsYet') : t('apps.noAccess')}
                </Typography.Text>
              </Flex>
            }
          >
            <Link to="/">
              <Button>{t('apps.backHome')}</Button>
            </Link>
          </Empty>
        </Card>
      ) : (
        <nav aria-label={t('apps.menuLabel', { app: name })}>
          <Flex vertical gap={8}>
            {groupEntries(entries).map(({ group, entries: inGroup }) => (
              <Flex vertical gap={8} key={inGroup[0]?.key}>
                {group !== undefined && (
                  <Typography.Text type="secondary" style={{ marginTop: 8 }}>
                    {l(group)}
                  </Typography.Text>
                )}
                {inGroup.map((entry) => (
                  <Link key={entry.key} to={entry.path} data-testid="app-menu-entry">
                    <Card size="small" hoverable>
                      <Flex align="center" gap={12} style={{ minHeight: 28 }}>
                        <span style={{ fontSize: 20, color: '#1d4ed8' }}>
                          {entry.kind === 'form' ? <FormOutlined /> : <BarChartOutlined />}
                        </span>
                        <Typography.Text strong style={{ flex: 1 }}>
                          {l(entry.label, entry.target)}
                        </Typography.Text>
                        <RightOutlined style={{ color: '#94a3b8' }} />
                      </Flex>
                    </Card>
                  </Link>
                ))}
              </Flex>
            ))}
          </Flex>
        </nav>
      )}
    </div>
  );
}
