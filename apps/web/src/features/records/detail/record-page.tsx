import {
  DeleteOutlined,
  EditOutlined,
  LeftOutlined,
  PrinterOutlined,
  RollbackOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Col, Popconfirm, Row, Tabs, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { FieldDefinition } from '../../../api/apps';
import { ApiError } from '../../../api/client';
import { realtime } from '../../../api/realtime';
import { type RecordView, recordsApi } from '../../../api/records';
import { useApiQuery } from '../../../api/use-api-query';
import { useFeedback } from '../../../components/feedback';
import { PageHeader } from '../../../components/page-header';
import { ErrorState, PageSkeleton } from '../../../components/status-states';
import { useIsPhone } from '../../../components/use-is-phone';
import { useLocalized } from '../../../i18n/localized';
import { useAppScope } from '../../apps/app-scope';
import { isWorkspaceAdmin } from '../../apps/visible-apps';
import { formatDateTime } from '../../forms/fields/format';
import { recordName } from '../../forms/fields/relations';
import type { FieldContext } from '../../forms/fields/types';
import { ExplainDrawer } from '../../forms/fill/explain-drawer';
import { FormRenderer } from '../../forms/fill/form-renderer';
import { FormStore } from '../../forms/fill/form-store';
import { useLiveForm } from '../../forms/fill/use-live-form';
import { useSession } from '../../session/session-context';
import { visibleFields } from '../list-fields';
import { RecordAttachments } from './record-attachments';
import { RecordComments } from './record-comments';
import { RecordFlow } from './record-flow';
import { RecordHistory } from './record-history';

/**
 * `/apps/:appId/forms/:formId/records/:recordId`: a record as the viewer may see it (the server left out
 * what they may not), with the explain view of every computed value, its history with field-by-field
 * changes, comments with @mentions, its files and its approval flow; kept current live; printable.
 */
export function RecordPage() {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const phone = useIsPhone();
  const scope = useAppScope();
  const { workspace } = useSession();
  const { formId = '', recordId = '' } = useParams();
  const form = scope.formById(formId);
  const language = i18n.resolvedLanguage ?? 'en';
  const loaded = useApiQuery(
    (signal) => recordsApi.get(scope.workspaceId, formId, recordId, signal),
    [scope.workspaceId, formId, recordId],
  );
  const [record, setRecord] = useState<RecordView | null>(null);
  const [removedLive, setRemovedLive] = useState(false);
  const [explaining, setExplaining] = useState<FieldDefinition | null>(null);
  useEffect(() => {
    if (loaded.status === 'success') setRecord(loaded.data);
  }, [loaded]);
  useEffect(() => {
    const offUpdated = realtime.on('record:updated', (event) => {
      if (event.record.id === recordId) setRecord(event.record as unknown as RecordView);
    });
    const offDeleted = realtime.on('record:deleted', (event) => {
      if (event.id === recordId) setRemovedLive(true);
    });
    return () => {
      offUpdated();
      offDeleted();
    };
  }, [recordId]);
  const live = useLiveForm(form ?? scope.forms[0] ?? ({ fields: [] } as never), scope.forms);
  const store = useMemo(() => (record ? new FormStore(live, record.data) : null), [live, record]);

  if (!form) return <ErrorState title={t('records.formNotFound')} />;
  const listPath = `/apps/${scope.app.id}/forms/${form.id}`;
  if (loaded.status === 'error') {
    return (
      <ErrorState
        title={loaded.error.status === 404 ? t('records.notFound') : t('records.loadOneFailed')}
        {...(loaded.error.status === 404
          ? { description: t('records.notFoundBody') }
          : { error: loaded.error, onRetry: loaded.retry })}
        extra={
          <Link to={listPath}>
            <Button>{t('records.backToList')}</Button>
          </Link>
        }
      />
    );
  }
  if (!record || !store) return <PageSkeleton blocks={3} />;
  const access = scope.accessOf(form.key);
  const fields = visibleFields(form, access);
  const ctx: FieldContext = {
    workspaceId: scope.workspaceId,
    appId: scope.app.id,
    form,
    formByKey: scope.formByKey,
    language,
    recordId: record.id,
  };
  const admin = isWorkspaceAdmin(workspace?.roles ?? []);
  const deleted = Boolean(record.deletedAt) || removedLive;

  async function remove() {
    try {
      await recordsApi.remove(scope.workspaceId, form?.id ?? '', recordId);
      void message.success(t('records.deletedOne'));
      navigate(listPath);
    } catch (error) {
      void message.error(error instanceof ApiError ? error.message : String(error));
    }
  }
  async function restore() {
    try {
      setRecord(await recordsApi.restore(scope.workspaceId, form?.id ?? '', recordId));
      setRemovedLive(false);
    } catch (error) {
      void message.error(error instanceof ApiError ? error.message : String(error));
    }
  }

  const details = (
    <FormRenderer
      store={store}
      form={form}
      fields={fields}
      ctx={ctx}
      modeOf={() => 'show'}
      onExplain={setExplaining}
    />
  );
  const flow = (
    <Card size="small" title={t('flowTimeline.title')}>
      <RecordFlow workspaceId={scope.workspaceId} formId={form.id} record={record} language={language} />
    </Card>
  );
  const meta = (
    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
      {t('records.meta', {
        created: formatDateTime(record.createdAt, language),
        updated: formatDateTime(record.updatedAt, language),
        v: record.v,
      })}
    </Typography.Text>
  );
  return (
    <div data-testid="record-page">
      <div className="screen-only">
        <PageHeader
          back={
            <Link to={listPath} aria-label={t('records.backToList')}>
              <Button type="text" icon={<LeftOutlined />} />
            </Link>
          }
          title={recordName(record, form, language)}
          subtitle={
            <>
              {l(form.name, form.key)} · {meta}
            </>
          }
          actions={
            <>
              {access.edit && !deleted && (
                <Button
                  type="primary"
                  icon={<EditOutlined />}
                  onClick={() => navigate(`${listPath}/records/${record.id}/edit`)}
                >
                  {t('records.edit')}
                </Button>
              )}
              <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
                {t('records.print')}
              </Button>
              {access.delete && !deleted && (
                <Popconfirm
                  title={t('records.deleteOneConfirm')}
                  okText={t('records.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => void remove()}
                >
                  <Button danger icon={<DeleteOutlined />}>
                    {t('records.delete')}
                  </Button>
                </Popconfirm>
              )}
              {deleted && admin && (
                <Button icon={<RollbackOutlined />} onClick={() => void restore()}>
                  {t('records.restore')}
                </Button>
              )}
            </>
          }
        />
        {deleted && (
          <Alert type="warning" showIcon title={t('records.deletedBanner')} style={{ marginBottom: 16 }} />
        )}
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={16}>
            <Tabs
              items={[
                { key: 'details', label: t('records.tabDetails'), children: details },
                {
                  key: 'history',
                  label: t('records.tabHistory'),
                  children: (
                    <Card>
                      <RecordHistory form={form} recordId={record.id} ctx={ctx} version={record.v} />
                    </Card>
                  ),
                },
                {
                  key: 'files',
                  label: t('records.tabFiles'),
                  children: (
                    <Card>
                      <RecordAttachments form={form} fields={fields} data={record.data} ctx={ctx} />
                    </Card>
                  ),
                },
                ...(phone
                  ? [
                      {
                        key: 'comments',
                        label: t('records.tabComments'),
                        children: (
                          <Card>
                            <RecordComments
                              workspaceId={scope.workspaceId}
                              formId={form.id}
                              recordId={record.id}
                              language={language}
                            />
                          </Card>
                        ),
                      },
                    ]
                  : []),
                ...(phone ? [{ key: 'flow', label: t('records.tabFlow'), children: flow }] : []),
              ]}
            />
          </Col>
          {!phone && (
            <Col xl={8} xs={24}>
              {flow}
              <Card size="small" title={t('records.tabComments')} style={{ marginTop: 16 }}>
                <RecordComments
                  workspaceId={scope.workspaceId}
                  formId={form.id}
                  recordId={record.id}
                  language={language}
                />
              </Card>
            </Col>
          )}
        </Row>
      </div>
      {/* What paper gets: the record's values and its flow, without navigation, buttons or tabs. */}
      <div className="print-only" data-testid="print-view">
        <Typography.Title level={3}>{recordName(record, form, language)}</Typography.Title>
        <Typography.Paragraph>
          {l(form.name, form.key)} · {meta}
        </Typography.Paragraph>
        {details}
        <Typography.Title level={4}>{t('flowTimeline.title')}</Typography.Title>
        <RecordFlow workspaceId={scope.workspaceId} formId={form.id} record={record} language={language} />
        {deleted && <Tag>{t('records.deletedBanner')}</Tag>}
      </div>
      <ExplainDrawer
        live={live}
        field={explaining}
        data={record.data}
        language={language}
        onClose={() => setExplaining(null)}
      />
    </div>
  );
}
