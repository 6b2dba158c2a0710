import { InboxOutlined, LeftOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Flex,
  Progress,
  Radio,
  Result,
  Select,
  Space,
  Steps,
  Table,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { realtime } from '../../../api/realtime';
import { type ImportJob, type ImportPreview, recordExtrasApi } from '../../../api/records';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { useFeedback } from '../../../components/feedback';
import { PageHeader } from '../../../components/page-header';
import { ErrorState } from '../../../components/status-states';
import { useIsPhone } from '../../../components/use-is-phone';
import { localized, useLocalized } from '../../../i18n/localized';
import { useAppScope } from '../../apps/app-scope';
import { jobPercent, useImportJob } from './use-import-job';

const SKIP = '__skip';

/** Reads a picked file as the import API takes it: CSV as text, XLSX as base64. */
async function readFile(file: File): Promise<{ format: 'csv' | 'xlsx'; content: string }> {
  if (/\.xlsx$/i.test(file.name)) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { format: 'xlsx', content: btoa(binary) };
  }
  return { format: 'csv', content: await file.text() };
}

function BadRows({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const rows = job.errors ?? [];
  if (rows.length === 0) return null;
  return (
    <div data-testid="bad-rows">
      <Typography.Title level={5}>{t('importer.badRows', { count: job.errorCount })}</Typography.Title>
      <Table
        size="small"
        rowKey="row"
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('importer.row'), dataIndex: 'row', key: 'row', width: 80 },
          {
            title: t('importer.problems'),
            key: 'details',
            render: (_v, row) => (
              <ul style={{ margin: 0, paddingInlineStart: 16 }}>
                {row.details.map((d) => (
                  <li key={`${d.path}:${d.message}`}>
                    <Typography.Text code>{d.path.replace(/^\/rows\/\d+\/?/, '') || '—'}</Typography.Text>{' '}
                    {d.message}
                  </li>
                ))}
              </ul>
            ),
          },
        ]}
      />
    </div>
  );
}

/**
 * `/apps/:appId/forms/:formId/import`: the import wizard. Upload a CSV or XLSX file, map its columns to
 * fields (the server's guesses filled in), check it (a dry run listing every bad row with its messages),
 * import it with a progress bar, and undo it afterwards if it was a mistake.
 */
export function ImportPage() {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const { message } = useFeedback();
  const phone = useIsPhone();
  const scope = useAppScope();
  const { formId = '' } = useParams();
  const form = scope.formById(formId);
  const [file, setFile] = useState<{ name: string; format: 'csv' | 'xlsx'; content: string } | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [mode, setMode] = useState<'allOrNothing' | 'skip'>('allOrNothing');
  const [upsertBy, setUpsertBy] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [checkJob, setCheckJob] = useState<string | null>(null);
  const [importJob, setImportJob] = useState<string | null>(null);
  const [undone, setUndone] = useState<{ undone: number; kept: number } | null>(null);
  const checked = useImportJob(scope.workspaceId, checkJob);
  const imported = useImportJob(scope.workspaceId, importJob);
  if (!form) return <ErrorState title={t('records.formNotFound')} />;
  const listPath = `/apps/${scope.app.id}/forms/${form.id}`;
  const language = i18n.resolvedLanguage ?? 'en';
  const step = importJob ? 3 : checkJob ? 2 : preview ? 1 : 0;

  const guard = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const request = () => {
    // A column left out maps to "", which the import reads as "do not import", whatever its header says.
    const chosen = Object.fromEntries(
      Object.entries(mapping).map(([header, key]) => [header, key === SKIP ? '' : key]),
    );
    return {
      format: file?.format ?? 'csv',
      content: file?.content ?? '',
      mapping: chosen,
      mode,
      ...(upsertBy ? { upsertBy } : {}),
    } as const;
  };

  async function pick(picked: File) {
    await guard(async () => {
      const read = await readFile(picked);
      setFile({ name: picked.name, ...read });
      const answer = await recordExtrasApi.previewImport(scope.workspaceId, form?.id ?? '', read);
      setPreview(answer);
      setMapping(Object.fromEntries(answer.headers.map((h) => [h, answer.guesses[h] ?? SKIP])));
    });
  }

  async function start(dryRun: boolean) {
    await guard(async () => {
      // Progress arrives over the socket: be subscribed first.
      await realtime.join(scope.workspaceId).catch(() => undefined);
      const { jobId } = await recordExtrasApi.startImport(scope.workspaceId, form?.id ?? '', {
        ...request(),
        dryRun,
      });
      if (dryRun) setCheckJob(jobId);
      else setImportJob(jobId);
    });
  }

  const fieldOptions = [
    { value: SKIP, label: t('importer.skipColumn') },
    ...(preview?.fields ?? []).map((f) => ({
      value: f.key,
      label: `${localized(f.label as never, language) || f.key}${f.required ? ' *' : ''}`,
    })),
  ];
  const mappedRequired = (preview?.fields ?? []).filter(
    (f) => f.required && !Object.values(mapping).includes(f.key),
  );
  return (
    <div data-testid="import-page">
      <PageHeader
        back={
          <Link to={listPath} aria-label={t('records.backToList')}>
            <Button type="text" icon={<LeftOutlined />} />
          </Link>
        }
        title={t('importer.title', { form: l(form.name, form.key) })}
        subtitle={t('importer.subtitle')}
      />
      <Steps
        current={step}
        size="small"
        // On a phone the four steps stay one row (titles under their numbers) instead of a column that
        // pushes the upload out of sight.
        responsive={false}
        {...(phone ? { titlePlacement: 'vertical' as const } : {})}
        style={{ marginBottom: 16 }}
        data-testid="import-steps"
        items={[
          { title: t('importer.stepUpload') },
          { title: t('importer.stepMap') },
          { title: t('importer.stepCheck') },
          { title: t('importer.stepImport') },
        ]}
      />
      {failure && (
        <div style={{ marginBottom: 16 }}>
          <ApiErrorAlert
            title={t('importer.failed')}
            error={failure}
            details={failure.details.slice(0, 20)}
          />
        </div>
      )}
      {step === 0 && (
        <Card>
          <Upload.Dragger
            accept=".csv,.xlsx"
            showUploadList={false}
            beforeUpload={(picked) => {
              void pick(picked);
              return false;
            }}
            disabled={busy}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{busy ? t('common.loading') : t('importer.drop')}</p>
            <p className="ant-upload-hint">{t('importer.dropHint')}</p>
          </Upload.Dragger>
        </Card>
      )}
      {step === 1 && preview && (
        <Card title={t('importer.mapTitle', { name: file?.name ?? '', count: preview.total })}>
          <Table
            size="small"
            rowKey="header"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={preview.headers.map((header) => ({ header }))}
            data-testid="column-mapping"
            columns={[
              { title: t('importer.column'), dataIndex: 'header', key: 'header' },
              {
                title: t('importer.sample'),
                key: 'sample',
                render: (_v, row) => (
                  <Typography.Text type="secondary" ellipsis style={{ maxWidth: 260 }}>
                    {preview.sample
                      .map((s) => s[row.header])
                      .filter(Boolean)
                      .slice(0, 3)
                      .join(' · ')}
                  </Typography.Text>
                ),
              },
              {
                title: t('importer.field'),
                key: 'field',
                render: (_v, row) => (
                  <Select
                    aria-label={t('importer.fieldFor', { column: row.header })}
                    style={{ minWidth: 200 }}
                    value={mapping[row.header] ?? SKIP}
                    options={fieldOptions}
                    onChange={(key: string) => setMapping((m) => ({ ...m, [row.header]: key }))}
                  />
                ),
              },
            ]}
          />
          <Flex vertical gap={12} style={{ marginTop: 16 }}>
            <Radio.Group
              value={mode}
              onChange={(e) => setMode(e.target.value)}
              aria-label={t('importer.mode')}
            >
              <Space direction="vertical">
                <Radio value="allOrNothing">{t('importer.allOrNothing')}</Radio>
                <Radio value="skip">{t('importer.skipBad')}</Radio>
              </Space>
            </Radio.Group>
            {preview.fields.some((f) => f.unique) && (
              <Flex gap={8} align="center" wrap>
                <Typography.Text>{t('importer.upsertBy')}</Typography.Text>
                <Select
                  aria-label={t('importer.upsertBy')}
                  allowClear
                  style={{ minWidth: 200 }}
                  value={upsertBy}
                  onChange={(key: string | undefined) => setUpsertBy(key ?? null)}
                  placeholder={t('importer.createOnly')}
                  options={preview.fields
                    .filter((f) => f.unique)
                    .map((f) => ({ value: f.key, label: localized(f.label as never, language) || f.key }))}
                />
              </Flex>
            )}
            {mappedRequired.length > 0 && (
              <Alert
                type="warning"
                showIcon
                title={t('importer.requiredMissing', {
                  fields: mappedRequired
                    .map((f) => localized(f.label as never, language) || f.key)
                    .join(', '),
                })}
              />
            )}
            <Flex gap={8}>
              <Button
                onClick={() => {
                  setPreview(null);
                  setFile(null);
                }}
              >
                {t('importer.back')}
              </Button>
              <Button
                type="primary"
                loading={busy}
                onClick={() => void start(true)}
                data-testid="check-import"
              >
                {t('importer.check')}
              </Button>
            </Flex>
          </Flex>
        </Card>
      )}
      {step === 2 && (
        <Card data-testid="import-check">
          {!checked || checked.status === 'running' ? (
            <Progress percent={jobPercent(checked)} status="active" />
          ) : checked.status === 'failed' ? (
            <Alert type="error" showIcon title={checked.error?.message ?? t('importer.failed')} />
          ) : (
            <Flex vertical gap={12}>
              <Alert
                type={checked.errorCount > 0 ? 'warning' : 'success'}
                showIcon
                data-testid="check-summary"
                title={t('importer.checked', {
                  total: checked.total,
                  good: checked.total - checked.errorCount,
                  bad: checked.errorCount,
                })}
              />
              <BadRows job={checked} />
              <Flex gap={8} wrap>
                <Button onClick={() => setCheckJob(null)}>{t('importer.back')}</Button>
                <Button
                  type="primary"
                  loading={busy}
                  disabled={checked.errorCount > 0 && mode === 'allOrNothing'}
                  onClick={() => void start(false)}
                  data-testid="run-import"
                >
                  {checked.errorCount > 0
                    ? t('importer.importGood', { count: checked.total - checked.errorCount })
                    : t('importer.import', { count: checked.total })}
                </Button>
              </Flex>
              {checked.errorCount > 0 && mode === 'allOrNothing' && (
                <Typography.Text type="secondary">{t('importer.fixOrSkip')}</Typography.Text>
              )}
            </Flex>
          )}
        </Card>
      )}
      {step === 3 && (
        <Card data-testid="import-run">
          {!imported || imported.status === 'running' ? (
            <Flex vertical gap={8}>
              <Progress percent={jobPercent(imported)} status="active" data-testid="import-progress" />
              <Typography.Text type="secondary">
                {imported
                  ? t(`importer.phase.${imported.phase}`, { done: imported.done, total: imported.total })
                  : t('common.loading')}
              </Typography.Text>
            </Flex>
          ) : imported.status === 'failed' ? (
            <Result status="error" title={t('importer.failed')} subTitle={imported.error?.message} />
          ) : (
            <Result
              status={undone ? 'info' : 'success'}
              data-testid="import-result"
              title={
                undone
                  ? t('importer.undoneTitle', { count: undone.undone })
                  : t('importer.doneTitle', { created: imported.created, updated: imported.updated })
              }
              subTitle={
                undone
                  ? undone.kept > 0
                    ? t('importer.undoneKept', { count: undone.kept })
                    : undefined
                  : imported.skipped > 0
                    ? t('importer.skipped', { count: imported.skipped })
                    : undefined
              }
              extra={
                <Space wrap>
                  <Link to={listPath}>
                    <Button type="primary">{t('importer.toList')}</Button>
                  </Link>
                  {!undone && imported.undoable && (
                    <Button
                      danger
                      loading={busy}
                      onClick={() =>
                        void guard(async () => {
                          const result = await recordExtrasApi.undoImport(scope.workspaceId, imported.jobId);
                          setUndone(result);
                          void message.success(t('importer.undoneTitle', { count: result.undone }));
                        })
                      }
                      data-testid="undo-import"
                    >
                      {t('importer.undo')}
                    </Button>
                  )}
                </Space>
              }
            >
              <BadRows job={imported} />
            </Result>
          )}
        </Card>
      )}
    </div>
  );
}
