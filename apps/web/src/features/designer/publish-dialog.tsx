import { Alert, List, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PublishPreview } from './designer-api';

/** What a publish will change for stored records, before the admin confirms it. */
export function PublishDialog({
  preview,
  publishing,
  onConfirm,
  onCancel,
}: {
  preview: PublishPreview | null;
  publishing: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  if (!preview) return null;
  const lines: string[] = [];
  for (const c of preview.diff.fields)
    lines.push(
      t(`designer.publish.${c.change}`, { key: c.key, properties: (c.properties ?? []).join(', ') }),
    );
  for (const key of preview.hidden) lines.push(t('designer.publish.hidden', { key }));
  for (const c of preview.conversions)
    lines.push(
      t('designer.publish.conversion', {
        key: c.field,
        from: c.from,
        to: c.to,
        count: c.converted,
        failed: c.failed,
      }),
    );
  for (const r of preview.required)
    lines.push(t('designer.publish.required', { key: r.field, count: r.empty }));
  if (preview.recompute) lines.push(t('designer.publish.recompute', { count: preview.records }));
  const blocked = preview.conversions.some((c) => c.failed > 0);
  return (
    <Modal
      open
      title={t('designer.publish.title', { version: preview.version })}
      okText={t('designer.publish.confirm')}
      cancelText={t('common.cancel')}
      onOk={onConfirm}
      onCancel={onCancel}
      confirmLoading={publishing}
      okButtonProps={{ disabled: blocked, 'data-testid': 'confirm-publish' } as never}
    >
      <Typography.Paragraph>{t('designer.publish.records', { count: preview.records })}</Typography.Paragraph>
      {blocked && (
        <Alert type="error" showIcon title={t('designer.publish.blocked')} style={{ marginBottom: 8 }} />
      )}
      {lines.length === 0 ? (
        <Typography.Text type="secondary">{t('designer.publish.nothing')}</Typography.Text>
      ) : (
        <List
          size="small"
          bordered
          dataSource={lines}
          renderItem={(line) => <List.Item>{line}</List.Item>}
          data-testid="publish-summary"
        />
      )}
    </Modal>
  );
}
