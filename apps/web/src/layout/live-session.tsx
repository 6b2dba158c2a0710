import { CloudUploadOutlined } from '@ant-design/icons';
import { Button, Flex } from 'antd';
import { lazy, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { realtime, useRealtimeEvent } from '../api/realtime';
import { Alert } from '../components/antd-lean';
import { useFeedback } from '../components/feedback';
import { useMembers } from '../features/forms/fields/directory';
import { formShown, isFormFillingPath } from '../features/forms/fill/form-shown';
import { flushOutbox, onOutboxChange, queued } from '../features/forms/fill/outbox';
import { useMe, useSession } from '../features/session/session-context';

// The list of waiting submissions loads when it is first opened.
const OutboxDrawer = lazy(() => import('./outbox-drawer').then((m) => ({ default: m.OutboxDrawer })));

/** The user's waiting offline submissions, re-read whenever the outbox changes (in any tab). */
function useOutbox(userId: string) {
  const version = useSyncExternalStore(
    (listener) => onOutboxChange(listener),
    () => JSON.stringify(queued(userId).map((e) => [e.key, Boolean(e.refused)])),
  );
  return { entries: queued(userId), version };
}

/**
 * What runs while someone is signed in: the realtime connection to their workspace, sending submissions
 * made offline as soon as the connection is back (each exactly once), and telling them when they are
 * mentioned or get a task.
 */
export function LiveSession() {
  const { t } = useTranslation();
  const { notification, message } = useFeedback();
  const navigate = useNavigate();
  const location = useLocation();
  const me = useMe();
  const { workspace } = useSession();
  const members = useMembers(workspace?.id ?? '');
  const { entries } = useOutbox(me.user.id);
  const [open, setOpen] = useState(false);
  // Mounted from the first opening on, so closing still animates.
  const [opened, setOpened] = useState(false);
  const [online, setOnline] = useState(navigator.onLine);

  // A page opened on a form to fill connects once the form is shown: the socket client is not needed to
  // show it or type into it (a new record's list, inbox... pages subscribe at once as before).
  const [deferRealtime] = useState(() => isFormFillingPath(location.pathname));
  useEffect(() => {
    if (!workspace) return;
    let current = true;
    const ready = deferRealtime
      ? Promise.race([formShown, new Promise((resolve) => setTimeout(resolve, 5000))])
      : Promise.resolve();
    void ready.then(() => {
      if (current) void realtime.join(workspace.id).catch(() => undefined);
    });
    return () => {
      current = false;
    };
  }, [workspace, deferRealtime]);
  useEffect(() => () => realtime.leave(), []);

  useEffect(() => {
    const send = () =>
      void flushOutbox(me.user.id, (entry) => {
        void message.success(t('outbox.sent', { form: entry.formName }));
      });
    const up = () => {
      setOnline(true);
      send();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    send();
    const timer = setInterval(() => {
      if (navigator.onLine) send();
    }, 30_000);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      clearInterval(timer);
    };
  }, [me.user.id, message, t]);

  useRealtimeEvent('comment:mentioned', (payload) => {
    const by = members?.get(String(payload.by))?.name ?? t('fields.unknownMember');
    notification.info({
      key: String(payload.comment),
      title: t('mentions.title', { name: by }),
      description: (
        <Button
          type="link"
          style={{ paddingInline: 0 }}
          onClick={() => navigate(`/open/${payload.form}/${payload.record}`)}
        >
          {t('mentions.open')}
        </Button>
      ),
    });
  });
  useRealtimeEvent('tasks:assigned', (payload) => {
    // The inbox shows the new task itself: a notice pointing to the page already open would only cover it.
    if (location.pathname === '/inbox') return;
    // A copy asks nothing of its reader: it is announced as a copy and opens the "copied to me" list.
    const copies = payload.reason === 'cc';
    notification.info({
      key: `tasks-${payload.tasks.join(',')}`,
      title: t(copies ? 'inbox.newCopies' : 'inbox.newTasks', { count: payload.tasks.length }),
      description: (
        <Button
          type="link"
          style={{ paddingInline: 0 }}
          onClick={() => navigate(copies ? '/inbox?list=cc' : '/inbox')}
        >
          {t('inbox.open')}
        </Button>
      ),
    });
  });

  if (entries.length === 0 && online) return null;
  return (
    <>
      {!online && (
        <Alert banner type="warning" showIcon title={t('outbox.offline')} data-testid="offline-banner" />
      )}
      {entries.length > 0 && (
        <Alert
          banner
          type={entries.some((e) => e.refused) ? 'error' : 'info'}
          icon={<CloudUploadOutlined />}
          showIcon
          data-testid="outbox-banner"
          title={t('outbox.waiting', { count: entries.length })}
          action={
            <Flex gap={4}>
              <Button
                size="small"
                onClick={() => {
                  setOpened(true);
                  setOpen(true);
                }}
              >
                {t('outbox.show')}
              </Button>
              {online && (
                <Button size="small" type="primary" onClick={() => void flushOutbox(me.user.id)}>
                  {t('outbox.sendNow')}
                </Button>
              )}
            </Flex>
          }
        />
      )}
      {opened && (
        <Suspense fallback={null}>
          <OutboxDrawer entries={entries} open={open} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
