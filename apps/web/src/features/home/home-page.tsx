import { AppstoreOutlined, InfoCircleOutlined, PlusOutlined, ShopOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Collapse, Descriptions, Empty, Flex, List, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { appsApi } from '../../api/apps';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { AppAvatar } from '../../components/app-avatar';
import { PageHeader } from '../../components/page-header';
import { CardsSkeleton, ErrorState } from '../../components/status-states';
import { useIsPhone } from '../../components/use-is-phone';
import { useLocalized } from '../../i18n/localized';
import { CreateAppDialog } from '../apps/create-app-dialog';
import { isWorkspaceAdmin, visibleApps } from '../apps/visible-apps';
import { useMe, useSession } from '../session/session-context';
import { RoleTags } from './role-tags';

function AppGrid({ workspaceId, roles }: { workspaceId: string; roles: readonly string[] }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const navigate = useNavigate();
  const admin = isWorkspaceAdmin(roles);
  const apps = useApiQuery((signal) => appsApi.list(workspaceId, signal), [workspaceId]);
  if (apps.status === 'error') {
    return <ErrorState title={t('apps.loadFailed')} error={apps.error} onRetry={apps.retry} />;
  }
  if (apps.status === 'loading' && !apps.previous) return <CardsSkeleton count={3} />;
  const list = visibleApps(apps.status === 'success' ? apps.data : (apps.previous ?? []), roles);
  if (list.length === 0) {
    return (
      <Card data-testid="apps-empty">
        <Empty
          image={<ShopOutlined style={{ fontSize: 56, color: '#94a3b8' }} />}
          description={
            <Flex vertical gap={4}>
              <Typography.Text strong>
                {admin ? t('apps.emptyAdminTitle') : t('apps.emptyTitle')}
              </Typography.Text>
              <Typography.Text type="secondary">
                {admin ? t('apps.emptyAdminBody') : t('apps.emptyBody')}
              </Typography.Text>
            </Flex>
          }
        >
          {admin && (
            <Button type="primary" icon={<ShopOutlined />} onClick={() => navigate('/templates')}>
              {t('apps.browseTemplates')}
            </Button>
          )}
        </Empty>
      </Card>
    );
  }
  return (
    <div
      data-testid="app-cards"
      style={{
        display: 'grid',
        gap: 16,
        gridTemplateColumns: 'repeat(auto-fill, minmax(min(260px, 100%), 1fr))',
      }}
    >
      {list.map((app) => {
        const name = l(app.name, app.key);
        return (
          <Link key={app.id} to={`/apps/${app.id}`} aria-label={name} data-testid="app-card">
            <Card hoverable style={{ height: '100%' }}>
              <Flex gap={12} align="flex-start">
                <AppAvatar name={name} {...(app.color ? { color: app.color } : {})} />
                <div style={{ minWidth: 0 }}>
                  <Typography.Title level={5} style={{ margin: 0 }} ellipsis>
                    {name}
                  </Typography.Title>
                  <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                    {l(app.description) || t('apps.noDescription')}
                  </Typography.Paragraph>
                </div>
              </Flex>
            </Card>
          </Link>
        );
      })}
    </div>
  );
}

function WorkspaceInfo() {
  const { t } = useTranslation();
  const me = useMe();
  const { workspace, selectWorkspace } = useSession();
  const health = useApiQuery((signal) => api.health(signal), []);
  return (
    <Collapse
      ghost
      items={[
        {
          key: 'about',
          label: (
            <Flex gap={8} align="center">
              <InfoCircleOutlined /> {t('home.about')}
            </Flex>
          ),
          children: (
            <Flex vertical gap={16}>
              <Descriptions column={1} size="small" bordered>
                {workspace && (
                  <Descriptions.Item label={t('home.yourRoles')}>
                    <RoleTags roles={workspace.roles} />
                  </Descriptions.Item>
                )}
                {workspace && (
                  <Descriptions.Item label={t('home.workspaceId')}>
                    <Typography.Text code copyable>
                      {workspace.id}
                    </Typography.Text>
                  </Descriptions.Item>
                )}
                <Descriptions.Item label={t('home.account')}>
                  {me.user.name} · {me.user.email}
                </Descriptions.Item>
                <Descriptions.Item label={t('home.server')}>
                  {health.status === 'success' ? (
                    <Flex gap={8} wrap>
                      <Badge status="success" text={t('home.statusOk')} />
                      <span>
                        {health.data.store === 'mongodb' ? t('home.storeMongodb') : t('home.storeEmbedded')}
                      </span>
                      <span>{health.data.version}</span>
                    </Flex>
                  ) : health.status === 'error' ? (
                    <Typography.Text type="danger">{t('home.healthFailed')}</Typography.Text>
                  ) : (
                    t('common.loading')
                  )}
                </Descriptions.Item>
              </Descriptions>
              {me.workspaces.length > 1 && (
                <List
                  header={t('home.otherWorkspaces')}
                  dataSource={me.workspaces}
                  renderItem={(item) => (
                    <List.Item
                      actions={[
                        item.id === workspace?.id ? (
                          <Tag key="current" color="blue">
                            {t('home.current')}
                          </Tag>
                        ) : (
                          <Button key="switch" size="small" onClick={() => selectWorkspace(item.id)}>
                            {t('home.switchTo')}
                          </Button>
                        ),
                      ]}
                    >
                      <List.Item.Meta title={item.name} description={<RoleTags roles={item.roles} />} />
                    </List.Item>
                  )}
                />
              )}
            </Flex>
          ),
        },
      ]}
    />
  );
}

/** The workspace's home: its apps as cards, "create app" for admins, the gallery when there are none. */
export function HomePage() {
  const { t } = useTranslation();
  const { workspace } = useSession();
  const phone = useIsPhone();
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const admin = workspace ? isWorkspaceAdmin(workspace.roles) : false;
  return (
    <div data-testid="home-page">
      <PageHeader
        title={<span data-testid="workspace-name">{workspace ? workspace.name : t('home.title')}</span>}
        subtitle={t('apps.subtitle')}
        actions={
          admin && (
            <>
              <Button icon={<AppstoreOutlined />} onClick={() => navigate('/templates')} block={phone}>
                {t('apps.templates')}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} block={phone}>
                {t('apps.createApp')}
              </Button>
            </>
          )
        }
      />
      {workspace ? (
        <AppGrid workspaceId={workspace.id} roles={workspace.roles} />
      ) : (
        <Card>
          <Empty description={t('home.noWorkspaceTitle')}>
            <Typography.Text type="secondary">{t('home.noWorkspaceBody')}</Typography.Text>
          </Empty>
        </Card>
      )}
      <div style={{ marginTop: 24 }}>
        <WorkspaceInfo />
      </div>
      {workspace && admin && (
        <CreateAppDialog workspaceId={workspace.id} open={creating} onClose={() => setCreating(false)} />
      )}
    </div>
  );
}
