import { EyeOutlined, HistoryOutlined, RedoOutlined, SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { typeCheck } from '@formloom/formula';
import type { FormRef } from '@formloom/schema';
import { Button, Card, Flex, Modal, Segmented, Tooltip } from 'antd';
import { useCallback, useDeferredValue, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { RefusedAlert } from '../../components/refused-alert';
import { ErrorState, LoadingState } from '../../components/status-states';
import { useIsPhone } from '../../components/use-is-phone';
import { useUnsavedGuard } from '../permissions/use-unsaved-guard';
import { useSession } from '../session/session-context';
import { Canvas, type IssueCounts } from './canvas';
import { designerApi, type FormDetail, type PublishPreview } from './designer-api';
import { DesignerDnd } from './designer-dnd';
import type { KnownForm } from './editor-context';
import { FormFiller } from './form-filler';
import { DesignerModel } from './model/designer-model';
import type { FormJson } from './model/form-tree';
import { type DesignerIssue, fieldMapFor, findIssues, formulasOf, placeServerDetails } from './model/issues';
import { Palette } from './palette';
import { PropertyPanel } from './property-panel';
import { PublishDialog } from './publish-dialog';
import { textOf, typeLabel, useLanguage } from './type-labels';
import { VersionsDrawer } from './versions-drawer';

interface Loaded {
  form: FormDetail | null;
  forms: KnownForm[];
  hasRecords: boolean;
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

function Designer({
  workspace,
  appId,
  loaded,
  reload,
}: {
  workspace: string;
  appId: string;
  loaded: Loaded;
  reload: () => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const phone = useIsPhone();
  const n = loaded.forms.length + 1;
  const initial: FormJson = loaded.form?.definition ?? {
    key: `form${n}`,
    name: { en: `${typeLabel('form').en} ${n}`, 'zh-CN': `${typeLabel('form')['zh-CN']} ${n}` },
    fields: [],
  };
  const [model] = useState(() => new DesignerModel(initial, { typeLabel }));
  const state = useSyncExternalStore(model.subscribe, model.getState);
  const [formV, setFormV] = useState(loaded.form?.v ?? 0);
  const [serverIssues, setServerIssues] = useState<DesignerIssue[]>([]);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<PublishPreview | null>(null);
  const [showPreview, setShowPreview] = useState(false);
  const [previewPhone, setPreviewPhone] = useState(false);
  const [previewData, setPreviewData] = useState<Record<string, unknown>>({});
  const [versionsOpen, setVersionsOpen] = useState(false);
  const { confirmDiscard } = useUnsavedGuard(state.dirty);

  // Checks run on a deferred copy, so dragging and typing never wait for them (300 fields stay fast).
  const deferred = useDeferredValue(state.doc);
  const refs = useMemo(() => loaded.forms as unknown as FormRef[], [loaded.forms]);
  const localIssues = useMemo(() => findIssues(deferred, refs, language), [deferred, refs, language]);
  const issues = useMemo(() => [...localIssues, ...serverIssues], [localIssues, serverIssues]);
  const counts: IssueCounts = useMemo(() => {
    const map = new Map<string | null, number>();
    for (const i of issues) map.set(i.id, (map.get(i.id) ?? 0) + 1);
    return map;
  }, [issues]);
  const graph = useMemo(() => {
    const readsOf = new Map<string, string[]>();
    const topMap = fieldMapFor(deferred, null, refs);
    for (const node of Object.values(deferred.nodes)) {
      for (const { source } of formulasOf(node.field)) {
        const checked = typeCheck(source, topMap);
        if (checked.ok)
          readsOf.set(node.field.key, [...(readsOf.get(node.field.key) ?? []), ...checked.refs]);
      }
    }
    return readsOf;
  }, [deferred, refs]);
  const dependencies = useCallback(
    (key: string) => {
      const readBy = [...graph]
        .filter(([, reads]) => reads.some((r) => r === key || r.startsWith(`${key}.`)))
        .map(([k]) => k);
      const cycle = localIssues.find(
        (i) => i.code === 'CIRCULAR_REFERENCE' && model.doc.nodes[i.id ?? '']?.field.key === key,
      );
      return { readBy, ...(cycle ? { cycle: cycle.message } : {}) };
    },
    [graph, localIssues, model],
  );
  const lockedKeys = useMemo(
    () => new Set(loaded.hasRecords ? (loaded.form?.published.fields ?? []).map((f) => f.key) : []),
    [loaded],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (!mod || isTyping(event.target)) return;
      const key = event.key.toLowerCase();
      const { selected } = model.getState();
      if (key === 'z' && !event.shiftKey) model.undo();
      else if ((key === 'z' && event.shiftKey) || key === 'y') model.redo();
      else if (key === 'c' && selected) {
        const json = model.copy(selected);
        if (json) {
          sessionStorage.setItem('formloom.clipboard', json);
          void navigator.clipboard?.writeText(json).catch(() => undefined);
          message.success(t('designer.actions.copied'));
        }
      } else if (key === 'v') {
        const json = sessionStorage.getItem('formloom.clipboard');
        if (json) model.paste(json, selected ?? undefined);
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [model, message, t]);

  const refused = (error: unknown) => {
    if (!(error instanceof ApiError)) throw error;
    setFailure(error);
    setServerIssues(placeServerDetails(model.doc, error.details));
  };

  const publish = async () => {
    if (localIssues.length > 0) {
      message.error(t('designer.publish.fixFirst', { count: localIssues.length }));
      const first = localIssues.find((i) => i.id !== null);
      model.select(first?.id ?? null);
      return;
    }
    setBusy(true);
    setFailure(null);
    setServerIssues([]);
    try {
      const definition = model.serialize();
      if (!loaded.form) {
        const created = await designerApi.createForm(workspace, appId, definition);
        model.markSaved();
        message.success(t('designer.publish.done', { version: created.version }));
        navigate(`/build/${appId}/forms/${created.id}`, { replace: true });
        return;
      }
      const saved = await designerApi.saveForm(workspace, loaded.form.id, definition, formV);
      setFormV(saved.form.v);
      model.markSaved();
      setPreview(await designerApi.previewPublish(workspace, loaded.form.id));
    } catch (error) {
      refused(error);
    } finally {
      setBusy(false);
    }
  };

  const confirmPublish = async () => {
    if (!loaded.form) return;
    setBusy(true);
    try {
      const result = await designerApi.publish(workspace, loaded.form.id);
      setFormV(result.form.v);
      setPreview(null);
      message.success(t('designer.publish.done', { version: result.form.version }));
      reload();
    } catch (error) {
      setPreview(null);
      refused(error);
    } finally {
      setBusy(false);
    }
  };

  const saveDraft = async () => {
    if (!loaded.form) return;
    setBusy(true);
    setFailure(null);
    try {
      const saved = await designerApi.saveForm(workspace, loaded.form.id, model.serialize(), formV);
      setFormV(saved.form.v);
      model.markSaved();
      setServerIssues([]);
      message.success(t('designer.actions.saved'));
    } catch (error) {
      refused(error);
    } finally {
      setBusy(false);
    }
  };

  const name = textOf(state.doc.meta.name, language) || t('designer.untitled');
  return (
    <div data-testid="form-designer">
      <PageHeader
        title={name}
        subtitle={
          loaded.form ? t('designer.version', { version: loaded.form.version }) : t('designer.newForm')
        }
        back={
          <Button type="link" onClick={() => confirmDiscard(() => navigate(`/build/${appId}`))}>
            {t('designer.back')}
          </Button>
        }
        actions={
          <>
            <Tooltip title={t('designer.actions.undo')}>
              <Button
                icon={<UndoOutlined />}
                aria-label={t('designer.actions.undo')}
                disabled={!state.canUndo}
                onClick={() => model.undo()}
              />
            </Tooltip>
            <Tooltip title={t('designer.actions.redo')}>
              <Button
                icon={<RedoOutlined />}
                aria-label={t('designer.actions.redo')}
                disabled={!state.canRedo}
                onClick={() => model.redo()}
              />
            </Tooltip>
            <Button icon={<EyeOutlined />} onClick={() => setShowPreview(true)}>
              {t('designer.actions.preview')}
            </Button>
            {loaded.form && (
              <>
                <Button icon={<HistoryOutlined />} onClick={() => setVersionsOpen(true)}>
                  {t('designer.actions.versions')}
                </Button>
                <Button
                  icon={<SaveOutlined />}
                  disabled={!state.dirty}
                  loading={busy}
                  onClick={() => void saveDraft()}
                >
                  {t('designer.actions.save')}
                </Button>
                <Link to={`/build/${appId}/forms/${loaded.form.id}/fill`}>
                  <Button>{t('designer.actions.fill')}</Button>
                </Link>
                <Link to={`/build/${appId}/forms/${loaded.form.id}/flow`}>
                  <Button>{t('designer.actions.flow')}</Button>
                </Link>
              </>
            )}
            <Button type="primary" loading={busy} onClick={() => void publish()} data-testid="publish">
              {t('designer.actions.publish')}
            </Button>
          </>
        }
      />
      {failure && (
        <RefusedAlert
          title={t('designer.publish.refused', { message: failure.message })}
          problems={serverIssues.filter((i) => i.id === null).map((i) => `${i.path} ${i.message}`)}
          onClose={() => setFailure(null)}
          testId="publish-refused"
        />
      )}
      <DesignerDnd model={model}>
        <Flex gap={12} vertical={phone} align="flex-start">
          <Card
            size="small"
            style={{
              width: phone ? '100%' : 250,
              flex: '0 0 auto',
              position: phone ? undefined : 'sticky',
              top: 8,
            }}
          >
            <Palette model={model} />
          </Card>
          <div style={{ flex: 1, minWidth: 0, width: phone ? '100%' : undefined }}>
            <Canvas model={model} doc={state.doc} selectedId={state.selected} counts={counts} />
          </div>
          <Card
            size="small"
            style={{ width: phone ? '100%' : 340, flex: '0 0 auto' }}
            aria-label={t('designer.properties')}
          >
            <PropertyPanel
              model={model}
              doc={state.doc}
              selected={state.selected}
              forms={loaded.forms}
              issues={issues}
              lockedKeys={lockedKeys}
              formKeyLocked={loaded.form !== null}
              dependencies={dependencies}
            />
          </Card>
        </Flex>
      </DesignerDnd>
      <PublishDialog
        preview={preview}
        publishing={busy}
        onConfirm={() => void confirmPublish()}
        onCancel={() => setPreview(null)}
      />
      {loaded.form && (
        <VersionsDrawer
          workspace={workspace}
          form={loaded.form.id}
          open={versionsOpen}
          onClose={() => setVersionsOpen(false)}
        />
      )}
      <Modal
        open={showPreview}
        onCancel={() => setShowPreview(false)}
        footer={null}
        width={previewPhone ? 440 : Math.min(1100, window.innerWidth - 32)}
        title={t('designer.preview.title')}
      >
        <Segmented
          value={previewPhone ? 'phone' : 'desktop'}
          onChange={(v) => setPreviewPhone(v === 'phone')}
          options={[
            { value: 'desktop', label: t('designer.preview.desktop') },
            { value: 'phone', label: t('designer.preview.phone') },
          ]}
          style={{ marginBottom: 12 }}
        />
        <div
          data-testid="preview-frame"
          style={{ width: previewPhone ? 375 : '100%', maxWidth: '100%', margin: '0 auto' }}
        >
          {showPreview && (
            <FormFiller
              form={model.serialize()}
              data={previewData}
              onChange={setPreviewData}
              phone={previewPhone}
            />
          )}
        </div>
      </Modal>
    </div>
  );
}

/** `/build/:appId/forms/new` and `/build/:appId/forms/:formId`: the form designer. */
export function DesignerPage() {
  const { t } = useTranslation();
  const { appId = '', formId } = useParams();
  const { workspace } = useSession();
  const ws = workspace?.id ?? '';
  const query = useApiQuery<Loaded>(
    async (signal) => {
      const [form, forms, hasRecords] = await Promise.all([
        formId ? designerApi.form(ws, formId, signal) : Promise.resolve(null),
        designerApi.appForms(ws, appId, signal),
        formId ? designerApi.hasRecords(ws, formId, signal) : Promise.resolve(false),
      ]);
      return {
        form,
        forms: forms.map((f) => ({ key: f.key, name: f.name as never, fields: f.fields })),
        hasRecords,
      };
    },
    [ws, appId, formId],
  );
  if (query.status === 'loading') return <LoadingState />;
  if (query.status === 'error')
    return <ErrorState title={t('designer.loadFailed')} error={query.error} onRetry={query.retry} />;
  // A new model per form version loaded, so a publish or reload starts from the server's definition.
  return (
    <Designer
      key={`${formId ?? 'new'}:${query.data.form?.v ?? 0}`}
      workspace={ws}
      appId={appId}
      loaded={query.data}
      reload={query.retry}
    />
  );
}
