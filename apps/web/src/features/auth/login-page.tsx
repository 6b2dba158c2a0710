import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { splitDetails } from '../../api/form-errors';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { useSession } from '../session/session-context';
import { AuthCard } from './auth-card';

interface LoginValues {
  email: string;
  password: string;
}

const FIELD_BY_PATH: Readonly<Record<string, keyof LoginValues>> = {
  '/email': 'email',
  '/password': 'password',
};

/** Email-and-password sign-in. */
export function LoginPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<LoginValues>();
  const { signIn } = useSession();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<{ error: ApiError; other: ApiError['details'] } | null>(null);

  async function submit(values: LoginValues) {
    setSubmitting(true);
    setFailure(null);
    try {
      const result = await api.login(values.email.trim(), values.password);
      // The route guard sees the new session and sends the user back where they were headed.
      await signIn(result.token);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const { fields, other } = splitDetails(error, FIELD_BY_PATH);
      form.setFields(fields.map(({ name, errors }) => ({ name: name as keyof LoginValues, errors })));
      setFailure({ error, other });
      setSubmitting(false);
    }
  }

  return (
    <AuthCard testId="login-page" title={t('login.title')} subtitle={t('login.subtitle')}>
      <Form<LoginValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => void submit(values)}
        disabled={submitting}
        aria-label={t('login.title')}
      >
        <Form.Item
          name="email"
          label={t('login.email')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('validation.required', { field: t('login.email') }),
            },
            { type: 'email', message: t('validation.email') },
          ]}
        >
          <Input
            type="email"
            autoComplete="username"
            autoFocus
            size="large"
            prefix={<MailOutlined aria-hidden="true" />}
          />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('login.password')}
          rules={[{ required: true, message: t('validation.required', { field: t('login.password') }) }]}
        >
          <Input.Password
            autoComplete="current-password"
            size="large"
            prefix={<LockOutlined aria-hidden="true" />}
          />
        </Form.Item>
        {failure && (
          <Form.Item>
            <ApiErrorAlert title={t('login.failed')} error={failure.error} details={failure.other} />
          </Form.Item>
        )}
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" size="large" block loading={submitting}>
            {t('login.submit')}
          </Button>
        </Form.Item>
      </Form>
    </AuthCard>
  );
}
