import { Form, Input, Select, TreeSelect } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Department, type Member } from '../../api/endpoints';
import { FormModal, useApiForm } from '../../components/form-modal';

interface Values {
  name: string;
  parent?: string | null;
  head?: string | null;
}

const FIELD_BY_PATH: Readonly<Record<string, keyof Values>> = {
  '/name': 'name',
  '/parent': 'parent',
  '/head': 'head',
};

interface TreeOption {
  value: string;
  title: string;
  disabled?: boolean;
  children: TreeOption[];
}

/** The tree as TreeSelect options; `exclude` and everything below it cannot be picked (no loops). */
export function parentOptions(tree: readonly Department[], exclude?: string, blocked = false): TreeOption[] {
  return tree.map((node) => {
    const off = blocked || node.id === exclude;
    return {
      value: node.id,
      title: node.name,
      ...(off ? { disabled: true } : {}),
      children: parentOptions(node.children, exclude, off),
    };
  });
}

/**
 * Creates a department (name, parent, head) or changes one: rename, move under another parent, set or
 * clear its head. Server errors appear under the field they are about.
 */
export function DepartmentDialog({
  workspaceId,
  tree,
  members,
  editing,
  defaultParent,
  open,
  onClose,
  onSaved,
}: {
  workspaceId: string;
  tree: readonly Department[];
  members: readonly Member[];
  /** The department being changed; absent to create one. */
  editing?: Department | undefined;
  defaultParent?: string | null;
  open: boolean;
  onClose: () => void;
  onSaved: (department: Department) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { submitting, failure, clearFailure, run } = useApiForm(form, FIELD_BY_PATH);

  useEffect(() => {
    if (!open) return;
    clearFailure();
    form.resetFields();
    form.setFieldsValue(
      editing
        ? { name: editing.name, parent: editing.parent, head: editing.head }
        : { name: '', parent: defaultParent ?? null, head: null },
    );
  }, [open, editing, defaultParent, form, clearFailure]);

  async function submit(values: Values) {
    const body = { name: values.name.trim(), parent: values.parent ?? null, head: values.head ?? null };
    await run(async () => {
      const saved = editing
        ? await api.updateDepartment(workspaceId, editing.id, body)
        : await api.createDepartment(workspaceId, body);
      onSaved(saved);
    });
  }

  return (
    <FormModal<Values>
      open={open}
      title={editing ? t('departments.editTitle', { name: editing.name }) : t('departments.addTitle')}
      okText={editing ? t('departments.save') : t('departments.add')}
      form={form}
      submitting={submitting}
      failure={failure}
      failureTitle={t('departments.saveFailed')}
      onFinish={submit}
      onCancel={onClose}
    >
      <Form.Item
        name="name"
        label={t('departments.name')}
        rules={[
          {
            required: true,
            whitespace: true,
            message: t('validation.required', { field: t('departments.name') }),
          },
        ]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item name="parent" label={t('departments.parent')} extra={t('departments.parentHelp')}>
        <TreeSelect
          allowClear
          treeDefaultExpandAll
          placeholder={t('departments.noParent')}
          treeData={parentOptions(tree, editing?.id)}
        />
      </Form.Item>
      <Form.Item name="head" label={t('departments.head')}>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('departments.noHead')}
          options={members
            .filter((m) => m.active)
            .map((m) => ({ value: m.userId, label: `${m.name} <${m.email}>` }))}
        />
      </Form.Item>
    </FormModal>
  );
}
