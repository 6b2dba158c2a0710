import { Alert, Flex, Input, Modal, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { parseScalar } from '../designer/schema-shapes';
import { automationApi, type RecordItem, type RunResult } from './automation-api';
import { EffectList, StatusTag } from './run-log';

/** The trigger form as the record picker needs it. */
export interface PickerForm {
  id: string;
  key: string;
  titleField?: string;
  fields: Array<{ key: string; type: string }>;
}

/** A record as people recognise it: its title field (or first text), then its short id. */
function recordLabel(record: RecordItem, form: PickerForm): string {
  const title =
    (form.titleField ? record.data[form.titleField] : undefined) ??
    form.fields.map((f) => record.data[f.key]).find((v) => typeof v === 'string' && v !== '');
  const id = `#${record.id.slice(-6)}`;
  return title === undefined || title === null || title === '' ? id : `${String(title)} · ${id}`;
}

/**
 * Run now (manual): optionally on a record of the trigger's form, picked by searching its texts, with values
 * for the `input.<name>` the formulas read. Shows what the run did; the run log has the details.
 */
export function RunDialog({
  open,
  workspace,
  automationId,
  form,
  inputs,
  onClose,
  onRan,
  formName,
}: {
  open: boolean;
  workspace: string;
  automationId: string;
  form: PickerForm | undefined;
  inputs: string[];
  onClose: () => void;
  onRan: () => void;
  formName: (key?: string) => string;
}) {
  const { t } = useTranslation();
  const [record, setRecord] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [records, setRecords] = useState<RecordItem[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RunResult | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!open || !form) return;
    const controller = new AbortController();
    // Searching waits for a pause in typing, so each keystroke does not cost a request.
    const timer = setTimeout(() => {
      automationApi.records(workspace, form.id, q, controller.signal).then(
        (page) => setRecords(page.items),
        () => setRecords([]),
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [open, form, q, workspace]);

  const run = async () => {
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      const input = Object.fromEntries(
        Object.entries(values)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, parseScalar(v)]),
      );
      const answer = await automationApi.run(workspace, automationId, {
        ...(record ? { record } : {}),
        ...(Object.keys(input).length > 0 ? { input } : {}),
      });
      setResult(answer);
      onRan();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('automations.runTitle')}
      okText={t('automations.runOk')}
      cancelText={t('common.close')}
      onOk={() => void run()}
      onCancel={onClose}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Flex vertical gap={12} data-testid="run-dialog">
        {form && (
          <Flex vertical gap={4}>
            <Typography.Text>{t('automations.runRecord')}</Typography.Text>
            <Select
              aria-label={t('automations.runRecord')}
              showSearch
              allowClear
              filterOption={false}
              onSearch={setQ}
              value={record ?? null}
              onChange={(v: string | undefined) => setRecord(v ?? undefined)}
              placeholder={t('automations.runRecordHint')}
              notFoundContent={t('automations.noRecords')}
              options={records.map((r) => ({ value: r.id, label: recordLabel(r, form) }))}
            />
          </Flex>
        )}
        {inputs.map((name) => (
          <Flex key={name} vertical gap={4}>
            <Typography.Text>{t('automations.inputValue', { name })}</Typography.Text>
            <Input
              aria-label={t('automations.inputValue', { name })}
              value={values[name] ?? ''}
              onChange={(e) => setValues((old) => ({ ...old, [name]: e.target.value }))}
            />
          </Flex>
        ))}
        {!form && inputs.length === 0 && (
          <Typography.Text type="secondary">{t('automations.runNothingToAsk')}</Typography.Text>
        )}
        {failure && (
          <Alert
            type="error"
            showIcon
            title={failure.message}
            description={failure.details.map((d) => `${d.path} ${d.message}`).join(' · ') || undefined}
          />
        )}
        {result && (
          <Alert
            type={
              result.status === 'succeeded' ? 'success' : result.status === 'skipped' ? 'info' : 'warning'
            }
            data-testid="run-result"
            title={
              <Flex gap={8} align="center" wrap>
                {t('automations.ranAs')} <StatusTag status={result.status} />
              </Flex>
            }
            description={
              <>
                {result.error && <Typography.Text type="danger">{result.error.message}</Typography.Text>}
                <EffectList effects={result.effects} formName={formName} />
              </>
            }
          />
        )}
      </Flex>
    </Modal>
  );
}
