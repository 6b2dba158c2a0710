import { CloudUploadOutlined, SaveOutlined } from '@ant-design/icons';
import { Button, Flex, theme } from 'antd';
import { lazy, type ReactNode, Suspense, useEffect, useLayoutEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition, FormAccess, FormDefinitionSummary } from '../../../api/apps';
import { ApiError } from '../../../api/client';
import type { RecordView } from '../../../api/records';
import { Alert } from '../../../components/antd-lean';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { useFeedback } from '../../../components/feedback';
import { useIsPhone } from '../../../components/use-is-phone';
import { toLanguage } from '../../../i18n';
import { BOTTOM_NAV_HEIGHT } from '../../../layout/bottom-nav';
import { isComputedField } from '../fields/registry';
import type { FieldContext } from '../fields/types';
import { engineNow, loadEngineFor } from './deferred-live';
import type { FieldMode } from './field-row';
import { FormRenderer } from './form-renderer';
import { markFormShown } from './form-shown';
import { FormStore, pathOf } from './form-store';
import { submissionData } from './submission';
import { useStoreAny } from './use-store';

// The explain view (a table of formula steps) loads when a user first asks for it.
const ExplainDrawer = lazy(() => import('./explain-drawer').then((m) => ({ default: m.ExplainDrawer })));

/** The submission checks of packages/form-runtime, fetched once, on the first submit. */
const loadChecks = () => import('./checks');

/** The widest a form being filled or edited grows on a desk (Jiandaoyun's forms are about as wide). */
export const FORM_MAX_WIDTH = 880;

/** What a save does with the values: create or update; answers the stored record. */
export type SaveValues = (data: Record<string, unknown>) => Promise<RecordView | 'queued'>;

/**
 * A form being filled or edited: the live form (formulas, defaults, visibility, validation in the
 * browser, with the server's own code), the caller's field access, the save with the server's messages
 * under their fields, and the explain view of computed values.
 */
export function RecordForm({
  form,
  forms,
  access,
  ctx,
  initial,
  onSave,
  onSaved,
  onChange,
  submitLabel,
  banner,
  keepNulls = false,
  newRecordFor,
}: {
  form: FormDefinitionSummary;
  forms: readonly FormDefinitionSummary[];
  access: FormAccess;
  ctx: FieldContext;
  initial: Record<string, unknown>;
  onSave: SaveValues;
  onSaved: (result: RecordView | 'queued') => void;
  /** Every change of values (drafts). */
  onChange?: (data: Record<string, unknown>) => void;
  submitLabel: string;
  banner?: ReactNode;
  /** Edits send cleared values as null (a PATCH keeps what it does not name). */
  keepNulls?: boolean;
  /** A new record made by this member: its defaults are filled in (edits keep the stored values). */
  newRecordFor?: string;
}) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const { token } = theme.useToken();
  const phone = useIsPhone();
  // biome-ignore lint/correctness/useExhaustiveDependencies: one store per form and starting values.
  const store = useMemo(() => {
    const created = new FormStore(null, initial, form.fields);
    const ready = engineNow(form, forms, newRecordFor);
    if (ready) created.attach(ready.live, ready.prepare);
    return created;
  }, [form, initial]);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<{ error: ApiError; other: ApiError['details'] } | null>(null);
  const [explaining, setExplaining] = useState<FieldDefinition | null>(null);
  const language = toLanguage(i18n.resolvedLanguage);
  const hidden = useMemo(() => new Set(access.hidden), [access.hidden]);
  const readOnly = useMemo(() => new Set(access.readOnly), [access.readOnly]);
  const fields = useMemo(
    () => form.fields.filter((f) => !f.hidden && !hidden.has(f.key)),
    [form.fields, hidden],
  );
  const fieldCtx = useMemo<FieldContext>(() => ({ ...ctx, readOnly }), [ctx, readOnly]);

  // The form's fields are on the page and typeable: the moment the route bench measures up to.
  useLayoutEffect(markFormShown, []);

  // The formula engine arrives after the form is shown, then computes formulas, defaults and rules.
  useEffect(() => {
    let current = true;
    void loadEngineFor(form, forms, newRecordFor).then((ready) => {
      if (current) store.attach(ready.live, ready.prepare);
    });
    return () => {
      current = false;
    };
  }, [store, form, forms, newRecordFor]);

  useEffect(() => {
    store.onChange = onChange;
    return () => {
      store.onChange = undefined;
    };
  }, [store, onChange]);

  const modeOf = (field: FieldDefinition): FieldMode =>
    isComputedField(field) || field.readOnly || readOnly.has(field.key) ? 'show' : 'edit';

  function focusFirstError(paths: readonly string[]) {
    const first = paths[0];
    if (!first) return;
    const [key, row, column] = pathOf(first).split('/');
    const id = row !== undefined && column !== undefined ? `field-${key}-${row}-${column}` : `field-${key}`;
    const element = document.getElementById(id) ?? document.querySelector(`[data-testid="field-${key}"]`);
    element?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    if (element instanceof HTMLElement) element.focus({ preventScroll: true });
  }

  async function submit() {
    setFailure(null);
    const data = submissionData(fields, store.data, { hidden, readOnly, invisible: store.hidden, keepNulls });
    // The same checks the server runs, so most mistakes show before anything is sent. The validator
    // (ajv, RE2 patterns) loads on the first submit: rendering and typing never need it.
    const [{ checkSubmission }, ready] = await Promise.all([
      loadChecks(),
      loadEngineFor(form, forms, newRecordFor),
    ]);
    store.attach(ready.live, ready.prepare);
    const live = ready.live;
    const problems = checkSubmission(live.definition, live.plan, data, live.clock(), language).filter(
      // Read-only fields the caller cannot fill are the server's to judge (defaults, flows fill them).
      (d) => {
        const key = pathOf(d.path).split('/')[0] ?? '';
        return !readOnly.has(key) && !hidden.has(key);
      },
    );
    if (problems.length > 0) {
      store.setErrors(problems);
      void message.error(t('fill.fixErrors', { count: problems.length }));
      focusFirstError(problems.map((p) => p.path));
      return;
    }
    setSaving(true);
    try {
      const result = await onSave(data);
      onSaved(result);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const known = new Set(fields.map((f) => f.key));
      const under = error.details.filter(
        (d) => d.path.startsWith('/data/') && known.has(pathOf(d.path).split('/')[0] ?? ''),
      );
      store.setErrors(under);
      setFailure({ error, other: error.details.filter((d) => !under.includes(d)) });
      focusFirstError(under.map((d) => d.path));
    } finally {
      setSaving(false);
    }
  }

  const actions = (
    <Flex gap={8} justify={phone ? 'stretch' : 'flex-start'}>
      <Button
        type="primary"
        size="large"
        icon={navigator.onLine ? <SaveOutlined /> : <CloudUploadOutlined />}
        loading={saving}
        onClick={() => void submit()}
        block={phone}
        data-testid="submit-record"
      >
        {submitLabel}
      </Button>
    </Flex>
  );
  return (
    // On a desk the form keeps a readable width instead of stretching every input across the screen.
    <div data-testid="record-form" style={phone ? undefined : { maxWidth: FORM_MAX_WIDTH }}>
      {banner}
      <FormRenderer
        store={store}
        form={form}
        fields={fields}
        ctx={fieldCtx}
        modeOf={modeOf}
        onExplain={setExplaining}
      />
      {failure && (
        <div style={{ marginBottom: 16 }}>
          <ApiErrorAlert title={t('fill.saveFailed')} error={failure.error} details={failure.other} />
        </div>
      )}
      {phone ? (
        // Thumbs reach the action above the bottom bar; the page keeps room for it.
        <>
          <div style={{ height: 64 }} />
          <div
            style={{
              position: 'fixed',
              insetInline: 0,
              bottom: BOTTOM_NAV_HEIGHT,
              padding: '8px 12px',
              background: token.colorBgContainer,
              borderTop: `1px solid ${token.colorBorderSecondary}`,
              zIndex: 25,
            }}
          >
            {actions}
          </div>
        </>
      ) : (
        actions
      )}
      <ExplainWhenOpen
        store={store}
        field={explaining}
        language={language}
        onClose={() => setExplaining(null)}
      />
      {!navigator.onLine && (
        <Alert type="info" showIcon title={t('fill.offlineNote')} style={{ marginTop: 12 }} />
      )}
    </div>
  );
}

interface ExplainProps {
  store: FormStore;
  field: FieldDefinition | null;
  language: string;
  onClose: () => void;
}

/** The explain drawer follows the values only while it is open (typing never repaints a closed one). */
function ExplainWhenOpen(props: ExplainProps) {
  return props.field ? <OpenExplain {...props} /> : null;
}

function OpenExplain({ store, field, language, onClose }: ExplainProps) {
  const data = useStoreAny(store);
  const live = store.live;
  // A computed value (the only kind with an explain button) is shown once the engine computes.
  if (!live) return null;
  return (
    <Suspense fallback={null}>
      <ExplainDrawer live={live} field={field} data={data} language={language} onClose={onClose} />
    </Suspense>
  );
}
