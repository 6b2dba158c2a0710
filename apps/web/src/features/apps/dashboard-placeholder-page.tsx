import { BarChartOutlined } from '@ant-design/icons';
import { Card, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { useIsPhone } from '../../components/use-is-phone';
import { useLocalized } from '../../i18n/localized';
import { useAppScope } from './app-scope';
import { BackToApp } from './app-shell';

/**
 * A dashboard of the app's menu. Drawing dashboards is not built yet (it is its own piece of work), so
 * this page says so plainly instead of pretending; the dashboard's definition is kept with the app.
 */
export function DashboardPlaceholderPage() {
  const { t } = useTranslation();
  const l = useLocalized();
  const phone = useIsPhone();
  const { app } = useAppScope();
  const { dashboardKey = '' } = useParams();
  const label = app.menu?.find((item) => item.kind === 'dashboard' && item.dashboard === dashboardKey)?.label;
  const title = l(label, dashboardKey);
  return (
    <div data-testid="dashboard-placeholder">
      <PageHeader title={title} {...(phone ? { back: <BackToApp /> } : {})} />
      <Card>
        <Result
          icon={<BarChartOutlined style={{ color: '#94a3b8' }} />}
          title={t('dashboards.comingTitle')}
          subTitle={
            <Typography.Text type="secondary">{t('dashboards.comingBody', { name: title })}</Typography.Text>
          }
        />
      </Card>
    </div>
  );
}
