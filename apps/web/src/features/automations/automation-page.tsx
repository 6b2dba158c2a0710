import { DeleteOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Switch, Tabs, Tooltip, Typography } from 'antd';
import { useDeferredValue, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { RefusedAlert } from '../../components/refused-alert';
import { ErrorState, PageSkeleton } from '../../components/status-states';
import { type AppDetail, designerApi } from '../designer/designer-api';
import type { KnownForm } from '../designer/editor-context';
import type { Localized } from '../designer/model/form-tree';
import { textOf, useLanguage } from '../designer/type-labels';
import { flowApi } from '../flows/flow-api';
import { useUnsavedGuard } from '../permissions/use-unsaved-guard';
import { useSession } from '../session/session-context';
import { type AutomationJson, automationApi, type StoredAutomation } from './automation-api';
import { AutomationBuilder } from './automation-builder';
import { type AutomationIssue, checkAutomation, placeServerDetails } from './automation-checks';
import { type AutomationEnvironment, automationSchemaContext, inputNames } from './automation-context';
import { draftOf } from './automation-draft';
import { type PickerForm, RunDialog } from './run-dialog';
import { RunLog } from './run-log';

type AppForm = KnownForm & PickerForm;

interface Loaded {
  app: AppDetail;
  forms: AppForm[];
  members: Array<{ value: string; label: string }>;
  automation: StoredAutomation | null;
  count: number;
  /** The app's flows (null: the caller may not list them). */
  flows: Array<{ key: string; name: Localized }> | null;
}

function AutomationEditor({
  workspace,
  appId,
  loaded,
}: {
  workspace: string;
  appId: string;
  loaded: Loaded;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const { message, modal } = useFeedback();
  const [stored, setStored] = useState(loaded.automation);
  const [definition, setDefinition] = useState<AutomationJson>(() =>
    loaded.automation
      ? draftOf(loaded.automation.definition)
      : {
          key: `automation${loaded.count + 1}`,
          name: { [language]: t('automations.untitled', { n: loaded.count + 1 }) },
          trigger: { type: 'recordCreated', form: loaded.forms[0]?.key ?? '' },
          actions: [],
        },
  );
  const [dirty, setDirty] = useState(!loaded.automation);
  const [serverIssues, setServerIssues] = useState<AutomationIssue[]>([]);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [showIssues, setShowIssues] = useState(false);
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState('design');
  const [running, setRunning] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const { confirmDiscard } = useUnsavedGuard(dirty);

  const env: AutomationEnvironment = useMemo(
    () => ({
      forms: loaded.forms,
      roles: (loaded.app.roles ?? []).map((r) => ({
        value: r.key,
        label: `${textOf(r.name as Localized, language) || r.key} (${r.key})`,
      })),
      members: loaded.members,
      ...(loaded.flows
        ? {
            flows: loaded.flows.map((f) => ({
              value: f.key,
              label: `${textOf(f.name, language) || f.key} (${f.key})`,
            })),
          }
        : {}),
      language,
      words: {
        system: (name) => t(`automations.system.${name}`, { defaultValue: name }),
        item: (label) => t('automations.itemOf', { name: label }),
        input: (name) => t('automations.inputOf', { name }),
      },
    }),
    [loaded, language, t],
  );
  const deferred = useDeferredValue(definition);
  const localIssues = useMemo(() => checkAutomation(deferred, env, language), [deferred, env, language]);
  const issues = useMemo(() => [...localIssues, ...serverIssues], [localIssues, serverIssues]);
  const ctx = automationSchemaContext(definition, env, (path) =>
    issues.filter((i) => i.path === path).map((i) => i.message),
  );
  const formName = (key?: string) => {
    const form = loaded.forms.find((f) => f.key === key);
    return form ? textOf(form.name, language) || form.key : (key ?? '');
  };
  const change = (next: AutomationJson) => {
    setDefinition(next);
    setDirty(true);
    setServerIssues([]);
  };

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
      setServerIssues(placeServerDetails(error.details));
      setShowIssues(true);
    } finally {
      setBusy(false);
    }
  };
  const save = () => {
    const found = checkAutomation(definition, env, language);
    if (found.length > 0) {
      setShowIssues(true);
      setTab('design');
      message.error(t('automations.fixFirst', { count: found.length }));
      return;
    }
    void act(async () => {
      if (!stored) {
        const created = await automationApi.create(workspace, appId, definition);
        setDirty(false);
        message.success(t('automations.created'));
        navigate(`/build/${appId}/automations/${created.id}`, { replace: true });
        return;
      }
      const saved = await automationApi.update(workspace, stored.id, definition, stored.v);
      setStored(saved);
      setDirty(false);
      setShowIssues(false);
      message.success(t('automations.saved'));
    });
  };
  const toggle = (enabled: boolean) =>
    void act(async () => {
      if (!stored) return;
      setStored(await automationApi.setEnabled(workspace, stored.id, enabled));
      message.success(enabled ? t('automations.enabledDone') : t('automations.disabledDone'));
    });
  const remove = () =>
    void modal.confirm({
      title: t('automations.deleteTitle', { name: textOf(definition.name, language) }),
      content: t('automations.deleteBody'),
      okText: t('automations.deleteOk'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () =>
        act(async () => {
          if (!stored) return;
          await automationApi.remove(workspace, stored.id);
          setDirty(false);
          message.success(t('automations.deleted'));
          navigate(`/build/${appId}`, { replace: true });
        }),
    });

  const triggerForm = loaded.forms.find((f) => f.key === stored?.definition.trigger.form);
  const runBlocked = !stored ? 'saveFirst' : dirty ? 'saveFirst' : !stored.enabled ? 'enableFirst' : null;
  return (
    <div data-testid="automation-editor">
      <PageHeader
        title={textOf(definition.name, language) || t('automations.untitledShort')}
        subtitle={stored ? definition.key : t('automations.newAutomation')}
        back={
          <Button type="link" onClick={() => confirmDiscard(() => navigate(`/build/${appId}`))}>
            {t('designer.back')}
          </Button>
        }
        actions={
          <>
            {stored && (
              <Flex gap={6} align="center">
                <Switch
                  checked={stored.enabled}
                  loading={busy}
                  aria-label={t('automations.enabled')}
                  onChange={toggle}
                  data-testid="automation-enabled"
                />
                <Typography.Text>
                  {stored.enabled ? t('automations.on') : t('automations.off')}
                </Typography.Text>
              </Flex>
            )}
            <Tooltip title={runBlocked ? t(`automations.${runBlocked}`) : undefined}>
              <Button
                icon={<PlayCircleOutlined />}
                disabled={runBlocked !== null}
                onClick={() => setRunning(true)}
                data-testid="run-now"
              >
                {t('automations.runNow')}
              </Button>
            </Tooltip>
            {stored && (
              <Button danger icon={<DeleteOutlined />} onClick={remove}>
                {t('automations.delete')}
              </Button>
            )}
            <Button
              type="primary"
              loading={busy}
              disabled={!dirty}
              onClick={save}
              data-testid="save-automation"
            >
              {stored ? t('automations.save') : t('automations.create')}
            </Button>
          </>
        }
      />
      {failure && (
        <RefusedAlert title={failure.message} onClose={() => setFailure(null)} testId="automation-refused" />
      )}
      {showIssues && issues.length > 0 && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={() => setShowIssues(false)}
          style={{ marginBottom: 12 }}
          data-testid="automation-issues"
          title={t('automations.issues', { count: issues.length })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 16 }}>
              {issues.map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  <code>{i.path || '/'}</code> {i.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'design',
            label: t('automations.design'),
            children: (
              <AutomationBuilder
                definition={definition}
                onChange={change}
                ctx={ctx}
                env={env}
                issues={issues}
                keyLocked={stored !== null}
              />
            ),
          },
          {
            key: 'runs',
            label: t('automations.runLog'),
            disabled: !stored,
            children: stored && (
              <RunLog workspace={workspace} automationId={stored.id} refresh={refresh} formName={formName} />
            ),
          },
        ]}
      />
      {stored && (
        <RunDialog
          open={running}
          workspace={workspace}
          automationId={stored.id}
          form={triggerForm}
          inputs={inputNames(definition)}
          formName={formName}
          onClose={() => setRunning(false)}
          onRan={() => setRefresh((n) => n + 1)}
        />
      )}
    </div>
  );
}

/** `/build/:appId/automations/new` and `/build/:appId/automations/:automationId`: the automation editor. */
export function AutomationPage() {
  const { t } = useTranslation();
  const { appId = '', automationId } = useParams();
  const { workspace } = useSession();
  const ws = workspace?.id ?? '';
  const query = useApiQuery<Loaded>(
    async (signal) => {
      const [app, forms, members, automation, list, flows] = await Promise.all([
        designerApi.app(ws, appId, signal),
        designerApi.appForms(ws, appId, signal),
        // Only owners and admins list members; app managers type member ids instead.
        api.members(ws, signal).catch(() => []),
        automationId ? automationApi.get(ws, automationId, signal) : Promise.resolve(null),
        automationId ? Promise.resolve([]) : automationApi.list(ws, appId, signal),
        // Only owners and admins read flows; others type a flow's key.
        flowApi.list(ws, appId, signal).catch(() => null),
      ]);
      return {
        app,
        forms: forms.map((f) => ({
          id: f.id,
          key: f.key,
          name: f.name as Localized,
          fields: f.fields,
          ...((f as { titleField?: string }).titleField
            ? { titleField: (f as { titleField?: string }).titleField }
            : {}),
        })) as AppForm[],
        members: members
          .filter((m) => m.active)
          .map((m) => ({ value: m.userId, label: `${m.name} (${m.email})` })),
        automation,
        count: list.length,
        flows: flows?.map((f) => ({ key: f.key, name: f.definition.name })) ?? null,
      };
    },
    [ws, appId, automationId],
  );
  if (query.status === 'loading') return <PageSkeleton blocks={3} />;
  if (query.status === 'error')
    return <ErrorState title={t('automations.loadFailed')} error={query.error} onRetry={query.retry} />;
  return <AutomationEditor key={automationId ?? 'new'} workspace={ws} appId={appId} loaded={query.data} />;
}
