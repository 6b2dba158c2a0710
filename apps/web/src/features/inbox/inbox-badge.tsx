import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge } from '../../components/antd-lean';
import { useSession } from '../session/session-context';
import { useTaskCounts } from './task-counts';

/** The number of pending tasks beside the inbox's entry in the navigation (nothing when there are none). */
export function InboxBadge({
  children,
  dot = false,
  offset,
}: {
  children: ReactNode;
  dot?: boolean;
  /** Where the badge sits against its child ([right, down] px); beside a label or on an icon by default. */
  offset?: [number, number];
}) {
  const { t } = useTranslation();
  const { workspace } = useSession();
  const counts = useTaskCounts(workspace?.id);
  const pending = counts?.pending ?? 0;
  return (
    <Badge
      count={pending}
      dot={dot && pending > 0}
      size="small"
      offset={offset ?? (dot ? [2, 0] : [10, 0])}
      title={t('inbox.pendingCount', { count: pending })}
      data-testid="inbox-badge"
    >
      {children}
    </Badge>
  );
}
