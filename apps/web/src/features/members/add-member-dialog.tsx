import { Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api, type NewMember } from '../../api/endpoints';
import { splitDetails } from '../../api/form-errors';
import { ApiErrorAlert } from '../../components/api-error-alert';
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
  onAdded: (member: NewMember) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<NewMember>();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<{ error: ApiError; other: ApiError['details'] } | null>(null);

  async function submit(values: NewMember) {
    setSubmitting(true);
    setFailure(null);
    try {
      await api.addMember(workspace.id, { ...values, email: values.email.trim(), name: values.name.trim() });
      form.resetFields();
      onAdded(values);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const { fields, other } = splitDetails(error, FIELD_BY_PATH);
      form.setFields(fields.map(({ name, errors }) => ({ name: name as keyof NewMember, errors })));
      setFailure({ error, other });
    } finally {
      setSubmitting(false);
    }
  }

  const required = (field: string) => ({
    required: true,
    whitespace: true,
    message: t('validation.required', { field }),
  });

  return (
    <Modal
      open={open}
      title={t('members.addTitle', { workspace: workspace.name })}
      okText={t('members.add')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      onCancel={() => {
        form.resetFields();
        setFailure(null);
        onClose();
      }}
      confirmLoading={submitting}
      // Rendered while closed so the form instance is connected before the first open.
      forceRender
    >
      <Form<NewMember>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ roles: ['member'] }}
        onFinish={(values) => void submit(values)}
        disabled={submitting}
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
        <Form.Item
          name="roles"
          label={t('members.roles')}
          rules={[{ required: true, type: 'array', min: 1 }]}
        >
          <Select
            mode="multiple"
            options={ASSIGNABLE_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
          />
        </Form.Item>
        {failure && (
          <ApiErrorAlert title={t('members.addFailed')} error={failure.error} details={failure.other} />
        )}
      </Form>
    </Modal>
  );
}
