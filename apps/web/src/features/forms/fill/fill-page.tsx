import { CheckCircleOutlined, CloudOutlined } from '@ant-design/icons';
import { Button, Flex } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { recordsApi } from '../../../api/records';
import { Alert } from '../../../components/antd-lean';
import { useFeedback } from '../../../components/feedback';
import { Result } from '../../../components/lazy-result';
import { PageHeader } from '../../../components/page-header';
import { ErrorState } from '../../../components/status-states';
import { useIsPhone } from '../../../components/use-is-phone';
import { useLocalized } from '../../../i18n/localized';
import { useAppScope } from '../../apps/app-scope';
import { BackToApp } from '../../apps/app-shell';
import { useMe } from '../../session/session-context';
import { clearDraft, type Draft, draftKey, loadDraft, saveDraft, throttled } from './drafts';
import { enqueue, newSubmissionKey } from './outbox';
import { RecordForm } from './record-form';

/**
 * `/apps/:appId/forms/:formId/new`: a new record. Defaults are filled in, the draft is kept in this
 * browser while typing (a reload restores it), and a submission made without a connection waits in the
 * outbox and is sent once when the connection returns (one idempotency key per submission).
 */
export function FillPage() {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const phone = useIsPhone();
  const me = useMe();
  const scope = useAppScope();
  const { formId = '' } = useParams();
  const form = scope.formById(formId);
  const [round, setRound] = useState(0);
  const [done, setDone] = useState<{ recordId?: string; queued?: boolean } | null>(null);
  const key = draftKey(me.user.id, scope.workspaceId, formId);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new round starts a fresh record.
  const draft = useMemo<Draft | null>(() => loadDraft(key), [key, round]);
  // A new record starts empty; the record form fills in its defaults (the engine computes them).
  const initial = useMemo(() => draft?.data ?? {}, [draft]);
  const saver = useMemo(
    () =>
      throttled((data: Record<string, unknown>) =>
        saveDraft(key, { data, savedAt: new Date().toISOString(), version: form?.version ?? 0 }),
      ),
    [key, form?.version],
  );
  const onChange = useCallback((data: Record<string, unknown>) => saver.push(data), [saver]);

  if (!form) return <ErrorState title={t('fill.formNotFound')} />;
  const access = scope.accessOf(form.key);
  const formName = l(form.name, form.key);
  const listPath = `/apps/${scope.app.id}/forms/${form.id}`;
  if (!access.submit) {
    return (
      <ErrorState title={t('fill.noSubmitTitle')} description={t('fill.noSubmitBody', { form: formName })} />
    );
  }
  if (done) {
    return (
      <Result
        status="success"
        icon={done.queued ? <CloudOutlined /> : <CheckCircleOutlined />}
        title={done.queued ? t('fill.queuedTitle') : t('fill.submittedTitle')}
        subTitle={done.queued ? t('fill.queuedBody') : t('fill.submittedBody', { form: formName })}
        data-testid="submit-result"
        extra={
          <Flex wrap gap={8} justify="center" align="center">
            {done.recordId && (
              <Link to={`${listPath}/records/${done.recordId}`}>
                <Button type="primary">{t('fill.viewRecord')}</Button>
              </Link>
            )}
            <Button
              onClick={() => {
                setDone(null);
                setRound((n) => n + 1);
              }}
            >
              {t('fill.another')}
            </Button>
            <Link to={listPath}>
              <Button>{t('fill.toList')}</Button>
            </Link>
          </Flex>
        }
      />
    );
  }

  async function save(data: Record<string, unknown>) {
    const submission = newSubmissionKey();
    const queue = () => {
      enqueue({
        key: submission,
        userId: me.user.id,
        workspaceId: scope.workspaceId,
        appId: scope.app.id,
        formId: form?.id ?? '',
        formName,
        data,
        queuedAt: new Date().toISOString(),
      });
      return 'queued' as const;
    };
    if (!navigator.onLine) return queue();
    try {
      return await recordsApi.create(scope.workspaceId, form?.id ?? '', data, submission);
    } catch (error) {
      // The answer did not arrive: the outbox sends it again with the same key, so it is stored once.
      if (error instanceof ApiError && error.isNetworkError) return queue();
      throw error;
    }
  }

  return (
    <div data-testid="fill-page">
      <PageHeader
        title={formName}
        subtitle={l(form.description)}
        {...(phone ? { back: <BackToApp /> } : {})}
      />
      <RecordForm
        key={round}
        form={form}
        forms={scope.forms}
        access={access}
        ctx={{
          workspaceId: scope.workspaceId,
          appId: scope.app.id,
          form,
          formByKey: scope.formByKey,
          language: i18n.resolvedLanguage ?? 'en',
        }}
        initial={initial}
        {...(draft ? {} : { newRecordFor: me.user.id })}
        onChange={onChange}
        onSave={save}
        onSaved={(result) => {
          saver.flush();
          clearDraft(key);
          if (result === 'queued') {
            setDone({ queued: true });
            void message.info(t('fill.queuedTitle'));
          } else {
            setDone({ recordId: result.id });
            void message.success(t('fill.submittedTitle'));
          }
        }}
        submitLabel={t('fill.submit')}
        banner={
          draft && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              data-testid="draft-restored"
              title={t('fill.draftRestored', {
                time: new Date(draft.savedAt).toLocaleString(i18n.resolvedLanguage),
              })}
              action={
                <Button
                  size="small"
                  onClick={() => {
                    clearDraft(key);
                    setRound((n) => n + 1);
                  }}
                >
                  {t('fill.discardDraft')}
                </Button>
              }
            />
          )
        }
      />
      <div style={{ marginTop: 8 }}>
        <Button type="link" onClick={() => navigate(listPath)} style={{ paddingInline: 0 }}>
          {t('fill.toList')}
        </Button>
      </div>
    </div>
  );
}
