import {
  DeleteOutlined,
  EditOutlined,
  ExportOutlined,
  PlusOutlined,
  SafetyOutlined,
} from '@ant-design/icons';
import { Button, Card, Empty, Flex, Input, List, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { appsApi } from '../../api/apps';
import { ApiError } from '../../api/client';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { RefusedAlert } from '../../components/refused-alert';
import { ErrorState, LoadingState } from '../../components/status-states';
import { AutomationsCard } from '../automations/automations-card';
import { type AppDetail, designerApi, type MenuEntry } from '../designer/designer-api';
import type { Localized } from '../designer/model/form-tree';
import { LocalizedInput } from '../designer/schema-editor';
import { SortableList } from '../designer/sortable-list';
import { textOf, useLanguage } from '../designer/type-labels';
import { useUnsavedGuard } from '../permissions/use-unsaved-guard';
import { useSession } from '../session/session-context';

type FormEntry = { key: string; name: Localized | string; id: string };

function MenuEditor({
  app,
  forms,
  dashboards,
  onSaved,
}: {
  app: AppDetail;
  forms: FormEntry[];
  dashboards: FormEntry[];
  onSaved: (app: AppDetail) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { message } = useFeedback();
  const { workspace } = useSession();
  const [menu, setMenu] = useState<MenuEntry[]>(app.menu ?? []);
  const [dirty, setDirty] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  useUnsavedGuard(dirty);
  const change = (next: MenuEntry[]) => {
    setMenu(next);
    setDirty(true);
  };
  const used = new Set(
    menu
      .flatMap((m) => (m.kind === 'group' ? m.items : [m]))
      .flatMap((m) => (m.kind === 'form' ? [m.form] : [])),
  );
  const formName = (key: string) =>
    textOf(forms.find((f) => f.key === key)?.name as Localized, language) || key;
  const save = async () => {
    setBusy(true);
    setFailure(null);
    try {
      onSaved(await designerApi.updateApp(workspace?.id ?? '', app.id, { menu }));
      setDirty(false);
      message.success(t('builder.menuSaved'));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const leaf = (m: MenuEntry) =>
    m.kind === 'form'
      ? formName(m.form)
      : m.kind === 'dashboard'
        ? textOf(dashboards.find((d) => d.key === m.dashboard)?.name as Localized, language) || m.dashboard
        : textOf(m.label, language);
  return (
    <Card
      title={t('builder.menu')}
      extra={
        <Button
          type="primary"
          disabled={!dirty}
          loading={busy}
          onClick={() => void save()}
          data-testid="save-menu"
        >
          {t('builder.saveMenu')}
        </Button>
      }
      data-testid="menu-editor"
    >
      <Typography.Paragraph type="secondary">{t('builder.menuHint')}</Typography.Paragraph>
      {failure && (
        <RefusedAlert
          title={failure.message}
          problems={failure.details.map((d) => `${d.path} ${d.message}`)}
        />
      )}
      <SortableList
        items={menu}
        onChange={change}
        addLabel={t('builder.addGroup')}
        newItem={(): MenuEntry => ({
          kind: 'group',
          label: { [language]: t('builder.newGroup') },
          items: [],
        })}
        renderItem={(entry, _i, set) =>
          entry.kind === 'group' ? (
            <Flex vertical gap={4}>
              <LocalizedInput
                value={entry.label}
                label={t('builder.groupName')}
                onChange={(label) => set({ ...entry, label: label ?? {} })}
              />
              <SortableList
                items={entry.items}
                onChange={(items) => set({ ...entry, items })}
                addLabel={t('builder.addToGroup')}
                newItem={(): MenuEntry => ({
                  kind: 'form',
                  form: forms.find((f) => !used.has(f.key))?.key ?? forms[0]?.key ?? '',
                })}
                renderItem={(item, _j, setItem) =>
                  item.kind === 'form' ? (
                    <Select
                      size="small"
                      style={{ width: '100%' }}
                      aria-label={t('builder.menuForm')}
                      value={item.form}
                      onChange={(form: string) => setItem({ ...item, form })}
                      options={forms.map((f) => ({ value: f.key, label: formName(f.key) }))}
                    />
                  ) : (
                    <Typography.Text>{leaf(item)}</Typography.Text>
                  )
                }
              />
            </Flex>
          ) : entry.kind === 'form' ? (
            <Select
              size="small"
              style={{ width: '100%' }}
              aria-label={t('builder.menuForm')}
              value={entry.form}
              onChange={(form: string) => set({ ...entry, form })}
              options={forms.map((f) => ({ value: f.key, label: formName(f.key) }))}
            />
          ) : (
            <Typography.Text>{leaf(entry)}</Typography.Text>
          )
        }
      />
      <Flex gap={4} wrap style={{ marginTop: 8 }}>
        {forms
          .filter((f) => !used.has(f.key))
          .map((f) => (
            <Button
              key={f.key}
              size="small"
              icon={<PlusOutlined />}
              onClick={() => change([...menu, { kind: 'form', form: f.key }])}
            >
              {formName(f.key)}
            </Button>
          ))}
      </Flex>
    </Card>
  );
}

/** `/build/:appId`: an app's forms, menu, roles, export, rename and delete. */
export function AppBuilderPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const { message } = useFeedback();
  const { appId = '' } = useParams();
  const { workspace } = useSession();
  const ws = workspace?.id ?? '';
  const query = useApiQuery(
    async (signal) => {
      const [app, forms, dashboards] = await Promise.all([
        designerApi.app(ws, appId, signal),
        designerApi.appForms(ws, appId, signal),
        appsApi.dashboards(ws, appId, signal),
      ]);
      const entry = (f: { key: string; name: unknown; id: string }) => ({
        key: f.key,
        name: f.name as Localized,
        id: f.id,
      });
      return { app, forms: forms.map(entry), dashboards: dashboards.map(entry) };
    },
    [ws, appId],
  );
  const [renaming, setRenaming] = useState<Localized | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [confirmKey, setConfirmKey] = useState('');
  const [failure, setFailure] = useState<ApiError | null>(null);
  if (query.status === 'loading') return <LoadingState />;
  if (query.status === 'error')
    return <ErrorState title={t('builder.loadFailed')} error={query.error} onRetry={query.retry} />;
  const { app, forms, dashboards } = query.data;

  const run = async (work: () => Promise<void>) => {
    setFailure(null);
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
    }
  };
  const exportPack = () =>
    run(async () => {
      const pack = await designerApi.exportApp(ws, appId);
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(pack, null, 2)], { type: 'application/json' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = `${app.key}.pack.json`;
      a.click();
      URL.revokeObjectURL(url);
      message.success(t('builder.exported'));
    });

  return (
    <div data-testid="app-builder">
      <PageHeader
        title={textOf(app.name as never, language)}
        subtitle={app.key}
        back={<Link to="/build">{t('builder.allApps')}</Link>}
        actions={
          <>
            <Button icon={<EditOutlined />} onClick={() => setRenaming((app.name as Localized) ?? {})}>
              {t('builder.rename')}
            </Button>
            <Link to={`/permissions?app=${app.id}`}>
              <Button icon={<SafetyOutlined />}>{t('builder.roles')}</Button>
            </Link>
            <Button icon={<ExportOutlined />} onClick={() => void exportPack()}>
              {t('builder.export')}
            </Button>
            <Button
              danger
              icon={<DeleteOutlined />}
              onClick={() => {
                setConfirmKey('');
                setDeleting(true);
              }}
            >
              {t('builder.delete')}
            </Button>
          </>
        }
      />
      {failure && (
        <RefusedAlert
          title={failure.message}
          problems={failure.details.map((d) => `${d.path} ${d.message}`)}
          onClose={() => setFailure(null)}
        />
      )}
      <Flex vertical gap={12}>
        <Card
          title={t('builder.forms')}
          extra={
            <Link to={`/build/${app.id}/forms/new`}>
              <Button type="primary" icon={<PlusOutlined />} data-testid="new-form">
                {t('builder.newForm')}
              </Button>
            </Link>
          }
        >
          {forms.length === 0 ? (
            <Empty description={t('builder.noForms')} />
          ) : (
            <List
              dataSource={forms}
              renderItem={(f) => (
                <List.Item
                  actions={[
                    <Link key="design" to={`/build/${app.id}/forms/${f.id}`}>
                      {t('builder.design')}
                    </Link>,
                    <Link key="fill" to={`/build/${app.id}/forms/${f.id}/fill`}>
                      {t('builder.fill')}
                    </Link>,
                    <Link
                      key="flow"
                      to={`/build/${app.id}/forms/${f.id}/flow`}
                      data-testid={`flow-of-${f.key}`}
                    >
                      {t('builder.flow')}
                    </Link>,
                  ]}
                >
                  <List.Item.Meta title={textOf(f.name, language)} description={f.key} />
                </List.Item>
              )}
            />
          )}
        </Card>
        <AutomationsCard
          workspace={ws}
          appId={app.id}
          formName={(key) => textOf(forms.find((f) => f.key === key)?.name, language) || key}
        />
        <MenuEditor
          key={JSON.stringify(app.menu ?? [])}
          app={app}
          forms={forms}
          dashboards={dashboards}
          onSaved={() => query.retry()}
        />
      </Flex>
      <Modal
        open={renaming !== null}
        title={t('builder.rename')}
        okText={t('builder.renameOk')}
        cancelText={t('common.cancel')}
        onCancel={() => setRenaming(null)}
        onOk={() =>
          void run(async () => {
            await designerApi.updateApp(ws, appId, { name: renaming ?? {} });
            setRenaming(null);
            query.retry();
          })
        }
      >
        <LocalizedInput
          value={renaming ?? undefined}
          label={t('builder.name')}
          onChange={(v) => setRenaming(v ?? {})}
        />
      </Modal>
      <Modal
        open={deleting}
        title={t('builder.deleteTitle', { name: textOf(app.name as never, language) })}
        okText={t('builder.deleteOk')}
        okButtonProps={{ danger: true, disabled: confirmKey !== app.key }}
        cancelText={t('common.cancel')}
        onCancel={() => setDeleting(false)}
        onOk={() =>
          void run(async () => {
            await designerApi.deleteApp(ws, appId);
            setDeleting(false);
            message.success(t('builder.deleted'));
            navigate('/build', { replace: true });
          })
        }
      >
        <Typography.Paragraph>{t('builder.deleteBody', { count: forms.length })}</Typography.Paragraph>
        <Input
          aria-label={t('builder.deleteConfirm', { key: app.key })}
          placeholder={app.key}
          value={confirmKey}
          onChange={(e) => setConfirmKey(e.target.value)}
        />
        <Typography.Text type="secondary">{t('builder.deleteConfirm', { key: app.key })}</Typography.Text>
      </Modal>
    </div>
  );
}
