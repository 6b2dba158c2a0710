import { LeftOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { recordsApi } from '../../../api/records';
import { useApiQuery } from '../../../api/use-api-query';
import { Alert } from '../../../components/antd-lean';
import { useFeedback } from '../../../components/feedback';
import { PageHeader } from '../../../components/page-header';
import { ErrorState, PageSkeleton } from '../../../components/status-states';
import { useLocalized } from '../../../i18n/localized';
import { useAppScope } from '../../apps/app-scope';
import { recordName } from '../fields/relations';
import { RecordForm } from './record-form';

/**
 * `/apps/:appId/forms/:formId/records/:recordId/edit`: the record in the live form, saved with the
 * version it was loaded at; a save over someone else's change is refused (409) and offers a reload.
 */
export function EditPage() {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const scope = useAppScope();
  const { formId = '', recordId = '' } = useParams();
  const form = scope.formById(formId);
  const [conflict, setConflict] = useState(false);
  const record = useApiQuery(
    (signal) => recordsApi.get(scope.workspaceId, formId, recordId, signal),
    [scope.workspaceId, formId, recordId],
  );
  if (!form) return <ErrorState title={t('records.formNotFound')} />;
  const detail = `/apps/${scope.app.id}/forms/${form.id}/records/${recordId}`;
  if (record.status === 'error')
    return <ErrorState title={t('records.loadOneFailed')} error={record.error} onRetry={record.retry} />;
  if (record.status === 'loading') return <PageSkeleton blocks={3} />;
  const current = record.data;
  return (
    <div data-testid="edit-page">
      <PageHeader
        back={
          <Link to={detail} aria-label={t('records.backToRecord')}>
            <Button type="text" icon={<LeftOutlined />} />
          </Link>
        }
        title={t('records.editTitle', { title: recordName(current, form, i18n.resolvedLanguage ?? 'en') })}
        subtitle={l(form.name, form.key)}
      />
      {conflict && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('records.conflictTitle')}
          description={t('records.conflictBody')}
          action={
            <Button
              onClick={() => {
                setConflict(false);
                record.retry();
              }}
            >
              {t('records.reloadRecord')}
            </Button>
          }
        />
      )}
      <RecordForm
        key={current.v}
        form={form}
        forms={scope.forms}
        access={scope.accessOf(form.key)}
        ctx={{
          workspaceId: scope.workspaceId,
          appId: scope.app.id,
          form,
          formByKey: scope.formByKey,
          language: i18n.resolvedLanguage ?? 'en',
          recordId,
        }}
        initial={current.data}
        keepNulls
        onSave={async (data) => {
          try {
            return await recordsApi.update(scope.workspaceId, form.id, recordId, data, current.v);
          } catch (error) {
            if (error instanceof ApiError && error.status === 409 && error.code === 'CONFLICT')
              setConflict(true);
            throw error;
          }
        }}
        onSaved={() => {
          void message.success(t('records.saved'));
          navigate(detail);
        }}
        submitLabel={t('records.save')}
      />
    </div>
  );
}
