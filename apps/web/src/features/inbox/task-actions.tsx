import { Button, Flex, Input, Modal, Radio, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { type TaskAction, type TaskDetail, tasksApi } from '../../api/tasks';
import { useFeedback } from '../../components/feedback';
import { useMembers } from '../forms/fields/directory';

type Action = TaskAction['action'];

/** What each kind of item lets its holder do (docs/flows.md, "Tasks and actions"). */
const ACTIONS: Record<TaskDetail['task']['kind'], readonly Action[]> = {
  approve: ['approve', 'reject', 'return', 'transfer', 'addSigner', 'comment'],
  fill: ['submit', 'return', 'transfer', 'comment'],
  submit: ['submit', 'withdraw', 'comment'],
  cc: ['read'],
  start: [],
};

/** Actions that ask for more than a comment: where to, whom. */
const NEEDS_TARGET = new Set<Action>(['return', 'transfer', 'addSigner']);

/**
 * The buttons of a pending task with one comment box for all of them; reject and comment need a comment.
 * Return asks where to (the submitter or an earlier step), transfer whom to, add signer whom and where.
 */
export function TaskActions({
  workspaceId,
  detail,
  onActed,
}: {
  workspaceId: string;
  detail: TaskDetail;
  onActed(): void;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const members = useMembers(workspaceId);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<Action | null>(null);
  const [to, setTo] = useState<string[]>([]);
  const [position, setPosition] = useState<'before' | 'after'>('after');
  const actions = ACTIONS[detail.task.kind];

  const memberOptions = useMemo(
    () =>
      [...(members?.values() ?? [])]
        .filter((m) => m.active && m.userId !== detail.task.assignee)
        .map((m) => ({ value: m.userId, label: m.name, search: `${m.name} ${m.email}` })),
    [members, detail.task.assignee],
  );
  // Earlier steps someone already passed can take the record back, besides its submitter.
  const returnOptions = useMemo(() => {
    const nodes = [
      ...new Set(
        detail.timeline
          .filter(
            (e) =>
              e.node && e.node !== detail.task.step && (e.action === 'approved' || e.action === 'filled'),
          )
          .map((e) => e.node as string),
      ),
    ];
    return [
      { value: 'submitter', label: t('inbox.returnToSubmitter') },
      ...nodes.map((node) => ({ value: node, label: t('inbox.returnToStep', { step: node }) })),
    ];
  }, [detail, t]);

  async function act(action: Action, extra: Partial<TaskAction> = {}) {
    if ((action === 'reject' || action === 'comment') && !comment.trim()) {
      setError(t('inbox.commentNeeded'));
      return;
    }
    setBusy(action);
    setError(null);
    try {
      await tasksApi.act(workspaceId, detail.task.id, {
        action,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        ...extra,
      });
      void message.success(t(`inbox.done.${action}`));
      setAsking(null);
      if (action === 'comment') setComment('');
      else onActed();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setBusy(null);
    }
  }

  function start(action: Action) {
    if (!NEEDS_TARGET.has(action)) return void act(action);
    setTo(action === 'return' ? ['submitter'] : []);
    setAsking(action);
  }

  if (actions.length === 0) return null;
  return (
    <Flex vertical gap={8} data-testid="task-actions">
      {actions.some((a) => a !== 'read') && (
        <Input.TextArea
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder={t('inbox.commentPlaceholder')}
          aria-label={t('inbox.comment')}
          autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={2000}
        />
      )}
      {error && (
        <Typography.Text type="danger" role="alert" data-testid="task-error">
          {error}
        </Typography.Text>
      )}
      <Flex gap={8} wrap>
        {actions.map((action) => (
          <Button
            key={action}
            type={action === 'approve' || action === 'submit' || action === 'read' ? 'primary' : 'default'}
            danger={action === 'reject' || action === 'withdraw'}
            loading={busy === action}
            disabled={busy !== null && busy !== action}
            onClick={() => start(action)}
            data-testid={`task-${action}`}
          >
            {t(`inbox.action.${action}`)}
          </Button>
        ))}
      </Flex>
      <Modal
        open={asking !== null}
        title={asking ? t(`inbox.action.${asking}`) : ''}
        onCancel={() => setAsking(null)}
        okText={asking ? t(`inbox.action.${asking}`) : ''}
        okButtonProps={
          { disabled: to.length === 0, loading: busy !== null, 'data-testid': 'task-confirm' } as never
        }
        onOk={() => {
          if (asking === 'return') void act('return', { to: to[0] as string });
          else if (asking === 'transfer') void act('transfer', { to: to[0] as string });
          else if (asking === 'addSigner') void act('addSigner', { to, position });
        }}
      >
        <Flex vertical gap={12}>
          {asking === 'return' ? (
            <Radio.Group
              value={to[0]}
              onChange={(e) => setTo([e.target.value as string])}
              options={returnOptions}
              style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
            />
          ) : (
            <Select
              {...(asking === 'addSigner' ? { mode: 'multiple' as const } : {})}
              value={asking === 'addSigner' ? to : (to[0] ?? null)}
              onChange={(next: string | string[]) => setTo(Array.isArray(next) ? next : next ? [next] : [])}
              options={memberOptions}
              showSearch={{ optionFilterProp: 'search' }}
              placeholder={t('fields.pickMember')}
              aria-label={t('inbox.pickWho')}
              style={{ width: '100%' }}
              loading={!members}
            />
          )}
          {asking === 'addSigner' && (
            <Radio.Group
              value={position}
              onChange={(e) => setPosition(e.target.value as 'before' | 'after')}
              options={[
                { value: 'before', label: t('inbox.signerBefore') },
                { value: 'after', label: t('inbox.signerAfter') },
              ]}
            />
          )}
          {error && (
            <Typography.Text type="danger" role="alert">
              {error}
            </Typography.Text>
          )}
        </Flex>
      </Modal>
    </Flex>
  );
}
