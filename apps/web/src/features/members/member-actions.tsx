import { Button, Popconfirm } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api, type Member } from '../../api/endpoints';
import { useFeedback } from '../../components/feedback';

/**
 * Deactivate (with confirmation) or reactivate one member; reports the server's answer upward. After a
 * deactivation it tells how many open tasks moved and to whom.
 */
export function MemberActions({
  workspaceId,
  member,
  nameOf,
  onChanged,
  onError,
}: {
  workspaceId: string;
  member: Member;
  /** A member's display name by user id (the new assignee of the moved tasks). */
  nameOf: (userId: string) => string | undefined;
  onChanged: () => void;
  onError: (error: ApiError) => void;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [busy, setBusy] = useState(false);

  async function deactivate(): Promise<void> {
    const answer = await api.deactivateMember(workspaceId, member.userId);
    const effect = answer.effects.find((e) => e.type === 'reassignOpenTasks');
    if (effect?.to && effect.moved > 0) {
      const to = nameOf(effect.to) ?? effect.to;
      void message.success(
        t('members.deactivatedTasksMoved', { name: member.name, count: effect.moved, to }),
      );
    } else {
      void message.success(t('members.deactivatedNoTasks', { name: member.name }));
    }
  }

  async function run(change: () => Promise<unknown>) {
    setBusy(true);
    try {
      await change();
      onChanged();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      onError(error);
    } finally {
      setBusy(false);
    }
  }

  if (!member.active) {
    return (
      <Button
        size="small"
        loading={busy}
        onClick={() => void run(() => api.reactivateMember(workspaceId, member.userId))}
      >
        {t('members.reactivate')}
      </Button>
    );
  }
  return (
    <Popconfirm
      title={t('members.deactivateConfirm', { name: member.name })}
      okText={t('members.deactivate')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true }}
      onConfirm={() => run(deactivate)}
    >
      <Button size="small" danger loading={busy}>
        {t('members.deactivate')}
      </Button>
    </Popconfirm>
  );
}
