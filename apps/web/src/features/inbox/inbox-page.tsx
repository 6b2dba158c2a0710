import { CheckOutlined } from '@ant-design/icons';
import { Badge, Button, Checkbox, Empty, Flex, List, Popconfirm, Tabs, Tag, Typography } from 'antd';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useRealtimeEvent } from '../../api/realtime';
import { type TaskItem, type TaskList, type TaskPage, tasksApi } from '../../api/tasks';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { ErrorState, PageSkeleton } from '../../components/status-states';
import { useLocalized } from '../../i18n/localized';
import { formatDateTime } from '../forms/fields/format';
import { useSession } from '../session/session-context';
import { taskCounts, useTaskCounts } from './task-counts';
import { TaskDrawer } from './task-drawer';
import { TaskSubject } from './task-subject';

const LISTS: readonly TaskList[] = ['pending', 'done', 'cc', 'started'];
const STATUS_COLORS: Record<string, string> = {
  approved: 'green',
  rejected: 'red',
  returned: 'orange',
  withdrawn: 'default',
  inProgress: 'blue',
};

type Loaded =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ready'; page: TaskPage };

/** One list of the inbox, with "load more" and a reload that keeps what is shown until the answer. */
function useTaskList(workspace: string, list: TaskList) {
  const [state, setState] = useState<Loaded>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `attempt` loads the list again.
  useEffect(() => {
    const controller = new AbortController();
    setState((current) => (current.status === 'ready' ? current : { status: 'loading' }));
    tasksApi.list(workspace, list, undefined, controller.signal).then(
      (page) => {
        taskCounts.set(workspace, page.counts);
        setState({ status: 'ready', page });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          status: 'error',
          error: error instanceof ApiError ? error : new ApiError(0, 'NETWORK_ERROR', String(error)),
        });
      },
    );
    return () => controller.abort();
  }, [workspace, list, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const more = useCallback(async () => {
    if (state.status !== 'ready' || !state.page.nextCursor) return;
    const next = await tasksApi.list(workspace, list, state.page.nextCursor);
    setState({ status: 'ready', page: { ...next, items: [...state.page.items, ...next.items] } });
  }, [state, workspace, list]);
  return { state, reload, more };
}

/**
 * `/inbox`: the member's to-dos (pending, done), copies sent to them and the flows they started, with
 * their counts; approving several at once; a task opens in a drawer (`?task=`) to act on it. New tasks
 * and tasks closed elsewhere show up without a reload.
 */
export function InboxPage() {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const { message } = useFeedback();
  const { workspace } = useSession();
  const workspaceId = workspace?.id ?? '';
  const [params, setParams] = useSearchParams();
  const list = (LISTS as readonly string[]).includes(params.get('list') ?? '')
    ? (params.get('list') as TaskList)
    : 'pending';
  const open = params.get('task');
  const counts = useTaskCounts(workspaceId);
  const { state, reload, more } = useTaskList(workspaceId, list);
  const [selected, setSelected] = useState<string[]>([]);
  const [approving, setApproving] = useState(false);
  const language = i18n.resolvedLanguage ?? 'en';

  const onTasksChanged = (event: { ws: string }) => {
    if (event.ws === workspaceId) reload();
  };
  useRealtimeEvent('tasks:assigned', onTasksChanged);
  useRealtimeEvent('tasks:closed', onTasksChanged);

  const items = state.status === 'ready' ? state.page.items : [];
  const approvable = items.filter((item) => item.kind === 'approve' && item.status === 'pending');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the selection is reset when the list changes.
  useEffect(() => setSelected([]), [list]);

  function go(next: { list?: TaskList; task?: string | null }) {
    const search = new URLSearchParams(params);
    if (next.list) search.set('list', next.list);
    if (next.task === null) search.delete('task');
    else if (next.task) search.set('task', next.task);
    setParams(search);
  }

  async function approveSelected() {
    setApproving(true);
    try {
      const { results } = await tasksApi.approveAll(workspaceId, selected);
      const failed = results.filter((r) => r.status >= 300);
      if (failed.length === 0) void message.success(t('inbox.bulkDone', { count: results.length }));
      else
        void message.warning(
          t('inbox.bulkPartly', {
            done: results.length - failed.length,
            failed: failed.length,
            reason: failed[0]?.error?.message ?? '',
          }),
        );
      setSelected([]);
      reload();
      void taskCounts.load(workspaceId, true);
    } catch (error) {
      void message.error(error instanceof ApiError ? error.message : String(error));
    } finally {
      setApproving(false);
    }
  }

  const label = (key: TaskList) => {
    const count = key === 'pending' ? counts?.pending : key === 'cc' ? counts?.ccUnread : undefined;
    return (
      <Flex gap={6} align="center">
        {t(`inbox.list.${key}`)}
        {count ? <Badge count={count} size="small" data-testid={`count-${key}`} /> : null}
      </Flex>
    );
  };

  const renderItem = (item: TaskItem) => {
    const status = item.kind === 'start' ? item.flowStatus : item.status === 'done' ? item.outcome : null;
    const selectable = list === 'pending' && item.kind === 'approve';
    return (
      <List.Item data-testid="task-item" style={{ gap: 12 }}>
        {selectable && (
          <Checkbox
            checked={selected.includes(item.id)}
            onChange={(e) =>
              setSelected((s) => (e.target.checked ? [...s, item.id] : s.filter((id) => id !== item.id)))
            }
            aria-label={t('inbox.select', { title: l(item.title) })}
          />
        )}
        <List.Item.Meta
          style={{ minWidth: 0 }}
          title={
            <Typography.Link
              onClick={() => go({ task: item.id })}
              style={{ overflowWrap: 'anywhere' }}
              data-testid="task-open"
            >
              <TaskSubject workspaceId={workspaceId} item={item} />
            </Typography.Link>
          }
          description={
            <Flex gap={8} wrap align="center">
              <Tag>{t(`inbox.kind.${item.kind}`)}</Tag>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {l(item.title, t('inbox.untitled'))}
              </Typography.Text>
              {item.kind === 'cc' && item.status === 'pending' && <Tag color="blue">{t('inbox.unread')}</Tag>}
              {status && (
                <Tag color={STATUS_COLORS[status] ?? 'default'}>
                  {t(`flowTimeline.status.${status}`, { defaultValue: status })}
                </Tag>
              )}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(item.createdAt, language)}
              </Typography.Text>
              {item.dueAt && item.status === 'pending' && (
                <Typography.Text type="warning" style={{ fontSize: 12 }}>
                  {t('inbox.due', { when: formatDateTime(item.dueAt, language) })}
                </Typography.Text>
              )}
            </Flex>
          }
        />
      </List.Item>
    );
  };

  let body: ReactNode;
  if (state.status === 'loading') body = <PageSkeleton blocks={2} />;
  else if (state.status === 'error')
    body = <ErrorState title={t('inbox.loadFailed')} error={state.error} onRetry={reload} />;
  else if (items.length === 0)
    body = (
      <Empty data-testid="inbox-empty" description={t(`inbox.empty.${list}`)} style={{ padding: '32px 0' }} />
    );
  else
    body = (
      <>
        <List dataSource={items} renderItem={renderItem} rowKey="id" />
        {state.page.nextCursor && (
          <Flex justify="center" style={{ marginTop: 12 }}>
            <Button onClick={() => void more()}>{t('inbox.more')}</Button>
          </Flex>
        )}
      </>
    );

  return (
    <div data-testid="inbox-page">
      <PageHeader
        title={t('inbox.title')}
        subtitle={t('inbox.subtitle')}
        actions={
          list === 'pending' && approvable.length > 0 ? (
            <Flex gap={8} wrap>
              <Checkbox
                checked={selected.length === approvable.length}
                indeterminate={selected.length > 0 && selected.length < approvable.length}
                onChange={(e) => setSelected(e.target.checked ? approvable.map((i) => i.id) : [])}
              >
                {t('inbox.selectAll')}
              </Checkbox>
              <Popconfirm
                title={t('inbox.bulkConfirm', { count: selected.length })}
                onConfirm={() => void approveSelected()}
                disabled={selected.length === 0}
              >
                <Button
                  type="primary"
                  icon={<CheckOutlined />}
                  disabled={selected.length === 0}
                  loading={approving}
                  data-testid="bulk-approve"
                >
                  {t('inbox.bulkApprove', { count: selected.length })}
                </Button>
              </Popconfirm>
            </Flex>
          ) : undefined
        }
      />
      <Tabs
        activeKey={list}
        onChange={(key) => go({ list: key as TaskList })}
        items={LISTS.map((key) => ({ key, label: label(key) }))}
      />
      {body}
      {open && (
        <TaskDrawer
          workspaceId={workspaceId}
          taskId={open}
          onClose={() => go({ task: null })}
          onActed={() => {
            reload();
            void taskCounts.load(workspaceId, true);
          }}
        />
      )}
    </div>
  );
}
