import { Alert, Checkbox, Form, Input, Modal, Progress, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { realtime, useRealtimeEvent } from '../../api/realtime';
import { type PackImportProgress, type TemplateDetail, templatesApi } from '../../api/templates';
import { useFeedback } from '../../components/feedback';
import { useErrorText } from '../../components/status-states';
import { useLocalized } from '../../i18n/localized';

/**
 * A bar that moves with the phases; demo records (or the steps of a generated demo, which follow the
 * app's writing) take most of it when there are any. A failed import stays where it stopped.
 */
export function importPercent(
  progress: PackImportProgress | null,
  withRecords: boolean,
  before: PackImportProgress | null = null,
): number {
  if (!progress) return 2;
  const records = withRecords && progress.total > 0;
  switch (progress.phase) {
    case 'checking':
      return 5;
    case 'forms':
      return records ? 10 : 40;
    case 'records':
      return 15 + Math.round((80 * progress.done) / Math.max(1, progress.total));
    case 'finishing':
      return records ? 96 : withRecords ? 15 : 90;
    case 'demo':
      return 15 + Math.round((80 * progress.done) / Math.max(1, progress.total));
    case 'failed':
      return before && before.phase !== 'failed' ? importPercent(before, withRecords) : 2;
  }
}

/** The line under the bar: the phase with its counts, or a failed import's message. */
function progressText(progress: PackImportProgress | null, t: TFunction): string {
  switch (progress?.phase) {
    case 'records':
    case 'demo':
      return t(`templates.phase.${progress.phase}`, { done: progress.done, total: progress.total });
    case 'failed':
      return t('templates.phase.failed', { message: progress.error?.message ?? '' });
    default:
      return t(`templates.phase.${progress?.phase ?? 'checking'}`);
  }
}

/**
 * "Use this template": with or without the pack's demo records, a progress bar fed by the server's
 * `apps:importProgress` events while the import runs, then the new app. A taken app key asks for another.
 */
export function UseTemplateDialog({
  workspaceId,
  template,
  open,
  onClose,
}: {
  workspaceId: string;
  template: TemplateDetail;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const l = useLocalized();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const demoCount = Object.values(template.demoData).reduce((sum, n) => sum + n, 0);
  const [demoData, setDemoData] = useState(demoCount > 0);
  const [appKey, setAppKey] = useState<string | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [progress, setProgress] = useState<PackImportProgress | null>(null);
  // Where the bar stood before a failure: a failed import stays red where it stopped.
  const [before, setBefore] = useState<PackImportProgress | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // The last import's key, kept after its answer: its `failed` notice may arrive after the answer.
  const lastKey = useRef<string | null>(null);

  useRealtimeEvent('apps:importProgress', (payload) => {
    if (payload.progressKey !== lastKey.current) return;
    setProgress((current) => {
      if (current?.phase === 'failed') return current;
      if (payload.phase === 'failed') setBefore(current);
      return payload;
    });
  });

  async function start() {
    const progressKey = `gallery-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    lastKey.current = progressKey;
    setRunning(progressKey);
    setProgress(null);
    setBefore(null);
    setError(null);
    try {
      // Progress arrives over the socket: be subscribed before the server starts sending it.
      await realtime.join(workspaceId).catch(() => undefined);
      const result = await templatesApi.use(workspaceId, {
        template: template.key,
        demoData,
        progressKey,
        ...(appKey ? { appKey } : {}),
      });
      setProgress({ progressKey, phase: 'finishing', done: result.records, total: result.records });
      void message.success(
        t('templates.imported', { name: l(template.name, template.key), count: result.records }),
      );
      navigate(`/apps/${result.appId}`);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setError(caught);
      if (caught.status === 409 && appKey === null) setAppKey(`${template.app?.key ?? template.key}_2`);
    } finally {
      setRunning(null);
    }
  }

  const keyDetail = error?.details.find((d) => d.path === '/appKey');
  const failed = progress?.phase === 'failed';
  return (
    <Modal
      open={open}
      title={t('templates.useTitle', { name: l(template.name, template.key) })}
      okText={t('templates.use')}
      cancelText={t('common.cancel')}
      onOk={() => void start()}
      onCancel={() => (running ? undefined : onClose())}
      confirmLoading={running !== null}
      cancelButtonProps={{ disabled: running !== null }}
      closable={running === null}
      maskClosable={false}
    >
      <Form layout="vertical" disabled={running !== null}>
        <Form.Item
          extra={demoCount > 0 ? t('templates.demoHelp', { count: demoCount }) : t('templates.noDemo')}
        >
          <Checkbox
            checked={demoData}
            disabled={demoCount === 0}
            onChange={(e) => setDemoData(e.target.checked)}
            data-testid="demo-data"
          >
            {t('templates.withDemo')}
          </Checkbox>
        </Form.Item>
        {appKey !== null && (
          <Form.Item
            label={t('templates.appKey')}
            extra={t('templates.appKeyHelp')}
            {...(keyDetail ? { validateStatus: 'error' as const, help: keyDetail.message } : {})}
          >
            <Input value={appKey} onChange={(e) => setAppKey(e.target.value.trim())} maxLength={64} />
          </Form.Item>
        )}
      </Form>
      {(running !== null || failed) && (
        <div data-testid="import-progress" data-phase={progress?.phase ?? 'checking'}>
          <Progress
            percent={importPercent(progress, demoData, before)}
            status={failed ? 'exception' : 'active'}
          />
          <Typography.Text type={failed ? 'danger' : 'secondary'} role={failed ? 'status' : undefined}>
            {progressText(progress, t)}
          </Typography.Text>
        </div>
      )}
      {error && !keyDetail && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('templates.importFailed')}
          description={
            <>
              {!failed && <div>{errorText(error)}</div>}
              {error.details.length > 0 && (
                <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
                  {error.details.slice(0, 10).map((d) => (
                    <li key={`${d.path}:${d.message}`}>
                      {d.path}: {d.message}
                    </li>
                  ))}
                </ul>
              )}
            </>
          }
        />
      )}
    </Modal>
  );
}
