import { LinkOutlined, UserOutlined } from '@ant-design/icons';
import { Flex, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDepartments, useMembers } from './directory';
import { optionLabel, optionsOf } from './format';
import { idsOf } from './people-widgets';
import { RecordTitle } from './relation-widgets';
import type { DisplayProps } from './types';

// Values shown as antd Tags (options, members, departments, related records), loaded on first use by
// their widgets: a form that shows no such value does not download Tag.

export function ChoiceDisplay({ field, value, ctx, compact }: DisplayProps) {
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  if (values.length === 0) return null;
  return (
    <Flex gap={4} wrap={!compact}>
      {values.map((v) => {
        const color = optionsOf(field).find((o) => o.value === v)?.color;
        return (
          <Tag key={String(v)} bordered={false} {...(color ? { color } : {})} style={{ marginInlineEnd: 0 }}>
            {optionLabel(field, v, ctx.language)}
          </Tag>
        );
      })}
    </Flex>
  );
}

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

export function MemberDisplay({ value, ctx, compact }: DisplayProps) {
  return <MemberNames ids={idsOf(value)} workspaceId={ctx.workspaceId} {...(compact ? { compact } : {})} />;
}

export function DepartmentDisplay({ value, ctx, compact }: DisplayProps) {
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

export function RelationDisplay({ field, value, ctx, compact }: DisplayProps) {
  const ids = idsOf(value);
  if (ids.length === 0) return null;
  return (
    <Flex gap={4} wrap={!compact}>
      {ids.map((id) => (
        <Tag key={id} bordered={false} icon={<LinkOutlined />} style={{ marginInlineEnd: 0 }}>
          <RecordTitle field={field} ctx={ctx} id={id} link={!compact} />
        </Tag>
      ))}
    </Flex>
  );
}
