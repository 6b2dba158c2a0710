import { Form, Select, TreeSelect } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api, type Member, type MemberChange } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { FormModal, useApiForm } from '../../components/form-modal';
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

/** `/roles/2` (an unknown role) belongs under the roles field too. */
function rolesUnderOneField(error: ApiError): ApiError {
  const details = error.details.map((d) => ({ ...d, path: d.path.replace(/^\/roles\/\d+$/, '/roles') }));
  return new ApiError(error.status, error.code, error.message, details);
}

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
  const { submitting, failure, clearFailure, run } = useApiForm(form, FIELD_BY_PATH, rolesUnderOneField);
  const choices = useApiQuery(
    (signal) => Promise.all([api.departments(workspaceId, signal), api.apps(workspaceId, signal)]),
    [workspaceId],
  );
  const [tree, apps] = choices.status === 'success' ? choices.data : [[], []];

  useEffect(() => {
    if (!member) return;
    clearFailure();
    form.resetFields();
    form.setFieldsValue({ roles: member.roles, department: member.department, manager: member.manager });
  }, [member, form, clearFailure]);

  async function submit(values: Values) {
    if (!member) return;
    const body: MemberChange = {
      roles: values.roles,
      department: values.department ?? null,
      manager: values.manager ?? null,
    };
    await run(async () => onSaved(await api.updateMember(workspaceId, member.userId, body)));
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
    <FormModal<Values>
      open={member !== null}
      title={t('members.editTitle', { name: member?.name ?? '' })}
      okText={t('members.save')}
      form={form}
      submitting={submitting}
      failure={failure}
      failureTitle={t('members.changeFailed')}
      onFinish={submit}
      onCancel={onClose}
    >
      <Form.Item name="roles" label={t('members.roles')} rules={[{ required: true, type: 'array', min: 1 }]}>
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
    </FormModal>
  );
}
