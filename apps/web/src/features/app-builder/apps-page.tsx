import { ImportOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Form, Input, List, Modal, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/status-states';
import { designerApi } from '../designer/designer-api';
import { textOf, useLanguage } from '../designer/type-labels';
import { useSession } from '../session/session-context';

/** `/build`: the apps an admin builds, with create and import of a pack file. */
export function AppsPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const { message } = useFeedback();
  const { workspace } = useSession();
  const ws = workspace?.id ?? '';
  const apps = useApiQuery((signal) => api.apps(ws, signal), [ws]);
  const [creating, setCreating] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [form] = Form.useForm<{ name: string; key: string }>();

  const create = async ({ name, key }: { name: string; key: string }) => {
    setFailure(null);
    try {
      const app = await designerApi.createApp(ws, key, { [language]: name });
      setCreating(false);
      navigate(`/build/${app.id}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(error);
    }
  };
  const importFile = async (file: File) => {
    setFailure(null);
    try {
      const pack = JSON.parse(await file.text()) as unknown;
      const result = await designerApi.importPack(ws, pack);
      message.success(t('builder.imported'));
      navigate(`/build/${result.appId}`);
    } catch (error) {
      if (error instanceof SyntaxError) setFailure(new ApiError(400, 'BAD_PACK', t('builder.notJson')));
      else if (error instanceof ApiError) setFailure(error);
      else throw error;
    }
  };

  return (
    <div data-testid="apps-page">
      <PageHeader
        title={t('builder.title')}
        subtitle={t('builder.subtitle')}
        actions={
          <>
            <Upload
              accept="application/json,.json"
              showUploadList={false}
              beforeUpload={(file) => {
                void importFile(file);
                return false;
              }}
            >
              <Button icon={<ImportOutlined />}>{t('builder.import')}</Button>
            </Upload>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="create-app"
            >
              {t('builder.create')}
            </Button>
          </>
        }
      />
      {failure && (
        <Alert
          type="error"
          showIcon
          closable
          style={{ marginBottom: 12 }}
          title={failure.message}
          description={failure.details.map((d) => `${d.path} ${d.message}`).join(' · ') || undefined}
        />
      )}
      {apps.status === 'loading' && <LoadingState />}
      {apps.status === 'error' && (
        <ErrorState title={t('builder.loadFailed')} error={apps.error} onRetry={apps.retry} />
      )}
      {apps.status === 'success' && (
        <Card>
          {apps.data.length === 0 ? (
            <Empty description={t('builder.empty')}>
              <Button type="primary" onClick={() => setCreating(true)}>
                {t('builder.create')}
              </Button>
            </Empty>
          ) : (
            <List
              dataSource={apps.data}
              renderItem={(app) => (
                <List.Item
                  actions={[
                    <Link key="open" to={`/build/${app.id}`}>
                      {t('builder.open')}
                    </Link>,
                  ]}
                >
                  <List.Item.Meta
                    title={<Link to={`/build/${app.id}`}>{textOf(app.name as never, language)}</Link>}
                    description={app.key}
                  />
                </List.Item>
              )}
            />
          )}
        </Card>
      )}
      <Modal
        open={creating}
        title={t('builder.create')}
        okText={t('builder.createOk')}
        cancelText={t('common.cancel')}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(values) => void create(values)} requiredMark={false}>
          <Form.Item
            name="name"
            label={t('builder.name')}
            rules={[{ required: true, message: t('builder.nameRequired') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="key"
            label={t('builder.key')}
            extra={t('builder.keyHint')}
            rules={[{ required: true, pattern: /^[a-z][a-zA-Z0-9_]*$/, message: t('builder.keyInvalid') }]}
          >
            <Input />
          </Form.Item>
        </Form>
        <Typography.Text type="secondary">{t('builder.createHint')}</Typography.Text>
      </Modal>
    </div>
  );
}
