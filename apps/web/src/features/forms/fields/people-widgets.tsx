import { UserOutlined } from '@ant-design/icons';
import { Flex, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDepartments, useMembers } from './directory';
import { formatDateTime } from './format';
import { lazyInput } from './lazy-widget';
import type { DisplayProps, FieldWidget } from './types';

export const idsOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter(
    (v): v is string => typeof v === 'string',
  );

function MemberNames({
  ids,
  workspaceId,
  compact,
}: {
  ids: string[];
  workspaceId: string;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const members = useMembers(workspaceId);
  if (ids.length === 0) return null;
  return (
    <Flex gap={4} wrap={!compact}>
      {ids.map((id) => (
        <Tag key={id} bordered={false} icon={<UserOutlined />} style={{ marginInlineEnd: 0 }}>
          {members ? (members.get(id)?.name ?? t('fields.unknownMember')) : '…'}
        </Tag>
      ))}
    </Flex>
  );
}

function MemberDisplay({ value, ctx, compact }: DisplayProps) {
  return <MemberNames ids={idsOf(value)} workspaceId={ctx.workspaceId} {...(compact ? { compact } : {})} />;
}

const MemberInput = lazyInput(() => import('./select-inputs').then((m) => m.MemberInput));

function DepartmentDisplay({ value, ctx, compact }: DisplayProps) {
  const { t } = useTranslation();
  const departments = useDepartments(ctx.workspaceId);
  const ids = idsOf(value);
  if (ids.length === 0) return null;
  return (
    <Flex gap={4} wrap={!compact}>
      {ids.map((id) => (
        <Tag key={id} bordered={false} style={{ marginInlineEnd: 0 }}>
          {departments ? (departments.byId.get(id)?.path ?? t('fields.unknownDepartment')) : '…'}
        </Tag>
      ))}
    </Flex>
  );
}

// The tree select loads when a form first shows a department field.
const DepartmentInput = lazyInput(() => import('./department-input').then((m) => m.DepartmentInput));

/** `system` fields: who created or owns the record, its department, when it was created or changed. */
function SystemDisplay({ field, value, ctx, compact }: DisplayProps) {
  const { t } = useTranslation();
  if (value === undefined || value === null) {
    return compact ? null : <span style={{ color: '#94a3b8' }}>{t('fields.setOnSave')}</span>;
  }
  switch (field.source) {
    case 'createdAt':
    case 'updatedAt':
      return <span>{formatDateTime(value, ctx.language)}</span>;
    case 'department':
      return <DepartmentDisplay field={field} value={value} ctx={ctx} {...(compact ? { compact } : {})} />;
    default:
      return <MemberDisplay field={field} value={value} ctx={ctx} {...(compact ? { compact } : {})} />;
  }
}

/** Widgets of the people field types and system values. */
export const peopleWidgets: Record<string, FieldWidget> = {
  MemberPicker: { Display: MemberDisplay, Input: MemberInput },
  DepartmentPicker: { Display: DepartmentDisplay, Input: DepartmentInput },
  SystemValue: { Display: SystemDisplay },
};
