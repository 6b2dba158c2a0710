import { ShopOutlined } from '@ant-design/icons';
import { Card, Empty, Flex, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { templatesApi } from '../../api/templates';
import { useApiQuery } from '../../api/use-api-query';
import { AppAvatar } from '../../components/app-avatar';
import { PageHeader } from '../../components/page-header';
import { CardsSkeleton, ErrorState } from '../../components/status-states';
import { useLocalized } from '../../i18n/localized';

/** `/templates`: the server's template packs as cards; each opens its detail page. */
export function GalleryPage() {
  const { t } = useTranslation();
  const l = useLocalized();
  const templates = useApiQuery((signal) => templatesApi.list(signal), []);
  return (
    <div data-testid="template-gallery">
      <PageHeader title={t('templates.title')} subtitle={t('templates.subtitle')} />
      {templates.status === 'error' ? (
        <ErrorState title={t('templates.loadFailed')} error={templates.error} onRetry={templates.retry} />
      ) : templates.status === 'loading' ? (
        <CardsSkeleton count={4} minWidth={280} />
      ) : templates.data.length === 0 ? (
        <Card>
          <Empty
            image={<ShopOutlined style={{ fontSize: 56, color: '#94a3b8' }} />}
            description={
              <Flex vertical gap={4}>
                <Typography.Text strong>{t('templates.emptyTitle')}</Typography.Text>
                <Typography.Text type="secondary">{t('templates.emptyBody')}</Typography.Text>
              </Flex>
            }
          />
        </Card>
      ) : (
        <div
          style={{
            display: 'grid',
            gap: 16,
            gridTemplateColumns: 'repeat(auto-fill, minmax(min(280px, 100%), 1fr))',
          }}
        >
          {templates.data.map((template) => {
            const name = l(template.name, template.key);
            return (
              <Link
                key={template.key}
                to={`/templates/${encodeURIComponent(template.key)}`}
                data-testid="template-card"
                aria-label={name}
              >
                <Card hoverable style={{ height: '100%' }}>
                  <Flex gap={12} align="flex-start">
                    <AppAvatar name={name} />
                    <div style={{ minWidth: 0 }}>
                      <Flex gap={8} align="center" wrap>
                        <Typography.Title level={5} style={{ margin: 0 }}>
                          {name}
                        </Typography.Title>
                        <Tag bordered={false}>v{template.version}</Tag>
                      </Flex>
                      <Typography.Paragraph type="secondary" ellipsis={{ rows: 3 }} style={{ margin: 0 }}>
                        {l(template.description) || t('templates.noDescription')}
                      </Typography.Paragraph>
                    </div>
                  </Flex>
                </Card>
              </Link>
            );
          })}
        </div>
      )}
    </div>
  );
}
