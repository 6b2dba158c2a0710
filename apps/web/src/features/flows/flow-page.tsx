import { ReactFlowProvider } from '@xyflow/react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { ErrorState, PageSkeleton } from '../../components/status-states';
import { designerApi } from '../designer/designer-api';
import type { Localized } from '../designer/model/form-tree';
import { useSession } from '../session/session-context';
import { flowApi } from './flow-api';
import { FlowDesigner, type Loaded } from './flow-designer';

/** `/build/:appId/forms/:formId/flow`: the approval flow of a form, drawn on a canvas. */
export function FlowPage() {
  const { t } = useTranslation();
  const { appId = '', formId = '' } = useParams();
  const { workspace } = useSession();
  const ws = workspace?.id ?? '';
  const query = useApiQuery<Loaded>(
    async (signal) => {
      const [app, forms, members, flows] = await Promise.all([
        designerApi.app(ws, appId, signal),
        designerApi.appForms(ws, appId, signal),
        // Only owners and admins list members (and only they edit flows).
        api.members(ws, signal).catch(() => []),
        flowApi.list(ws, appId, signal),
      ]);
      const formKey = forms.find((f) => f.id === formId)?.key;
      if (!formKey) throw new ApiError(404, 'NOT_FOUND', t('flows.formMissing'));
      return {
        app,
        formKey,
        forms: forms.map((f) => ({ key: f.key, name: f.name as Localized, fields: f.fields })),
        members: members
          .filter((m) => m.active)
          .map((m) => ({ value: m.userId, label: `${m.name} (${m.email})` })),
        flow: flows.find((f) => f.definition.form === formKey) ?? null,
      };
    },
    [ws, appId, formId],
  );
  if (query.status === 'loading') return <PageSkeleton blocks={3} />;
  if (query.status === 'error')
    return <ErrorState title={t('flows.loadFailed')} error={query.error} onRetry={query.retry} />;
  return (
    <ReactFlowProvider>
      <FlowDesigner key={formId} workspace={ws} appId={appId} loaded={query.data} />
    </ReactFlowProvider>
  );
}
