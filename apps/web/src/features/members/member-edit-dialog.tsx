import { Form, Modal, Select, TreeSelect } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api, type Member, type MemberChange } from '../../api/endpoints';
import { splitDetails } from '../../api/form-errors';
import { useApiQuery } from '../../api/use-api-query';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { parentOptions } from '../departments/department-dialog';

interface Values {
  roles: string[];
  department?: string | null;
  manager?: string | null;
}

const FIELD_BY_PATH: Readonly<Record<string, keyof Values>> = {
  '/roles': 'roles',
  '/department': 'department',
  '/manager': 'manager',
};

/**
 * Changes a member's roles (workspace roles and the roles the workspace's apps define), department and
 * manager (`PATCH /workspaces/:ws/members/:user`). Server errors show under the field they are about.
 */
export function MemberEditDialog({
  workspaceId,
  member,
  members,
  isOwner,
  onClose,
  onSaved,
}: {
  workspaceId: string;
  member: Member | null;
  members: readonly Member[];
  /** Only owners hand out or take away `owner`; others do not get the choice. */
  isOwner: boolean;
  onClose: () => void;
  onSaved: (member: Member) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<{ error: ApiError; other: ApiError['details'] } | null>(null);
  const choices = useApiQuery(
    (signal) => Promise.all([api.departments(workspaceId, signal), api.apps(workspaceId, signal)]),
    [workspaceId],
  );
  const [tree, apps] = choices.status === 'success' ? choices.data : [[], []];

  useEffect(() => {
    if (!member) return;
    setFailure(null);
    form.resetFields();
    form.setFieldsValue({ roles: member.roles, department: member.department, manager: member.manager });
  }, [member, form]);

  async function submit(values: Values) {
    if (!member) return;
    setSubmitting(true);
    setFailure(null);
    const body: MemberChange = {
      roles: values.roles,
      department: values.department ?? null,
      manager: values.manager ?? null,
    };
    try {
      onSaved(await api.updateMember(workspaceId, member.userId, body));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // `/roles/2` (an unknown role) belongs under the roles field too.
      const normalized = new ApiError(
        error.status,
        error.code,
        error.message,
        error.details.map((d) => ({ ...d, path: d.path.replace(/^\/roles\/\d+$/, '/roles') })),
      );
      const { fields, other } = splitDetails(normalized, FIELD_BY_PATH);
      form.setFields(fields.map(({ name, errors }) => ({ name: name as keyof Values, errors })));
      setFailure({ error, other });
    } finally {
      setSubmitting(false);
    }
  }

  const workspaceRoles = (isOwner ? ['owner', 'admin', 'member'] : ['admin', 'member']).map((role) => ({
    value: role,
    label: t(`roles.${role}`),
  }));
  const appRoles = [...new Set(apps.flatMap((app) => app.roles.map((role) => role.key)))].map((key) => ({
    value: key,
    label: key,
  }));

  return (
    <Modal
      open={member !== null}
      title={t('members.editTitle', { name: member?.name ?? '' })}
      okText={t('members.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={submitting}
      forceRender
    >
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => void submit(values)}
        disabled={submitting}
      >
        <Form.Item
          name="roles"
          label={t('members.roles')}
          rules={[{ required: true, type: 'array', min: 1 }]}
        >
          <Select
            mode="multiple"
            options={[
              { label: t('members.workspaceRoles'), options: workspaceRoles },
              ...(appRoles.length > 0 ? [{ label: t('members.appRoles'), options: appRoles }] : []),
            ]}
          />
        </Form.Item>
        <Form.Item name="department" label={t('members.department')}>
          <TreeSelect
            allowClear
            treeDefaultExpandAll
            placeholder={t('members.noDepartment')}
            treeData={parentOptions(tree)}
          />
        </Form.Item>
        <Form.Item name="manager" label={t('members.manager')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('members.noManager')}
            options={members
              .filter((m) => m.active && m.userId !== member?.userId)
              .map((m) => ({ value: m.userId, label: `${m.name} <${m.email}>` }))}
          />
        </Form.Item>
        {failure && (
          <ApiErrorAlert title={t('members.changeFailed')} error={failure.error} details={failure.other} />
        )}
      </Form>
    </Modal>
  );
}
