import { Drawer, Empty, Flex, List, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiQuery } from '../../api/use-api-query';
import { ErrorState, LoadingState } from '../../components/status-states';
import { designerApi } from './designer-api';

/** The published versions of a form and the differences between any two of them (or the draft). */
export function VersionsDrawer({
  workspace,
  form,
  open,
  onClose,
}: {
  workspace: string;
  form: string;
  open: boolean;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const versions = useApiQuery(
    (signal) => (open ? designerApi.versions(workspace, form, signal) : Promise.resolve([])),
    [workspace, form, open],
  );
  const list = versions.status === 'success' ? versions.data : [];
  const [pair, setPair] = useState<{ from?: number | 'draft'; to?: number | 'draft' }>({});
  const from = pair.from ?? list[1]?.version ?? list[0]?.version;
  const to = pair.to ?? list[0]?.version;
  const diff = useApiQuery(
    (signal) =>
      open && from !== undefined && to !== undefined
        ? designerApi.diff(workspace, form, from, to, signal)
        : Promise.resolve(null),
    [workspace, form, open, from, to],
  );
  const choices = [
    { value: 'draft', label: t('designer.versions.draft') },
    ...list.map((v) => ({
      value: String(v.version),
      label: t('designer.versions.version', {
        version: v.version,
        date: new Date(v.publishedAt).toLocaleString(i18n.resolvedLanguage),
      }),
    })),
  ];
  const parse = (v: string) => (v === 'draft' ? 'draft' : Number(v));
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('designer.versions.title')}
      width={Math.min(520, window.innerWidth)}
    >
      {versions.status === 'loading' && <LoadingState />}
      {versions.status === 'error' && (
        <ErrorState title={t('designer.versions.failed')} error={versions.error} onRetry={versions.retry} />
      )}
      {versions.status === 'success' && list.length === 0 && (
        <Empty description={t('designer.versions.none')} />
      )}
      {versions.status === 'success' && list.length > 0 && (
        <Flex vertical gap={12}>
          <Flex gap={8} wrap>
            <Select
              aria-label={t('designer.versions.from')}
              style={{ minWidth: 200 }}
              value={String(from)}
              options={choices}
              onChange={(v) => setPair((p) => ({ ...p, from: parse(v) }))}
            />
            <Select
              aria-label={t('designer.versions.to')}
              style={{ minWidth: 200 }}
              value={String(to)}
              options={choices}
              onChange={(v) => setPair((p) => ({ ...p, to: parse(v) }))}
            />
          </Flex>
          {diff.status === 'success' && diff.data && (
            <div data-testid="version-diff">
              {diff.data.form.length > 0 && (
                <Typography.Paragraph>
                  {t('designer.versions.formChanged', { list: diff.data.form.join(', ') })}
                </Typography.Paragraph>
              )}
              {diff.data.fields.length === 0 && diff.data.form.length === 0 ? (
                <Typography.Text type="secondary">{t('designer.versions.same')}</Typography.Text>
              ) : (
                <List
                  size="small"
                  dataSource={diff.data.fields}
                  renderItem={(c) => (
                    <List.Item>
                      <Tag color={c.change === 'added' ? 'green' : c.change === 'removed' ? 'red' : 'blue'}>
                        {t(`designer.versions.${c.change}`)}
                      </Tag>
                      <code>{c.key}</code> {c.properties?.join(', ')}
                    </List.Item>
                  )}
                />
              )}
            </div>
          )}
        </Flex>
      )}
    </Drawer>
  );
}
