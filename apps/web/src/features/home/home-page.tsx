import { Badge, Button, Card, Col, Descriptions, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { ErrorState, LoadingState } from '../../components/status-states';
import { useMe, useSession } from '../session/session-context';
import { RoleTags } from './role-tags';

function ServerCard() {
  const { t } = useTranslation();
  const health = useApiQuery((signal) => api.health(signal), []);
  return (
    <Card title={t('home.server')} data-testid="server-card">
      {health.status === 'loading' && <LoadingState />}
      {health.status === 'error' && (
        <ErrorState title={t('home.healthFailed')} error={health.error} onRetry={health.retry} />
      )}
      {health.status === 'success' && (
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('home.status')}>
            <Badge status="success" text={t('home.statusOk')} />
          </Descriptions.Item>
          <Descriptions.Item label={t('home.store')}>
            {health.data.store === 'mongodb' ? t('home.storeMongodb') : t('home.storeEmbedded')}
          </Descriptions.Item>
          <Descriptions.Item label={t('home.version')}>{health.data.version}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

/** Workspace overview: which workspace, your roles in it, your account and the server's state. */
export function HomePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { workspace, selectWorkspace } = useSession();

  return (
    <div data-testid="home-page">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {workspace ? workspace.name : t('home.title')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Card title={t('home.workspace')}>
              {workspace ? (
                <Descriptions column={1} size="small">
                  <Descriptions.Item label={t('home.workspace')}>
                    <span data-testid="workspace-name">{workspace.name}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('home.yourRoles')}>
                    <RoleTags roles={workspace.roles} />
                  </Descriptions.Item>
                  <Descriptions.Item label={t('home.workspaceId')}>
                    <Typography.Text code copyable>
                      {workspace.id}
                    </Typography.Text>
                  </Descriptions.Item>
                </Descriptions>
              ) : (
                <Empty description={t('home.noWorkspaceTitle')}>
                  <Typography.Text type="secondary">{t('home.noWorkspaceBody')}</Typography.Text>
                </Empty>
              )}
            </Card>
            {me.workspaces.length > 1 && (
              <Card title={t('home.otherWorkspaces')}>
                <List
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
              </Card>
            )}
          </Space>
        </Col>
        <Col xs={24} lg={10}>
          <Space direction="vertical" size={16} style={{ width: '100%' }}>
            <Card title={t('home.account')}>
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('home.name')}>{me.user.name}</Descriptions.Item>
                <Descriptions.Item label={t('home.email')}>{me.user.email}</Descriptions.Item>
              </Descriptions>
            </Card>
            <ServerCard />
          </Space>
        </Col>
      </Row>
    </div>
  );
}
