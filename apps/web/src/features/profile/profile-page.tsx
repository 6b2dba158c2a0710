import { Alert, Button, Card, Descriptions, Empty, Flex, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api, type MyInvitation, type SecurityEvent } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { ErrorState, useErrorText } from '../../components/status-states';
import { RoleTags } from '../home/role-tags';
import { useMe, useSession } from '../session/session-context';

/** Colour of an event's tag: failures stand out, the rest stay quiet. */
const EVENT_COLOR: Readonly<Record<SecurityEvent['event'], string>> = {
  signIn: 'green',
  signInFailed: 'red',
  signOut: 'default',
  passwordChanged: 'blue',
  invitationAccepted: 'purple',
};

function Invitations() {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const errorText = useErrorText();
  const { reload } = useSession();
  const invitations = useApiQuery((signal) => api.myInvitations(signal), []);
  const [busy, setBusy] = useState<string | null>(null);

  async function answer(invitation: MyInvitation, accept: boolean) {
    setBusy(invitation.id);
    try {
      if (accept) {
        await api.acceptInvitation(invitation.id);
        void message.success(t('profile.joined', { workspace: invitation.workspace.name }));
        // The new workspace shows up in the picker.
        await reload();
      } else {
        await api.declineInvitation(invitation.id);
        invitations.retry();
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      void message.error(`${t('profile.answerFailed')}: ${errorText(error)}`);
    } finally {
      setBusy(null);
    }
  }

  if (invitations.status === 'error') {
    return (
      <ErrorState
        title={t('profile.invitationsFailed')}
        error={invitations.error}
        onRetry={invitations.retry}
      />
    );
  }
  const rows = invitations.status === 'success' ? invitations.data : [];
  return (
    <Card title={t('profile.invitations')} style={{ marginBottom: 16 }} data-testid="my-invitations">
      <List<MyInvitation>
        loading={invitations.status === 'loading'}
        dataSource={rows}
        locale={{ emptyText: <Empty description={t('profile.noInvitations')} /> }}
        renderItem={(invitation) => (
          <List.Item>
            <Flex justify="space-between" align="center" wrap gap={8} style={{ width: '100%' }}>
              <div style={{ minWidth: 0 }}>
                <Typography.Text strong style={{ overflowWrap: 'anywhere' }}>
                  {invitation.workspace.name}
                </Typography.Text>
                <div>
                  <RoleTags roles={invitation.roles} />
                </div>
                {invitation.invitedBy && (
                  <Typography.Text type="secondary">
                    {t('profile.invitedBy', { name: invitation.invitedBy })}
                  </Typography.Text>
                )}
              </div>
              <Space wrap>
                <Button
                  type="primary"
                  loading={busy === invitation.id}
                  onClick={() => void answer(invitation, true)}
                >
                  {t('profile.accept')}
                </Button>
                <Button disabled={busy === invitation.id} onClick={() => void answer(invitation, false)}>
                  {t('profile.decline')}
                </Button>
              </Space>
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}

function SecurityLog() {
  const { t, i18n } = useTranslation();
  const log = useApiQuery((signal) => api.securityLog(signal), []);
  if (log.status === 'error') {
    return <ErrorState title={t('profile.securityFailed')} error={log.error} onRetry={log.retry} />;
  }
  const rows = log.status === 'success' ? log.data.items : [];
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <Card title={t('profile.security')} data-testid="security-log">
      <Typography.Paragraph type="secondary">{t('profile.securityHelp')}</Typography.Paragraph>
      <List<SecurityEvent>
        loading={log.status === 'loading'}
        dataSource={rows}
        locale={{ emptyText: <Empty description={t('profile.noEvents')} /> }}
        renderItem={(entry) => (
          <List.Item data-testid="security-event">
            <div style={{ minWidth: 0, width: '100%' }}>
              <Flex justify="space-between" wrap gap={8}>
                <Space wrap size={4}>
                  <Tag color={EVENT_COLOR[entry.event]}>{t(`profile.events.${entry.event}`)}</Tag>
                  {entry.locked && <Tag color="red">{t('profile.locked')}</Tag>}
                </Space>
                <Typography.Text type="secondary">{when.format(new Date(entry.at))}</Typography.Text>
              </Flex>
              <Typography.Text style={{ overflowWrap: 'anywhere' }}>
                {entry.ip}
                {entry.userAgent && <Typography.Text type="secondary"> · {entry.userAgent}</Typography.Text>}
              </Typography.Text>
            </div>
          </List.Item>
        )}
      />
    </Card>
  );
}

/**
 * The signed-in person's own page: who they are, the workspaces that invited them (nothing changes for
 * them until they accept), and their security log, which no workspace sees.
 */
export function ProfilePage() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <>
      <PageHeader title={t('profile.title')} />
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('members.name')}>{me.user.name}</Descriptions.Item>
          <Descriptions.Item label={t('members.email')}>
            <span style={{ overflowWrap: 'anywhere' }}>{me.user.email}</span>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Alert type="info" showIcon title={t('profile.privacy')} style={{ marginBottom: 16 }} />
      <Invitations />
      <SecurityLog />
    </>
  );
}
