import { CloseCircleFilled } from '@ant-design/icons';
import { Button, Flex, Skeleton, Spin, theme } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';
import { Panel } from './panel';
import { Text, Title } from './text';

/** A centred spinner with a readable label, announced to screen readers. */
export function LoadingState({ fullPage = false }: { fullPage?: boolean }) {
  const { t } = useTranslation();
  return (
    <Flex
      align="center"
      justify="center"
      vertical
      gap={12}
      role="status"
      aria-live="polite"
      style={{ minHeight: fullPage ? '100vh' : 240 }}
    >
      <Spin size="large" />
      <Text type="secondary">{t('common.loading')}</Text>
    </Flex>
  );
}

/**
 * The shape of a page while its data loads: a title bar and content blocks, so the layout does not jump
 * when the data arrives. Announced to screen readers like {@link LoadingState}.
 */
export function PageSkeleton({ blocks = 2 }: { blocks?: number }) {
  const { t } = useTranslation();
  return (
    <div role="status" aria-live="polite" aria-label={t('common.loading')} data-testid="page-skeleton">
      <Skeleton.Input active size="large" style={{ width: 220, marginBottom: 16 }} />
      <Flex vertical gap={16}>
        {Array.from({ length: blocks }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity.
          <Panel key={i}>
            <Skeleton active paragraph={{ rows: 3 }} />
          </Panel>
        ))}
      </Flex>
    </div>
  );
}

/** Placeholder cards in a grid (app and template cards) or rows (lists) while they load. */
export function CardsSkeleton({ count = 3, minWidth = 260 }: { count?: number; minWidth?: number }) {
  const { t } = useTranslation();
  return (
    <div
      role="status"
      aria-live="polite"
      aria-label={t('common.loading')}
      style={{
        display: 'grid',
        gap: 16,
        gridTemplateColumns: `repeat(auto-fill, minmax(min(${minWidth}px, 100%), 1fr))`,
      }}
    >
      {Array.from({ length: count }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity.
        <Panel key={i}>
          <Skeleton active avatar paragraph={{ rows: 2 }} />
        </Panel>
      ))}
    </div>
  );
}

/** Turns an error into one sentence, with a friendly text for "server not reached". */
export function useErrorText(): (error: ApiError) => string {
  const { t } = useTranslation();
  return (error) => (error.isNetworkError ? t('common.networkError') : error.message);
}

/** A failure with what went wrong and a retry button that takes keyboard focus first. */
export function ErrorState({
  title,
  description,
  error,
  onRetry,
  extra,
}: {
  title: string;
  description?: ReactNode;
  error?: ApiError;
  onRetry?: () => void;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const errorText = useErrorText();
  return (
    // Drawn here rather than with antd's Result, which loads on demand: an error page must show even when
    // the network that would bring more code is what failed.
    <div role="alert" style={{ padding: '48px 32px', textAlign: 'center' }}>
      <CloseCircleFilled aria-hidden="true" style={{ fontSize: 72, color: token.colorError }} />
      <Title level={3} style={{ marginTop: 24, fontWeight: 'normal' }}>
        {title}
      </Title>
      <div style={{ color: token.colorTextSecondary }}>
        {description && <div>{description}</div>}
        {error && <Text type="secondary">{t('common.errorDetail', { message: errorText(error) })}</Text>}
      </div>
      {(onRetry || extra) && (
        <Flex gap={8} justify="center" wrap style={{ marginTop: 24 }}>
          {onRetry && (
            <Button type="primary" onClick={onRetry} autoFocus>
              {t('common.retry')}
            </Button>
          )}
          {extra}
        </Flex>
      )}
    </div>
  );
}
