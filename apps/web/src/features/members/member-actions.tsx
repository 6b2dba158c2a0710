import { Button, Popconfirm } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api, type Member } from '../../api/endpoints';

/** Deactivate (with confirmation) or reactivate one member; reports the server's answer upward. */
export function MemberActions({
  workspaceId,
  member,
  onChanged,
  onError,
}: {
  workspaceId: string;
  member: Member;
  onChanged: () => void;
  onError: (error: ApiError) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);

  async function run(change: () => Promise<Member>) {
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
      onConfirm={() => run(() => api.deactivateMember(workspaceId, member.userId))}
    >
      <Button size="small" danger loading={busy}>
        {t('members.deactivate')}
      </Button>
    </Popconfirm>
  );
}
