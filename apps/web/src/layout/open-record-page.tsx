import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { apiRequest } from '../api/client';
import { useApiQuery } from '../api/use-api-query';
import { ErrorState, PageSkeleton } from '../components/status-states';
import { useSession } from '../features/session/session-context';

/** `/open/:formId/:recordId`: a link to a record that knows only its form (mentions), sent to its app. */
export function OpenRecordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { workspace } = useSession();
  const { formId = '', recordId = '' } = useParams();
  const form = useApiQuery(
    (signal) =>
      apiRequest<{ app: string }>(
        'GET',
        `/workspaces/${encodeURIComponent(workspace?.id ?? '')}/forms/${encodeURIComponent(formId)}`,
        { signal },
      ),
    [workspace?.id, formId],
  );
  useEffect(() => {
    if (form.status === 'success')
      navigate(`/apps/${form.data.app}/forms/${formId}/records/${recordId}`, { replace: true });
  }, [form, formId, recordId, navigate]);
  if (form.status === 'error') return <ErrorState title={t('records.notFound')} error={form.error} />;
  return <PageSkeleton />;
}
