import { AppstoreAddOutlined, FileAddOutlined } from '@ant-design/icons';
import { Card, Flex, Form, Input, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { appsApi } from '../../api/apps';
import { ApiErrorAlert } from '../../components/api-error-alert';
import { type FormFailure, useApiForm } from '../../components/form-modal';
import { toLanguage } from '../../i18n';

const COLORS = ['#1d4ed8', '#0891b2', '#059669', '#ca8a04', '#ea580c', '#dc2626', '#7c3aed', '#db2777'];

interface Values {
  name: string;
  key: string;
  description?: string;
  color: string;
}

/** A key the server accepts, from a name: ASCII words joined by `_`, else a generated one. */
export function keyFromName(name: string): string {
  const words = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  const key = words.join('_').replace(/^[^a-z]+/, '');
  return key ? key.slice(0, 40) : `app_${Date.now().toString(36)}`;
}

/**
 * "Create app" for owners and admins: start from a template (the gallery), or a blank app named here.
 * The server checks the key; a taken key comes back under the key field.
 */
export function CreateAppDialog({
  workspaceId,
  open,
  onClose,
}: {
  workspaceId: string;
  open: boolean;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [start, setStart] = useState<'template' | 'blank'>('template');
  const [keyTouched, setKeyTouched] = useState(false);
  const { submitting, failure, run } = useApiForm<Values>(form, { '/key': 'key', '/name': 'name' });
  const language = toLanguage(i18n.resolvedLanguage);

  async function create(values: Values) {
    await run(async () => {
      const created = await appsApi.create(workspaceId, {
        key: values.key,
        name: { [language]: values.name },
        ...(values.description ? { description: { [language]: values.description } } : {}),
        color: values.color,
      });
      onClose();
      navigate(`/apps/${created.id}`);
    });
  }

  return (
    <Modal
      open={open}
      title={t('apps.createTitle')}
      onCancel={onClose}
      okText={start === 'template' ? t('apps.browseTemplates') : t('apps.create')}
      cancelText={t('common.cancel')}
      confirmLoading={submitting}
      onOk={() => (start === 'template' ? navigate('/templates') : form.submit())}
      forceRender
    >
      <Radio.Group
        value={start}
        onChange={(e) => setStart(e.target.value)}
        style={{ width: '100%' }}
        aria-label={t('apps.startFrom')}
      >
        <Flex vertical gap={8}>
          {(
            [
              ['template', <FileAddOutlined key="i" />, t('apps.fromTemplate'), t('apps.fromTemplateHelp')],
              ['blank', <AppstoreAddOutlined key="i" />, t('apps.blank'), t('apps.blankHelp')],
            ] as const
          ).map(([value, icon, title, help]) => (
            <Card key={value} size="small" hoverable onClick={() => setStart(value)}>
              <Radio value={value}>
                <Flex gap={8} align="flex-start">
                  <span style={{ fontSize: 18 }}>{icon}</span>
                  <span>
                    <Typography.Text strong>{title}</Typography.Text>
                    <br />
                    <Typography.Text type="secondary">{help}</Typography.Text>
                  </span>
                </Flex>
              </Radio>
            </Card>
          ))}
        </Flex>
      </Radio.Group>
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ color: COLORS[0] }}
        onFinish={(values) => void create(values)}
        disabled={submitting}
        style={{ marginTop: 16, display: start === 'blank' ? undefined : 'none' }}
        onValuesChange={(changed: Partial<Values>) => {
          if (changed.key !== undefined) setKeyTouched(true);
          if (changed.name !== undefined && !keyTouched) form.setFieldValue('key', keyFromName(changed.name));
        }}
      >
        <Form.Item
          name="name"
          label={t('apps.name')}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('validation.required', { field: t('apps.name') }),
            },
          ]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="key"
          label={t('apps.key')}
          extra={t('apps.keyHelp')}
          rules={[
            { required: true, message: t('validation.required', { field: t('apps.key') }) },
            { pattern: /^[a-z][a-zA-Z0-9_]*$/, message: t('apps.keyPattern') },
          ]}
        >
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="description" label={t('apps.description')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item name="color" label={t('apps.color')}>
          <Radio.Group aria-label={t('apps.color')}>
            <Flex wrap gap={6}>
              {COLORS.map((color) => (
                <Radio.Button
                  key={color}
                  value={color}
                  aria-label={color}
                  style={{ background: color, width: 36, height: 36, padding: 0, borderRadius: 8 }}
                />
              ))}
            </Flex>
          </Radio.Group>
        </Form.Item>
        <FailureNote failure={failure} />
      </Form>
    </Modal>
  );
}

function FailureNote({ failure }: { failure: FormFailure | null }) {
  const { t } = useTranslation();
  if (!failure) return null;
  return <ApiErrorAlert title={t('apps.createFailed')} error={failure.error} details={failure.other} />;
}
