import type { ApiError, ApiErrorDetail } from '../api/client';
import { Alert } from './antd-lean';
import { useErrorText } from './status-states';

/** The server's message as a form-level alert, with any details not shown beside a field. */
export function ApiErrorAlert({
  title,
  error,
  details = [],
}: {
  title: string;
  error: ApiError;
  details?: readonly ApiErrorDetail[];
}) {
  const errorText = useErrorText();
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="form-error"
      title={title}
      description={
        <>
          <div>{errorText(error)}</div>
          {details.length > 0 && (
            <ul style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
              {details.map((detail) => (
                <li key={`${detail.path}:${detail.message}`}>
                  {detail.path ? `${detail.path}: ` : ''}
                  {detail.message}
                </li>
              ))}
            </ul>
          )}
        </>
      }
    />
  );
}
