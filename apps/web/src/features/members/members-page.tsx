import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Badge,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  List,
  Space,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import { api, type Department, type Member, type WorkspaceMembership } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { ErrorState, useErrorText } from '../../components/status-states';
import { useIsPhone } from '../../components/use-is-phone';
import { RoleTags } from '../home/role-tags';
import { useMe, useSession } from '../session/session-context';
import { AddMemberDialog } from './add-member-dialog';
import { MemberActions } from './member-actions';
import { MemberEditDialog } from './member-edit-dialog';

/** Department names by id, the whole tree flattened. */
function departmentNames(tree: readonly Department[], into = new Map<string, string>()): Map<string, string> {
  for (const node of tree) {
    into.set(node.id, node.name);
    departmentNames(node.children, into);
  }
  return into;
}

/** The server enforces this too; the page only avoids offering buttons that would answer 403. */
const MANAGING_ROLES = new Set(['owner', 'admin']);

function MemberTable({ workspace }: { workspace: WorkspaceMembership }) {
  const { t } = useTranslation();
  const me = useMe();
  const errorText = useErrorText();
  const { message } = useFeedback();
  const members = useApiQuery((signal) => api.members(workspace.id, signal), [workspace.id]);
  const departments = useApiQuery((signal) => api.departments(workspace.id, signal), [workspace.id]);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Member | null>(null);
  const phone = useIsPhone();
  const canManage = workspace.roles.some((role) => MANAGING_ROLES.has(role));

  if (members.status === 'error') {
    return <ErrorState title={t('members.loadFailed')} error={members.error} onRetry={members.retry} />;
  }
  const rows = members.status === 'success' ? members.data : (members.previous ?? []);
  const deptNames = departmentNames(departments.status === 'success' ? departments.data : []);
  const names = new Map(rows.map((m) => [m.userId, m.name]));
  const showChangeError = (error: ApiError) =>
    void message.error(`${t('members.changeFailed')}: ${errorText(error)}`);

  const columns: TableColumnsType<Member> = [
    {
      title: t('members.name'),
      dataIndex: 'name',
      key: 'name',
      render: (name: string, member) =>
        member.userId === me.user.id ? (
          <>
            {name} <Typography.Text type="secondary">({t('members.you')})</Typography.Text>
          </>
        ) : (
          name
        ),
    },
    { title: t('members.email'), dataIndex: 'email', key: 'email' },
    {
      title: t('members.roles'),
      dataIndex: 'roles',
      key: 'roles',
      render: (roles: string[]) => <RoleTags roles={roles} />,
    },
    {
      title: t('members.department'),
      dataIndex: 'department',
      key: 'department',
      render: (id: string | null) => (id ? (deptNames.get(id) ?? '') : ''),
    },
    {
      title: t('members.manager'),
      dataIndex: 'manager',
      key: 'manager',
      render: (id: string | null) => (id ? (names.get(id) ?? '') : ''),
    },
    {
      title: t('members.status'),
      dataIndex: 'active',
      key: 'active',
      render: (active: boolean) => status(active),
    },
  ];
  function status(active: boolean) {
    return active ? (
      <Badge status="success" text={t('members.active')} />
    ) : (
      <Badge status="default" text={t('members.inactive')} />
    );
  }
  function actions(member: Member) {
    return (
      <Space size={4} wrap>
        <Button
          size="small"
          icon={<EditOutlined />}
          aria-label={t('members.editTitle', { name: member.name })}
          onClick={() => setEditing(member)}
        >
          {t('members.edit')}
        </Button>
        {member.userId !== me.user.id && (
          <MemberActions
            workspaceId={workspace.id}
            member={member}
            nameOf={(userId) => names.get(userId)}
            onChanged={members.retry}
            onError={showChangeError}
          />
        )}
      </Space>
    );
  }
  if (canManage) {
    columns.push({
      title: t('members.actions'),
      key: 'actions',
      render: (_value, member) => actions(member),
    });
  }

  return (
    <>
      <PageHeader
        title={t('members.title')}
        subtitle={t('members.subtitle', { workspace: workspace.name })}
        actions={
          canManage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} block={phone}>
              {t('members.add')}
            </Button>
          )
        }
      />
      {!canManage && (
        <Alert type="info" showIcon title={t('members.onlyAdmins')} style={{ marginBottom: 16 }} />
      )}
      {phone ? (
        <List<Member>
          data-testid="member-cards"
          loading={members.status === 'loading'}
          dataSource={rows}
          locale={{ emptyText: <Empty description={t('members.empty')} /> }}
          renderItem={(member) => (
            <Card size="small" style={{ marginBottom: 12 }} data-testid="member-card">
              <Flex justify="space-between" align="flex-start" gap={8}>
                <div style={{ minWidth: 0 }}>
                  <Typography.Text strong>
                    {member.name}
                    {member.userId === me.user.id && (
                      <Typography.Text type="secondary"> ({t('members.you')})</Typography.Text>
                    )}
                  </Typography.Text>
                  <div>
                    <Typography.Text type="secondary" style={{ overflowWrap: 'anywhere' }}>
                      {member.email}
                    </Typography.Text>
                  </div>
                </div>
                {status(member.active)}
              </Flex>
              <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
                <Descriptions.Item label={t('members.roles')}>
                  <RoleTags roles={member.roles} />
                </Descriptions.Item>
                {member.department && (
                  <Descriptions.Item label={t('members.department')}>
                    {deptNames.get(member.department) ?? ''}
                  </Descriptions.Item>
                )}
                {member.manager && (
                  <Descriptions.Item label={t('members.manager')}>
                    {names.get(member.manager) ?? ''}
                  </Descriptions.Item>
                )}
              </Descriptions>
              {canManage && <div style={{ marginTop: 8 }}>{actions(member)}</div>}
            </Card>
          )}
        />
      ) : (
        <Card styles={{ body: { padding: 0 } }}>
          <Table<Member>
            rowKey="userId"
            loading={members.status === 'loading'}
            dataSource={rows}
            pagination={{ hideOnSinglePage: true, pageSize: 50 }}
            locale={{ emptyText: <Empty description={t('members.empty')} /> }}
            columns={columns}
          />
        </Card>
      )}
      {canManage && (
        <MemberEditDialog
          workspaceId={workspace.id}
          member={editing}
          members={rows}
          isOwner={workspace.roles.includes('owner')}
          onClose={() => setEditing(null)}
          onSaved={(member) => {
            setEditing(null);
            void message.success(t('members.updated', { name: member.name }));
            members.retry();
          }}
        />
      )}
      {canManage && (
        <AddMemberDialog
          workspace={workspace}
          open={adding}
          onClose={() => setAdding(false)}
          onAdded={(member, invited) => {
            setAdding(false);
            void message.success(
              invited
                ? t('members.invited', { email: member.email })
                : t('members.added', { name: member.name }),
            );
            members.retry();
          }}
        />
      )}
    </>
  );
}

/** The current workspace's members; owners and admins can add, deactivate and reactivate them. */
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
