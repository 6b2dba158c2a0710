import { Alert } from './antd-lean';

/**
 * A save, publish or action the server refused: its message, and the problems that have no place of their
 * own on the page as a list. Closable when the page can forget the refusal.
 */
export function RefusedAlert({
  title,
  problems = [],
  onClose,
  testId,
}: {
  title: string;
  problems?: readonly string[];
  onClose?: () => void;
  testId?: string;
}) {
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      closable={onClose !== undefined}
      {...(onClose ? { onClose } : {})}
      style={{ marginBottom: 12 }}
      data-testid={testId}
      title={title}
      description={
        problems.length > 0 ? (
          <ul style={{ margin: 0, paddingInlineStart: 16 }}>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}
