import { Button, Drawer, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { discard, type QueuedSubmission } from '../features/forms/fill/outbox';

/** The waiting offline submissions, each with why the server refused it (if it did) and a discard. */
export function OutboxDrawer({
  entries,
  open,
  onClose,
}: {
  entries: readonly QueuedSubmission[];
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Drawer open={open} onClose={onClose} title={t('outbox.title')} placement="bottom" size="auto">
      <List
        dataSource={entries}
        renderItem={(entry) => (
          <List.Item
            actions={[
              <Button key="discard" danger size="small" onClick={() => discard(entry.key)}>
                {t('outbox.discard')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={entry.formName}
              description={
                entry.refused ? (
                  <Typography.Text type="danger">
                    {entry.refused.message}
                    {entry.refused.details.length > 0 &&
                      `: ${entry.refused.details.map((d) => `${d.path} ${d.message}`).join('; ')}`}
                  </Typography.Text>
                ) : (
                  t('outbox.queuedAt', { time: new Date(entry.queuedAt).toLocaleString() })
                )
              }
            />
          </List.Item>
        )}
      />
    </Drawer>
  );
}
