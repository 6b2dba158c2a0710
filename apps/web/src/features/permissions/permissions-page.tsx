import { PlusOutlined, ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError, type ApiErrorDetail } from '../../api/client';
import {
  type AppSummary,
  api,
  type FormSummary,
  type VersionedRoles,
  type WorkspaceMembership,
} from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { ErrorState, PageSkeleton } from '../../components/status-states';
import { useSession } from '../session/session-context';
import { FieldAccessDrawer, localized } from './field-access-drawer';
import {
  emptyCell,
  newUid,
  type PlacedErrors,
  placeErrors,
  type RoleDraft,
  serialize,
  toDrafts,
} from './matrix-model';
import { MatrixTable } from './matrix-table';
import { useUnsavedGuard } from './use-unsaved-guard';

const NO_ERRORS: PlacedErrors = { cells: new Map(), roles: new Map(), page: [] };

/**
 * The editor of one app's roles, once its forms and roles are loaded. Saves name the version loaded; when
 * someone else saved meanwhile the server refuses (409) and the editor offers only a reload, which
 * replaces every local change with the stored roles.
 */
function MatrixEditor({
  workspace,
  app,
  forms,
  initial,
  onDirtyChange,
  onReload,
}: {
  workspace: WorkspaceMembership;
  app: AppSummary;
  forms: FormSummary[];
  initial: VersionedRoles;
  onDirtyChange: (dirty: boolean) => void;
  onReload: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const [drafts, setDrafts] = useState(() => toDrafts(initial.roles));
  const [version, setVersion] = useState(initial.v);
  const [conflict, setConflict] = useState(false);
  const [dirty, setDirtyState] = useState(false);
  const [saving, setSaving] = useState(false);
  const [errors, setErrors] = useState<PlacedErrors>(NO_ERRORS);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [drawer, setDrawer] = useState<{ uid: string; form: string } | null>(null);
  const language = i18n.resolvedLanguage === 'zh-CN' ? 'zh-CN' : 'en';
  const formKeys = forms.map((f) => f.key);

  const setDirty = (value: boolean) => {
    setDirtyState(value);
    onDirtyChange(value);
  };
  const change = (next: RoleDraft[]) => {
    setDrafts(next);
    setDirty(true);
  };
  const show = (details: readonly ApiErrorDetail[], order: string[][]) => {
    const placed = placeErrors(details, drafts, order);
    // Permissions on forms the app does not show (any more) have no cell: list them on the page.
    for (const [key, list] of placed.cells) {
      if (!formKeys.includes(key.split('\u0000')[1] ?? '')) {
        placed.page.push(...list);
        placed.cells.delete(key);
      }
    }
    setErrors(placed);
  };

  async function save() {
    const { roles, formOrder, problems } = serialize(drafts, formKeys);
    setFailure(null);
    if (problems.length > 0) {
      show(problems, formOrder);
      return;
    }
    setSaving(true);
    try {
      const saved = await api.saveAppRoles(workspace.id, app.id, roles, version);
      setDrafts(toDrafts(saved.roles));
      setVersion(saved.v);
      setErrors(NO_ERRORS);
      setDirty(false);
      void message.success(t('permissions.saved'));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 409) {
        // Nothing was written; saving again would only fail again, so the one way on is a reload.
        setErrors(NO_ERRORS);
        setConflict(true);
        return;
      }
      setFailure(error);
      show(error.details, formOrder);
    } finally {
      setSaving(false);
    }
  }

  function addRole() {
    const n = drafts.length + 1;
    change([
      ...drafts,
      {
        uid: newUid(),
        key: `role${n}`,
        name: { [language]: t('permissions.newRole', { n }) },
        manageApp: false,
        rest: {},
        cells: {},
      },
    ]);
  }

  const open = drawer ? drafts.find((d) => d.uid === drawer.uid) : undefined;
  const openForm = drawer ? forms.find((f) => f.key === drawer.form) : undefined;
  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap justify="space-between" align="center">
        <Space>
          <Button icon={<PlusOutlined />} onClick={addRole}>
            {t('permissions.addRole')}
          </Button>
          {dirty && <Typography.Text type="warning">{t('permissions.unsaved')}</Typography.Text>}
        </Space>
        <Button
          type="primary"
          icon={<SaveOutlined />}
          loading={saving}
          disabled={conflict}
          onClick={() => void save()}
        >
          {t('permissions.save')}
        </Button>
      </Flex>
      {conflict && (
        <Alert
          type="warning"
          role="alert"
          showIcon
          data-testid="roles-conflict"
          title={t('permissions.conflictTitle')}
          description={t('permissions.conflict')}
          action={
            <Button
              icon={<ReloadOutlined />}
              onClick={() => {
                // The local edits are dropped on purpose: the reload shows what is stored now.
                setDirty(false);
                onReload();
              }}
            >
              {t('permissions.reload')}
            </Button>
          }
        />
      )}
      {failure && <ApiErrorAlert title={t('permissions.saveFailed')} error={failure} details={errors.page} />}
      {!failure && errors.page.length > 0 && (
        <Alert
          type="error"
          role="alert"
          showIcon
          title={errors.page.map((d) => `${d.path}: ${d.message}`).join('; ')}
        />
      )}
      {forms.length === 0 ? (
        <Empty description={t('permissions.noForms')} />
      ) : (
        <MatrixTable
          drafts={drafts}
          forms={forms}
          errors={errors}
          onChange={change}
          onOpenFields={(uid, form) => setDrawer({ uid, form })}
        />
      )}
      <FieldAccessDrawer
        open={drawer !== null}
        title={
          open && openForm
            ? t('permissions.fieldAccessTitle', {
                role: localized(open.name, language) || open.key,
                form: localized(openForm.name, language) || openForm.key,
              })
            : ''
        }
        form={openForm}
        forms={forms}
        role={open}
        cell={open && drawer ? open.cells[drawer.form] : undefined}
        onChange={(fields) => {
          if (!open || !drawer) return;
          const cell = open.cells[drawer.form] ?? emptyCell();
          change(
            drafts.map((d) =>
              d.uid === open.uid ? { ...d, cells: { ...d.cells, [drawer.form]: { ...cell, fields } } } : d,
            ),
          );
        }}
        onClose={() => setDrawer(null)}
      />
    </Flex>
  );
}

function AppMatrix({
  workspace,
  app,
  onDirtyChange,
}: {
  workspace: WorkspaceMembership;
  app: AppSummary;
  onDirtyChange: (dirty: boolean) => void;
}) {
  const { t } = useTranslation();
  const data = useApiQuery(
    (signal) =>
      Promise.all([api.appForms(workspace.id, app.id, signal), api.appRoles(workspace.id, app.id, signal)]),
    [workspace.id, app.id],
  );
  if (data.status === 'error') {
    return <ErrorState title={t('permissions.loadFailed')} error={data.error} onRetry={data.retry} />;
  }
  if (data.status === 'loading') return <PageSkeleton />;
  const [forms, roles] = data.data;
  return (
    <MatrixEditor
      workspace={workspace}
      app={app}
      forms={forms}
      initial={roles}
      onDirtyChange={onDirtyChange}
      onReload={data.retry}
    />
  );
}

function Permissions({ workspace }: { workspace: WorkspaceMembership }) {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [dirty, setDirty] = useState(false);
  const { confirmDiscard } = useUnsavedGuard(dirty);
  const apps = useApiQuery((signal) => api.apps(workspace.id, signal), [workspace.id]);
  if (apps.status === 'error') {
    return <ErrorState title={t('permissions.appsFailed')} error={apps.error} onRetry={apps.retry} />;
  }
  if (apps.status === 'loading') return <PageSkeleton />;
  const selected = apps.data.find((a) => a.id === params.get('app')) ?? apps.data[0];
  const language = i18n.resolvedLanguage ?? 'en';
  return (
    <Flex vertical gap={16}>
      <PageHeader title={t('permissions.title')} subtitle={t('permissions.subtitle')} />
      {!workspace.roles.some((role) => role === 'owner' || role === 'admin') && (
        <Alert type="info" showIcon title={t('permissions.onlyManagers')} />
      )}
      {apps.data.length === 0 || !selected ? (
        <Empty description={t('permissions.noApps')} />
      ) : (
        <Card>
          <Flex vertical gap={12}>
            <Select
              aria-label={t('permissions.app')}
              data-testid="app-picker"
              style={{ maxWidth: 320 }}
              value={selected.id}
              options={apps.data.map((a) => ({ value: a.id, label: localized(a.name, language) || a.key }))}
              onChange={(id) =>
                confirmDiscard(() => {
                  setDirty(false);
                  setParams({ app: id });
                })
              }
            />
            <AppMatrix key={selected.id} workspace={workspace} app={selected} onDirtyChange={setDirty} />
          </Flex>
        </Card>
      )}
    </Flex>
  );
}

/** The roles × forms permission matrix of the current workspace's apps. */
export function PermissionsPage() {
  const { t } = useTranslation();
  const { workspace } = useSession();
  return (
    <div data-testid="permissions-page">
      {workspace ? (
        <Permissions key={workspace.id} workspace={workspace} />
      ) : (
        <Empty description={t('home.noWorkspaceTitle')} />
      )}
    </div>
  );
}
