import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { Button, Flex, Form, Modal, Popconfirm, Progress, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition } from '../../api/apps';
import { ApiError } from '../../api/client';
import { type RecordView, recordsApi } from '../../api/records';
import { useFeedback } from '../../components/feedback';
import { localized } from '../../i18n/localized';
import { isComputedField, widgetOf } from '../forms/fields/registry';
import type { FieldContext } from '../forms/fields/types';

/** Runs `work` over `items`, a few at a time, reporting progress; resolves with what failed and why. */
async function inBatches<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
  onProgress: (done: number) => void,
) {
  const failures: Array<{ item: T; error: unknown }> = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failures.push({ item, error });
      }
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, items.length) }, worker));
  return failures;
}

const BULK_TYPES = new Set(['subform', 'attachment', 'image', 'signature', 'address']);

/**
 * What a list can do to several records at once: set one field to one value, or delete them (soft: an
 * admin can undo it). Each record is written through the API with its version, so a record changed by
 * someone meanwhile is reported rather than overwritten.
 */
export function BulkActions({
  selected,
  fields,
  readOnly,
  ctx,
  canEdit,
  canDelete,
  canRestore,
  onDone,
}: {
  selected: RecordView[];
  fields: readonly FieldDefinition[];
  readOnly: ReadonlySet<string>;
  ctx: FieldContext;
  canEdit: boolean;
  canDelete: boolean;
  canRestore: boolean;
  onDone: (changed: RecordView[], removed: string[]) => void;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [editing, setEditing] = useState(false);
  const [fieldKey, setFieldKey] = useState<string | null>(null);
  const [value, setValue] = useState<unknown>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const editable = fields.filter(
    (f) =>
      !isComputedField(f) &&
      !f.readOnly &&
      !readOnly.has(f.key) &&
      !BULK_TYPES.has(f.type) &&
      widgetOf(f).Input,
  );
  const field = editable.find((f) => f.key === fieldKey);
  const count = selected.length;
  const reason = (error: unknown) => (error instanceof ApiError ? error.message : String(error));

  async function applyEdit() {
    if (!field) return;
    setProgress(0);
    const changed: RecordView[] = [];
    const failures = await inBatches(
      selected,
      async (record) => {
        const saved = await recordsApi.update(
          ctx.workspaceId,
          ctx.form.id,
          record.id,
          { [field.key]: value },
          record.v,
          true,
        );
        changed.push(saved);
      },
      (done) => setProgress(Math.round((done / count) * 100)),
    );
    setProgress(null);
    setEditing(false);
    onDone(changed, []);
    if (failures.length === 0) void message.success(t('records.bulkEdited', { count: changed.length }));
    else
      void message.warning(
        t('records.bulkPartly', {
          done: changed.length,
          failed: failures.length,
          reason: reason(failures[0]?.error),
        }),
      );
  }

  async function applyDelete() {
    setProgress(0);
    const removed: string[] = [];
    const failures = await inBatches(
      selected,
      async (record) => {
        await recordsApi.remove(ctx.workspaceId, ctx.form.id, record.id, true);
        removed.push(record.id);
      },
      (done) => setProgress(Math.round((done / count) * 100)),
    );
    setProgress(null);
    onDone([], removed);
    const undo = async () => {
      const back = await inBatches(
        removed,
        (id) => recordsApi.restore(ctx.workspaceId, ctx.form.id, id).then(() => {}),
        () => {},
      );
      void message.info(t('records.restored', { count: removed.length - back.length }));
    };
    void message.open({
      type: failures.length === 0 ? 'success' : 'warning',
      duration: 8,
      content: (
        <span>
          {failures.length === 0
            ? t('records.bulkDeleted', { count: removed.length })
            : t('records.bulkPartly', {
                done: removed.length,
                failed: failures.length,
                reason: reason(failures[0]?.error),
              })}{' '}
          {canRestore && removed.length > 0 && (
            <Button size="small" type="link" onClick={() => void undo()}>
              {t('records.undo')}
            </Button>
          )}
        </span>
      ),
    });
  }

  return (
    <Flex gap={8} align="center" wrap data-testid="bulk-actions">
      <Typography.Text strong>{t('records.selected', { count })}</Typography.Text>
      {canEdit && (
        <Button icon={<EditOutlined />} onClick={() => setEditing(true)} disabled={progress !== null}>
          {t('records.bulkEdit')}
        </Button>
      )}
      {canDelete && (
        <Popconfirm
          title={t('records.bulkDeleteConfirm', { count })}
          okText={t('records.delete')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => void applyDelete()}
        >
          <Button danger icon={<DeleteOutlined />} disabled={progress !== null}>
            {t('records.delete')}
          </Button>
        </Popconfirm>
      )}
      {progress !== null && <Progress percent={progress} size="small" style={{ width: 160 }} />}
      <Modal
        open={editing}
        title={t('records.bulkEditTitle', { count })}
        okText={t('records.apply')}
        cancelText={t('common.cancel')}
        onOk={() => void applyEdit()}
        onCancel={() => setEditing(false)}
        okButtonProps={{ disabled: !field, loading: progress !== null }}
      >
        <Form layout="vertical" component="div">
          <Form.Item label={t('records.bulkField')}>
            <Select
              aria-label={t('records.bulkField')}
              value={fieldKey}
              onChange={(key: string) => {
                setFieldKey(key);
                setValue(null);
              }}
              options={editable.map((f) => ({
                value: f.key,
                label: localized(f.label as never, ctx.language) || f.key,
              }))}
            />
          </Form.Item>
          {field &&
            (() => {
              const Input = widgetOf(field).Input;
              return Input ? (
                <Form.Item label={t('records.bulkValue')} htmlFor="bulk-value">
                  <Input
                    field={field}
                    value={value}
                    onChange={setValue}
                    ctx={ctx}
                    id="bulk-value"
                    disabled={false}
                    invalid={false}
                    scope={{}}
                  />
                </Form.Item>
              ) : null;
            })()}
          {progress !== null && <Progress percent={progress} />}
        </Form>
      </Modal>
    </Flex>
  );
}
