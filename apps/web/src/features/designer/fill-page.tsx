import { Alert, Button, Card, Descriptions, Flex } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/status-states';
import { useIsPhone } from '../../components/use-is-phone';
import { useSession } from '../session/session-context';
import { designerApi, type StoredRecord } from './designer-api';
import { FormFiller, submission } from './form-filler';
import { textOf, useLanguage } from './type-labels';

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** `/build/:appId/forms/:formId/fill`: fill the published form and see what the server stored and computed. */
export function FillPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const phone = useIsPhone();
  const { message } = useFeedback();
  const { appId = '', formId = '' } = useParams();
  const { workspace } = useSession();
  const ws = workspace?.id ?? '';
  const form = useApiQuery((signal) => designerApi.form(ws, formId, signal), [ws, formId]);
  const [data, setData] = useState<Record<string, unknown>>({});
  const [saved, setSaved] = useState<StoredRecord | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  if (form.status === 'loading') return <LoadingState />;
  if (form.status === 'error')
    return <ErrorState title={t('designer.loadFailed')} error={form.error} onRetry={form.retry} />;
  const published = form.data.published;
  const submit = async () => {
    setBusy(true);
    setFailure(null);
    try {
      setSaved(await designerApi.createRecord(ws, formId, submission(published, data)));
      setData({});
      message.success(t('designer.fill.saved'));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="fill-page">
      <PageHeader
        title={textOf(published.name, language)}
        subtitle={t('designer.version', { version: form.data.version })}
        back={<Link to={`/build/${appId}/forms/${formId}`}>{t('designer.fill.backToDesigner')}</Link>}
      />
      <Flex vertical gap={12}>
        <FormFiller form={published} data={data} onChange={setData} phone={phone} />
        {failure && (
          <Alert
            type="error"
            showIcon
            title={failure.message}
            description={failure.details.map((d) => `${d.path} ${d.message}`).join(' · ') || undefined}
          />
        )}
        <Button
          type="primary"
          loading={busy}
          onClick={() => void submit()}
          data-testid="submit-record"
          block={phone}
        >
          {t('designer.fill.submit')}
        </Button>
        {saved && (
          <Card size="small" title={t('designer.fill.stored')} data-testid="stored-record">
            <Descriptions
              size="small"
              column={1}
              items={published.fields
                .filter((f) => !f.hidden)
                .map((f) => ({
                  key: f.key,
                  label: textOf(f.label, language) || f.key,
                  children: <span data-testid={`stored-${f.key}`}>{show(saved.data[f.key])}</span>,
                }))}
            />
          </Card>
        )}
      </Flex>
    </div>
  );
}
