import { DeleteOutlined, SaveOutlined } from '@ant-design/icons';
import { Button, Input, Modal, Popconfirm, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { recordExtrasApi, type SavedView } from '../../api/records';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import type { ListQueryState } from './use-record-list';

/** The view being shown: columns plus the list query. */
export interface ViewState extends ListQueryState {
  columns: string[];
}

/**
 * A person's saved views of a form (server-side, so they follow them to any device): pick one, save the
 * current columns, filter, search and sort under a name, update or remove it.
 */
export function SavedViews({
  workspaceId,
  formId,
  current,
  onPick,
  onReset,
  block = false,
}: {
  workspaceId: string;
  formId: string;
  current: ViewState;
  onPick: (view: SavedView) => void;
  onReset: () => void;
  /** Take the width the row leaves (phones), the picker shrinking instead of wrapping the row. */
  block?: boolean;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const views = useApiQuery(
    (signal) => recordExtrasApi.views(workspaceId, formId, signal),
    [workspaceId, formId],
  );
  const [selected, setSelected] = useState<string | null>(null);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  const list = views.status === 'success' ? views.data : [];
  const config = {
    columns: current.columns,
    filter: current.filter,
    sort: current.sort,
    q: current.q.trim() || null,
  };
  const fail = (error: unknown) =>
    void message.error(error instanceof ApiError ? error.message : String(error));

  async function save(asNew: boolean) {
    setSaving(true);
    try {
      const view =
        asNew || !selected
          ? await recordExtrasApi.createView(workspaceId, formId, { name: name.trim(), config })
          : await recordExtrasApi.updateView(workspaceId, formId, selected, {
              name: list.find((v) => v.id === selected)?.name ?? name,
              config,
            });
      setSelected(view.id);
      setNaming(false);
      setName('');
      views.retry();
      void message.success(t('records.viewSaved', { name: view.name }));
    } catch (error) {
      fail(error);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Space.Compact block={block} style={block ? { flex: '1 1 0', minWidth: 0 } : undefined}>
      <Select
        aria-label={t('records.views')}
        data-testid="view-picker"
        style={block ? { flex: '1 1 0', minWidth: 0 } : { minWidth: 160, maxWidth: 220 }}
        value={selected ?? '__all'}
        loading={views.status === 'loading'}
        onChange={(id: string) => {
          if (id === '__all') {
            setSelected(null);
            onReset();
            return;
          }
          const view = list.find((v) => v.id === id);
          if (view) {
            setSelected(view.id);
            onPick(view);
          }
        }}
        options={[
          { value: '__all', label: t('records.allRecords') },
          ...list.map((v) => ({ value: v.id, label: v.name })),
        ]}
      />
      <Button
        icon={<SaveOutlined />}
        aria-label={t('records.saveView')}
        onClick={() => (selected ? void save(false) : setNaming(true))}
        loading={saving}
      />
      {selected && (
        <Popconfirm
          title={t('records.deleteViewConfirm')}
          okText={t('records.delete')}
          cancelText={t('common.cancel')}
          onConfirm={async () => {
            try {
              await recordExtrasApi.deleteView(workspaceId, formId, selected);
              setSelected(null);
              views.retry();
              onReset();
            } catch (error) {
              fail(error);
            }
          }}
        >
          <Button icon={<DeleteOutlined />} aria-label={t('records.deleteView')} />
        </Popconfirm>
      )}
      <Modal
        open={naming}
        title={t('records.saveViewTitle')}
        okText={t('records.saveView')}
        cancelText={t('common.cancel')}
        onOk={() => void save(true)}
        onCancel={() => setNaming(false)}
        okButtonProps={{ disabled: name.trim() === '', loading: saving }}
      >
        <Input
          aria-label={t('records.viewName')}
          placeholder={t('records.viewName')}
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          onPressEnter={() => name.trim() && void save(true)}
        />
      </Modal>
    </Space.Compact>
  );
}
