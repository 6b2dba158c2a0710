import { Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type NewMember } from '../../api/endpoints';
import { FormModal, useApiForm } from '../../components/form-modal';
import { MIN_PASSWORD_LENGTH } from '../auth/setup-page';

const FIELD_BY_PATH: Readonly<Record<string, keyof NewMember>> = {
  '/email': 'email',
  '/name': 'name',
  '/password': 'password',
  '/roles': 'roles',
};

/** Workspace roles an admin may hand out here; ownership is not given away from a form. */
const ASSIGNABLE_ROLES = ['member', 'admin'] as const;

/** A modal form that creates a member account in the workspace (`POST /workspaces/:ws/members`). */
export function AddMemberDialog({
  workspace,
  open,
  onClose,
  onAdded,
}: {
  workspace: { id: string; name: string };
  open: boolean;
  onClose: () => void;
  /** `invited`: the email was invited (it joins when the person accepts) rather than added. */
  onAdded: (member: NewMember, invited: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NewMember>();
  const { submitting, failure, clearFailure, run } = useApiForm(form, FIELD_BY_PATH);

  async function submit(values: NewMember) {
    await run(async () => {
      const result = await api.addMember(workspace.id, {
        ...values,
        email: values.email.trim(),
        name: values.name.trim(),
      });
      form.resetFields();
      onAdded(values, 'invited' in result);
    });
  }

  const required = (field: string) => ({
    required: true,
    whitespace: true,
    message: t('validation.required', { field }),
  });

  return (
    <FormModal<NewMember>
      open={open}
      title={t('members.addTitle', { workspace: workspace.name })}
      okText={t('members.add')}
      form={form}
      submitting={submitting}
      failure={failure}
      failureTitle={t('members.addFailed')}
      initialValues={{ roles: ['member'] }}
      onFinish={submit}
      onCancel={() => {
        form.resetFields();
        clearFailure();
        onClose();
      }}
    >
      <Form.Item name="name" label={t('members.name')} rules={[required(t('members.name'))]}>
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="email"
        label={t('members.email')}
        rules={[required(t('members.email')), { type: 'email', message: t('validation.email') }]}
      >
        <Input type="email" autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('members.password')}
        extra={t('members.passwordHelp', { min: MIN_PASSWORD_LENGTH })}
        rules={[
          required(t('members.password')),
          { min: MIN_PASSWORD_LENGTH, message: t('validation.minLength', { min: MIN_PASSWORD_LENGTH }) },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="roles" label={t('members.roles')} rules={[{ required: true, type: 'array', min: 1 }]}>
        <Select
          mode="multiple"
          options={ASSIGNABLE_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
        />
      </Form.Item>
    </FormModal>
  );
}
