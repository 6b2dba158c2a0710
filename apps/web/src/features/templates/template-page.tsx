import {
  ApartmentOutlined,
  BarChartOutlined,
  DatabaseOutlined,
  FormOutlined,
  LeftOutlined,
  RobotOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Collapse, Empty, Flex, List, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { FieldDefinition } from '../../api/apps';
import { type TemplateDetail, templatesApi } from '../../api/templates';
import { useApiQuery } from '../../api/use-api-query';
import { AppAvatar } from '../../components/app-avatar';
import { PageHeader } from '../../components/page-header';
import { ErrorState, PageSkeleton } from '../../components/status-states';
import { useIsPhone } from '../../components/use-is-phone';
import { useLocalized } from '../../i18n/localized';
import { isWorkspaceAdmin } from '../apps/visible-apps';
import { useSession } from '../session/session-context';
import { FormPreview } from './form-preview';
import { UseTemplateDialog } from './use-template-dialog';

function Section({
  icon,
  title,
  count,
  children,
}: {
  icon: ReactNode;
  title: string;
  count: number;
  children: ReactNode;
}) {
  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          {icon}
          <span>{title}</span>
          <Tag bordered={false}>{count}</Tag>
        </Flex>
      }
    >
      {children}
    </Card>
  );
}

function Contents({ template }: { template: TemplateDetail }) {
  const { t } = useTranslation();
  const l = useLocalized();
  const formName = (key: string | undefined) => {
    const form = template.forms.find((f) => f.key === key);
    return form ? l(form.name, form.key) : (key ?? '');
  };
  const simple = (items: Array<{ key: string; name: unknown }>, extra?: (key: string) => ReactNode) =>
    items.length === 0 ? (
      <Typography.Text type="secondary">{t('templates.none')}</Typography.Text>
    ) : (
      <List
        size="small"
        dataSource={items}
        renderItem={(item) => (
          <List.Item>
            <Typography.Text>{l(item.name as never, item.key)}</Typography.Text>
            {extra?.(item.key)}
          </List.Item>
        )}
      />
    );
  return (
    <Flex vertical gap={16}>
      <Section icon={<FormOutlined />} title={t('templates.forms')} count={template.forms.length}>
        <Collapse
          accordion
          data-testid="template-forms"
          items={template.forms.map((form) => ({
            key: form.key,
            label: (
              <Flex gap={8} wrap align="center">
                <Typography.Text strong>{l(form.name, form.key)}</Typography.Text>
                <Typography.Text type="secondary">
                  {t('templates.fieldCount', {
                    count: form.fields.filter((f: FieldDefinition) => !f.hidden).length,
                  })}
                </Typography.Text>
                {(template.demoData[form.key] ?? 0) > 0 && (
                  <Tag color="green" bordered={false}>
                    {t('templates.demoCount', { count: template.demoData[form.key] })}
                  </Tag>
                )}
              </Flex>
            ),
            children: <FormPreview form={form} forms={template.forms} />,
          }))}
        />
      </Section>
      <Section icon={<ApartmentOutlined />} title={t('templates.flows')} count={template.flows.length}>
        {simple(template.flows, (key) => {
          const flow = template.flows.find((f) => f.key === key);
          return flow?.form ? <Tag bordered={false}>{formName(flow.form)}</Tag> : null;
        })}
      </Section>
      <Section
        icon={<RobotOutlined />}
        title={t('templates.automations')}
        count={template.automations.length}
      >
        {simple(template.automations)}
      </Section>
      <Section
        icon={<BarChartOutlined />}
        title={t('templates.dashboards')}
        count={template.dashboards.length}
      >
        {simple(template.dashboards, (key) => (
          <Tag bordered={false}>
            {t('templates.widgetCount', {
              count: template.dashboards.find((d) => d.key === key)?.widgets ?? 0,
            })}
          </Tag>
        ))}
      </Section>
      <Section icon={<TeamOutlined />} title={t('templates.roles')} count={template.roles.length}>
        {simple(template.roles)}
      </Section>
    </Flex>
  );
}

/** `/templates/:key`: what a pack holds, a preview of its forms, and "use this template" for admins. */
export function TemplatePage() {
  const { t } = useTranslation();
  const l = useLocalized();
  const phone = useIsPhone();
  const { templateKey = '' } = useParams();
  const { workspace } = useSession();
  const [using, setUsing] = useState(false);
  const data = useApiQuery((signal) => templatesApi.get(templateKey, signal), [templateKey]);
  const back = (
    <Link to="/templates" aria-label={t('templates.back')}>
      <Button type="text" icon={<LeftOutlined />} />
    </Link>
  );
  if (data.status === 'error') {
    return (
      <ErrorState
        title={data.error.status === 404 ? t('templates.notFound') : t('templates.loadOneFailed')}
        error={data.error}
        {...(data.error.status === 404 ? {} : { onRetry: data.retry })}
        extra={
          <Link to="/templates">
            <Button>{t('templates.back')}</Button>
          </Link>
        }
      />
    );
  }
  if (data.status === 'loading') return <PageSkeleton blocks={3} />;
  const template = data.data;
  const name = l(template.name, template.key);
  const admin = workspace ? isWorkspaceAdmin(workspace.roles) : false;
  const demoCount = Object.values(template.demoData).reduce((sum, n) => sum + n, 0);
  return (
    <div data-testid="template-page">
      <PageHeader
        back={back}
        title={
          <Flex gap={12} align="center">
            <AppAvatar
              name={name}
              size={36}
              {...(template.app?.color ? { color: template.app.color } : {})}
            />
            <span>{name}</span>
          </Flex>
        }
        subtitle={
          <Flex gap={8} wrap>
            <span>v{template.version}</span>
            {demoCount > 0 && (
              <span>
                <DatabaseOutlined /> {t('templates.demoHelp', { count: demoCount })}
              </span>
            )}
          </Flex>
        }
        actions={
          admin &&
          workspace && (
            <Button type="primary" onClick={() => setUsing(true)} block={phone}>
              {t('templates.use')}
            </Button>
          )
        }
      />
      {!admin && (
        <Alert type="info" showIcon title={t('templates.onlyAdmins')} style={{ marginBottom: 16 }} />
      )}
      {l(template.description) && (
        <Typography.Paragraph style={{ fontSize: 15 }}>{l(template.description)}</Typography.Paragraph>
      )}
      {template.forms.length === 0 ? <Empty /> : <Contents template={template} />}
      {admin && workspace && (
        <UseTemplateDialog
          workspaceId={workspace.id}
          template={template}
          open={using}
          onClose={() => setUsing(false)}
        />
      )}
    </div>
  );
}
