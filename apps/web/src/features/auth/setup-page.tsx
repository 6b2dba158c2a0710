import { Button, Divider, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { splitDetails } from '../../api/form-errors';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { useFeedback } from '../../components/feedback';
import { useSession } from '../session/session-context';
import { AuthCard } from './auth-card';

/** Client-side floor; the server's password policy stays authoritative and its messages are shown. */
export const MIN_PASSWORD_LENGTH = 10;

interface SetupValues {
  workspaceName: string;
  ownerName: string;
  email: string;
  password: string;
  confirm: string;
}

const FIELD_BY_PATH: Readonly<Record<string, keyof SetupValues>> = {
  '/workspace/name': 'workspaceName',
  '/owner/name': 'ownerName',
  '/owner/email': 'email',
  '/owner/password': 'password',
};

/** First-run page: creates the workspace and its owner, then signs the owner in. */
export function SetupPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<SetupValues>();
  const { message } = useFeedback();
  const { signIn, reload } = useSession();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<{ error: ApiError; other: ApiError['details'] } | null>(null);

  const required = (field: string) => ({
    required: true,
    whitespace: true,
    message: t('validation.required', { field }),
  });

  async function submit(values: SetupValues) {
    setSubmitting(true);
    setFailure(null);
    try {
      const result = await api.setup({
        workspace: { name: values.workspaceName.trim() },
        owner: { name: values.ownerName.trim(), email: values.email.trim(), password: values.password },
      });
      // The route guard sees the new session and moves on to the overview.
      await signIn(result.token, result.workspaceId);
      void message.success(t('setup.success'));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 409) {
        // Someone finished setup first: the session now needs a login instead.
        await reload();
        return;
      }
      const { fields, other } = splitDetails(error, FIELD_BY_PATH);
      form.setFields(fields.map(({ name, errors }) => ({ name: name as keyof SetupValues, errors })));
      setFailure({ error, other });
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <AuthCard testId="setup-page" title={t('setup.title')} subtitle={t('setup.subtitle')} width={480}>
      <Form<SetupValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => void submit(values)}
        disabled={submitting}
        aria-label={t('setup.title')}
        scrollToFirstError
      >
        <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>
          {t('setup.workspaceSection')}
        </Divider>
        <Form.Item
          name="workspaceName"
          label={t('setup.workspaceName')}
          rules={[
            required(t('setup.workspaceName')),
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input placeholder={t('setup.workspaceNamePlaceholder')} autoFocus autoComplete="organization" />
        </Form.Item>

        <Divider titlePlacement="start" plain>
          {t('setup.ownerSection')}
        </Divider>
        <Form.Item
          name="ownerName"
          label={t('setup.ownerName')}
          rules={[
            required(t('setup.ownerName')),
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input placeholder={t('setup.ownerNamePlaceholder')} autoComplete="name" />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('setup.email')}
          rules={[required(t('setup.email')), { type: 'email', message: t('validation.email') }]}
        >
          <Input type="email" autoComplete="email" placeholder="name@example.com" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('setup.password')}
          extra={t('setup.passwordHelp', { min: MIN_PASSWORD_LENGTH })}
          rules={[
            required(t('setup.password')),
            { min: MIN_PASSWORD_LENGTH, message: t('validation.minLength', { min: MIN_PASSWORD_LENGTH }) },
          ]}
          hasFeedback
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('setup.confirmPassword')}
          dependencies={['password']}
          hasFeedback
          rules={[
            required(t('setup.confirmPassword')),
            ({ getFieldValue }) => ({
              validator: (_rule, value: unknown) =>
                !value || getFieldValue('password') === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('validation.passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>

        {failure && (
          <Form.Item>
            <ApiErrorAlert title={t('setup.failed')} error={failure.error} details={failure.other} />
          </Form.Item>
        )}
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" size="large" block loading={submitting}>
            {t('setup.submit')}
          </Button>
        </Form.Item>
      </Form>
    </AuthCard>
  );
}
