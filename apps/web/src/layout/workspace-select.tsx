import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMe, useSession } from '../features/session/session-context';

/** The workspace select of the header, for members of several workspaces. */
export function WorkspaceSelect() {
  const { t } = useTranslation();
  const me = useMe();
  const { workspace, selectWorkspace } = useSession();
  return (
    <Select
      aria-label={t('user.workspace')}
      data-testid="current-workspace"
      value={workspace?.id ?? null}
      onChange={selectWorkspace}
      style={{ minWidth: 0, maxWidth: 240, flex: '0 1 auto' }}
      popupMatchSelectWidth={false}
      options={me.workspaces.map((w) => ({ value: w.id, label: w.name }))}
    />
  );
}
