import { Card, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/language-switch';
import { Logo } from '../../components/logo';

/** The centred card that frames sign-in and setup, with the language switch in reach before login. */
export function AuthCard({
  testId,
  title,
  subtitle,
  width = 440,
  children,
}: {
  testId: string;
  title: string;
  subtitle: string;
  width?: number;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <main
      data-testid={testId}
      style={{
        minHeight: '100vh',
        display: 'flex',
        flexDirection: 'column',
        background: 'linear-gradient(160deg, #eef2ff 0%, #f8fafc 45%, #f1f5f9 100%)',
      }}
    >
      <Flex justify="space-between" align="center" style={{ padding: '16px 24px' }}>
        <Logo size={28} />
        <LanguageSwitch />
      </Flex>
      <Flex flex={1} align="center" justify="center" style={{ padding: '8px 16px 48px' }}>
        <Card
          style={{ width: '100%', maxWidth: width, boxShadow: '0 12px 32px rgba(15, 23, 42, 0.08)' }}
          styles={{ body: { padding: '32px 32px 24px' } }}
        >
          <Typography.Title level={1} style={{ fontSize: 24, marginTop: 0, marginBottom: 6 }}>
            {title}
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
            {subtitle}
          </Typography.Paragraph>
          {children}
        </Card>
      </Flex>
      <Typography.Text type="secondary" style={{ textAlign: 'center', paddingBottom: 20, fontSize: 12 }}>
        {t('app.tagline')}
      </Typography.Text>
    </main>
  );
}
