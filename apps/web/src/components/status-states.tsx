import { Button, Flex, Result, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client';

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
      <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
    </Flex>
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
  const errorText = useErrorText();
  return (
    <div role="alert">
      <Result
        status="error"
        title={title}
        subTitle={
          <>
            {description && <div>{description}</div>}
            {error && (
              <Typography.Text type="secondary">
                {t('common.errorDetail', { message: errorText(error) })}
              </Typography.Text>
            )}
          </>
        }
        extra={
          <>
            {onRetry && (
              <Button type="primary" onClick={onRetry} autoFocus>
                {t('common.retry')}
              </Button>
            )}
            {extra}
          </>
        }
      />
    </div>
  );
}
