import { ApartmentOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Popconfirm,
  Space,
  Tag,
  Tree,
  type TreeDataNode,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api, type Department, type Member, type WorkspaceMembership } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { ErrorState, PageSkeleton, useErrorText } from '../../components/status-states';
import { useSession } from '../session/session-context';
import { DepartmentDialog } from './department-dialog';

const MANAGING_ROLES = new Set(['owner', 'admin']);

/** Every department of the tree by id. */
function index(tree: readonly Department[], into = new Map<string, Department>()): Map<string, Department> {
  for (const node of tree) {
    into.set(node.id, node);
    index(node.children, into);
  }
  return into;
}

function toTreeData(tree: readonly Department[], members: ReadonlyMap<string, Member>): TreeDataNode[] {
  return tree.map((node) => {
    const head = node.head ? members.get(node.head) : undefined;
    return {
      key: node.id,
      title: (
        <span data-testid="department-node">
          <span>{node.name}</span>
          {head && (
            <Tag style={{ marginInlineStart: 8 }} bordered={false}>
              {head.name}
            </Tag>
          )}
        </span>
      ),
      children: toTreeData(node.children, members),
    };
  });
}

function Departments({ workspace }: { workspace: WorkspaceMembership }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const errorText = useErrorText();
  const data = useApiQuery(
    (signal) => Promise.all([api.departments(workspace.id, signal), api.members(workspace.id, signal)]),
    [workspace.id],
  );
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'add' | 'edit' | null>(null);
  const [deleteError, setDeleteError] = useState<ApiError | null>(null);
  // Collapsed rather than expanded keys, so new departments show up expanded.
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const canManage = workspace.roles.some((role) => MANAGING_ROLES.has(role));

  if (data.status === 'error') {
    return <ErrorState title={t('departments.loadFailed')} error={data.error} onRetry={data.retry} />;
  }
  const loaded = data.status === 'success' ? data.data : data.previous;
  if (!loaded) return <PageSkeleton />;
  const [tree, memberList] = loaded;
  const byId = index(tree);
  const members = new Map(memberList.map((m) => [m.userId, m]));
  const selected = selectedId ? byId.get(selectedId) : undefined;
  const inside = selected ? memberList.filter((m) => m.department === selected.id) : [];

  async function remove(department: Department) {
    setDeleteError(null);
    try {
      await api.deleteDepartment(workspace.id, department.id);
      setSelectedId(null);
      void message.success(t('departments.deleted', { name: department.name }));
      data.retry();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setDeleteError(error);
    }
  }

  return (
    <Flex vertical gap={0}>
      <PageHeader
        title={t('departments.title')}
        subtitle={t('departments.subtitle', { workspace: workspace.name })}
        actions={
          canManage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog('add')}>
              {t('departments.add')}
            </Button>
          )
        }
      />
      {!canManage && (
        <Alert type="info" showIcon title={t('departments.onlyAdmins')} style={{ marginBottom: 16 }} />
      )}
      <Flex gap={16} wrap align="flex-start">
        <Card style={{ flex: '1 1 320px' }} loading={data.status === 'loading' && tree.length === 0}>
          {tree.length === 0 ? (
            <Empty
              image={<ApartmentOutlined style={{ fontSize: 48 }} />}
              description={t('departments.empty')}
            />
          ) : (
            <Tree
              aria-label={t('departments.treeLabel')}
              data-testid="department-tree"
              blockNode
              expandedKeys={[...byId.keys()].filter((id) => !collapsed.has(id))}
              onExpand={(keys) => {
                const open = new Set(keys.map(String));
                setCollapsed(new Set([...byId.keys()].filter((id) => !open.has(id))));
              }}
              showLine
              selectedKeys={selectedId ? [selectedId] : []}
              onSelect={(keys) => {
                setDeleteError(null);
                setSelectedId(keys[0] === undefined ? null : String(keys[0]));
              }}
              treeData={toTreeData(tree, members)}
            />
          )}
        </Card>
        <Card style={{ flex: '1 1 320px' }} title={selected?.name ?? t('departments.details')}>
          {!selected ? (
            <Typography.Text type="secondary">{t('departments.pick')}</Typography.Text>
          ) : (
            <Flex vertical gap={12} data-testid="department-details">
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('departments.parent')}>
                  {(selected.parent && byId.get(selected.parent)?.name) || t('departments.noParent')}
                </Descriptions.Item>
                <Descriptions.Item label={t('departments.head')}>
                  {(selected.head && members.get(selected.head)?.name) || t('departments.noHead')}
                </Descriptions.Item>
                <Descriptions.Item label={t('departments.memberCount')}>{inside.length}</Descriptions.Item>
              </Descriptions>
              {canManage && (
                <Space wrap>
                  <Button icon={<PlusOutlined />} onClick={() => setDialog('add')}>
                    {t('departments.addChild')}
                  </Button>
                  <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>
                    {t('departments.edit')}
                  </Button>
                  <Popconfirm
                    title={t('departments.deleteConfirm', { name: selected.name })}
                    okText={t('departments.delete')}
                    cancelText={t('common.cancel')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => remove(selected)}
                  >
                    <Button danger icon={<DeleteOutlined />}>
                      {t('departments.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              )}
              {deleteError && (
                <Alert
                  type="error"
                  showIcon
                  role="alert"
                  data-testid="delete-error"
                  title={t('departments.deleteFailed')}
                  description={errorText(deleteError)}
                />
              )}
            </Flex>
          )}
        </Card>
      </Flex>
      {canManage && (
        <DepartmentDialog
          workspaceId={workspace.id}
          tree={tree}
          members={memberList}
          editing={dialog === 'edit' ? selected : undefined}
          defaultParent={dialog === 'add' ? (selected?.id ?? null) : null}
          open={dialog !== null}
          onClose={() => setDialog(null)}
          onSaved={(department) => {
            setDialog(null);
            setSelectedId(department.id);
            void message.success(t('departments.saved', { name: department.name }));
            data.retry();
          }}
        />
      )}
    </Flex>
  );
}

/** The current workspace's department tree: create, rename, move, set heads, delete. */
export function DepartmentsPage() {
  const { t } = useTranslation();
  const { workspace } = useSession();
  return (
    <div data-testid="departments-page">
      {workspace ? (
        <Departments key={workspace.id} workspace={workspace} />
      ) : (
        <Empty description={t('home.noWorkspaceTitle')} />
      )}
    </div>
  );
}
