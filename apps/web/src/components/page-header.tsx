import { Flex } from 'antd';
import type { ReactNode } from 'react';
import { Text, Title } from './text';
import { useIsPhone } from './use-is-phone';

/**
 * The title block of a page (Ant Design Pro's page header): title, optional subtitle and the page's
 * actions, which wrap under the title on narrow screens instead of pushing the page wider.
 */
export function PageHeader({
  title,
  subtitle,
  actions,
  back,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  /** A back link or button shown before the title. */
  back?: ReactNode;
}) {
  const phone = useIsPhone();
  return (
    <Flex justify="space-between" align="flex-start" wrap gap={12} style={{ marginBottom: 16 }}>
      <Flex gap={8} align="flex-start" style={{ minWidth: 0, flex: '1 1 240px' }}>
        {back}
        <div style={{ minWidth: 0 }}>
          <Title level={phone ? 3 : 2} style={{ margin: 0, overflowWrap: 'anywhere' }}>
            {title}
          </Title>
          {subtitle && <Text type="secondary">{subtitle}</Text>}
        </div>
      </Flex>
      {actions && (
        <Flex gap={8} wrap style={{ flex: phone ? '1 1 100%' : '0 0 auto' }}>
          {actions}
        </Flex>
      )}
    </Flex>
  );
}
