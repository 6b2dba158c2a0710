import { UserOutlined } from '@ant-design/icons';
import { Avatar, Flex, Select, Tag } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useDepartments, useMembers } from './directory';
import { collator, formatDateTime } from './format';
import { lazyInput } from './lazy-widget';
import type { DisplayProps, FieldWidget, InputProps } from './types';

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

function MemberInput({ field, value, onChange, id, disabled, invalid, ctx, ariaLabel }: InputProps) {
  const { t } = useTranslation();
  const members = useMembers(ctx.workspaceId);
  const options = useMemo(() => {
    const compare = collator(ctx.language);
    return [...(members?.values() ?? [])]
      .filter((m) => m.active || idsOf(value).includes(m.userId))
      .sort((a, b) => compare.compare(a.name, b.name))
      .map((m) => ({
        value: m.userId,
        label: m.name,
        search: `${m.name} ${m.email}`,
        title: m.email,
      }));
  }, [members, ctx.language, value]);
  const multiple = field.multiple === true;
  return (
    <Select
      id={id}
      {...(multiple ? { mode: 'multiple' as const } : {})}
      loading={!members}
      value={multiple ? idsOf(value) : (idsOf(value)[0] ?? undefined)}
      onChange={(next: unknown) => onChange(Array.isArray(next) && next.length === 0 ? null : (next ?? null))}
      options={options}
      optionRender={(option) => (
        <Flex gap={8} align="center">
          <Avatar size="small" icon={<UserOutlined />} />
          <span>{option.label}</span>
          <span style={{ color: '#94a3b8', fontSize: 12 }}>{option.data.title}</span>
        </Flex>
      )}
      showSearch={{ optionFilterProp: 'search' }}
      allowClear
      disabled={disabled}
      status={invalid ? 'error' : ''}
      placeholder={t('fields.pickMember')}
      style={{ width: '100%' }}
      aria-label={ariaLabel}
    />
  );
}

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
