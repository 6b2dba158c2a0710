import { PlusOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Empty, Flex, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Member } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { ErrorState } from '../../components/status-states';
import { RoleTags } from '../home/role-tags';
import { useSession } from '../session/session-context';
import { AddMemberDialog } from './add-member-dialog';

function MemberTable({ workspace }: { workspace: { id: string; name: string } }) {
  const { t } = useTranslation();
  const members = useApiQuery((signal) => api.members(workspace.id, signal), [workspace.id]);
  const [adding, setAdding] = useState(false);
  const { message } = App.useApp();

  if (members.status === 'error') {
    return <ErrorState title={t('members.loadFailed')} error={members.error} onRetry={members.retry} />;
  }
  return (
    <>
      <Flex justify="space-between" align="flex-start" wrap gap={12} style={{ marginBottom: 16 }}>
        <div>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {t('members.title')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('members.subtitle', { workspace: workspace.name })}
          </Typography.Text>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('members.add')}
        </Button>
      </Flex>
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Member>
          rowKey="userId"
          loading={members.status === 'loading'}
          dataSource={members.status === 'success' ? members.data : []}
          pagination={{ hideOnSinglePage: true, pageSize: 50 }}
          locale={{ emptyText: <Empty description={t('members.empty')} /> }}
          columns={[
            { title: t('members.name'), dataIndex: 'name', key: 'name' },
            { title: t('members.email'), dataIndex: 'email', key: 'email' },
            {
              title: t('members.roles'),
              dataIndex: 'roles',
              key: 'roles',
              render: (roles: string[]) => <RoleTags roles={roles} />,
            },
            {
              title: t('members.status'),
              dataIndex: 'active',
              key: 'active',
              render: (active: boolean) =>
                active ? (
                  <Badge status="success" text={t('members.active')} />
                ) : (
                  <Badge status="default" text={t('members.inactive')} />
                ),
            },
          ]}
        />
      </Card>
      <AddMemberDialog
        workspace={workspace}
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(member) => {
          setAdding(false);
          void message.success(t('members.added', { name: member.name }));
          members.retry();
        }}
      />
    </>
  );
}

/** The current workspace's members, with a form to add one. */
export function MembersPage() {
  const { t } = useTranslation();
  const { workspace } = useSession();
  return (
    <div data-testid="members-page">
      {workspace ? (
        <MemberTable key={workspace.id} workspace={workspace} />
      ) : (
        <Empty description={t('home.noWorkspaceTitle')} />
      )}
    </div>
  );
}
