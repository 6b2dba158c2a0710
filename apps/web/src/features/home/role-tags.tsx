import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const KNOWN_ROLES = new Set(['owner', 'admin', 'member']);
const COLORS: Record<string, string> = { owner: 'gold', admin: 'blue', member: 'default' };

/** Role names as tags; the workspace roles are translated, app-defined roles show as named. */
export function RoleTags({ roles }: { roles: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <>
      {roles.map((role) => (
        <Tag key={role} color={COLORS[role] ?? 'purple'}>
          {KNOWN_ROLES.has(role) ? t(`roles.${role}`) : role}
        </Tag>
      ))}
    </>
  );
}
